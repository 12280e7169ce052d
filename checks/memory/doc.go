// Package memory checks the memory use of the process: its resident set
// size (RSS), read from /proc, and its Go heap, read from runtime/metrics,
// against thresholds in bytes or, for RSS, as a percentage of the cgroup
// v2 memory limit the process runs under (a container's memory limit).
// Crossing a percentage of the limit is the warning to heed before the
// kernel's OOM killer acts.
//
// With no thresholds set, the check warns at 80% and fails at 90% of the
// cgroup limit, and just reports the numbers when there is no limit.
//
// On a host without a cgroup limit, WarnHostPercent and FailHostPercent
// bound the machine's memory in use instead — MemTotal minus MemAvailable
// of /proc/meminfo, as a percentage of MemTotal — which is what CHORUS's
// CreateMemoryCheck(0.85) checks:
//
//	c, err := memory.New(&memory.Options{FailHostPercent: 85})
//
//	c, err := memory.New(&memory.Options{WarnPercent: 75, FailHeapBytes: 2 << 30})
//	if err != nil { … }
//	m.Add("memory", c, vitals.Groups(vitals.Liveness), vitals.Interval(15*time.Second))
//
// # Where the numbers come from
//
// RSS is VmRSS of /proc/self/status (or the second field of
// /proc/self/statm, in pages). The cgroup is the "0::" line of
// /proc/self/cgroup; the limit is the smallest number in memory.max of
// that cgroup and its ancestors under /sys/fs/cgroup ("max" means none).
// cgroup v1 is not read. Without /proc (other systems than Linux) only the
// heap is checked. The heap is /memory/classes/heap/objects:bytes, the
// memory occupied by live and not yet swept heap objects.
//
// Observed is the RSS in bytes, when it can be read. Details hold
// rss_bytes, heap_bytes and, when present, limit_bytes, rss_percent and
// cgroup; with a host threshold, host_used_bytes, host_total_bytes and
// host_used_percent.
package memory
