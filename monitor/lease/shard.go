package lease

import "hash/fnv"

// DefaultShards is the number of virtual shards when [Options].Shards is 0.
const DefaultShards = 128

// Shard returns the shard of target among k (0 ≤ shard < k): FNV-1a of the
// name, mod k. It depends on nothing but its arguments, so every replica
// and every release of vitals puts a target in the same shard; changing it
// would move every target at an upgrade.
func Shard(target string, k int) int {
	if k <= 0 {
		panic("lease: Shard with k <= 0")
	}
	h := fnv.New64a()
	h.Write([]byte(target))
	return int(h.Sum64() % uint64(k))
}
