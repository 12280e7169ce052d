package lease

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/store/storetest"
)

// Replicas acquiring at once never take one shard twice: in every round
// each shard goes to exactly one of them, and every acquisition bumps the
// epoch, so no (shard, epoch) is ever held by two.
func TestConcurrentAcquireRoundsNeverShareAShard(t *testing.T) {
	testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
	cfg, err := pgx.ParseConfig(storetest.FreshPostgres(t))
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	ctx := context.Background()
	const replicas, rounds, k = 8, 30, 128
	var ms []*Manager
	for i := range replicas {
		m, err := New(ctx, db, &Options{NodeID: fmt.Sprint("n", i), Shards: k, TTL: time.Hour, Renew: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	type key struct {
		shard int
		epoch int64
	}
	holder := make(map[key]string)
	for round := range rounds {
		var wg sync.WaitGroup
		for _, m := range ms {
			// A few shards at a time, until none is free, so that
			// the replicas' statements interleave.
			wg.Go(func() {
				for {
					if err := m.acquire(ctx, 3); err != nil {
						t.Error(err)
						return
					}
					var free int
					if err := db.QueryRow(`SELECT count(*) FROM vitals_shards WHERE owner IS NULL OR expires_at <= now()`).Scan(&free); err != nil {
						t.Error(err)
						return
					}
					if free == 0 {
						return
					}
				}
			})
		}
		wg.Wait()
		taken := 0
		for _, m := range ms {
			for s, e := range m.Owned() {
				taken++
				if other, ok := holder[key{s, e}]; ok {
					t.Fatalf("round %d: shard %d at epoch %d held by %s and %s", round, s, e, other, m.NodeID())
				}
				holder[key{s, e}] = m.NodeID()
			}
			m.mu.Lock()
			clear(m.leases)
			m.mu.Unlock()
		}
		if taken != k {
			t.Fatalf("round %d: %d shards taken, want %d", round, taken, k)
		}
		// Every lease expires, as if all replicas stopped renewing.
		if _, err := db.Exec(`UPDATE vitals_shards SET expires_at = '-infinity'`); err != nil {
			t.Fatal(err)
		}
	}
	// Each acquisition bumped its shard's epoch exactly once.
	var bad int
	if err := db.QueryRow(`SELECT count(*) FROM vitals_shards WHERE epoch <> $1`, rounds).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d shards have an epoch other than %d after %d rounds", bad, rounds, rounds)
	}
	spread := make(map[string]int)
	for _, id := range holder {
		spread[id]++
	}
	t.Logf("%d rounds of %d replicas acquiring at once: acquisitions per replica %v", rounds, replicas, spread)
}
