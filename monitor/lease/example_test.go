package lease_test

import (
	"fmt"

	"github.com/vitalsgo/vitals/monitor/lease"
)

// Every replica computes the same shard for a target, so the shard's
// owner is the one replica that probes it.
func ExampleShard() {
	for _, target := range []string{"api", "db", "checkout.example.com"} {
		fmt.Println(target, lease.Shard(target, lease.DefaultShards))
	}
	// Output:
	// api 7
	// db 99
	// checkout.example.com 54
}
