package lease_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/monitor/lease"
)

func TestNewRefusesBadOptions(t *testing.T) {
	db := openDB(t, freshDSN(t))
	ctx := context.Background()
	tests := []struct {
		name string
		opt  *lease.Options
		want string
	}{
		{"renew not shorter than the trust window", &lease.Options{TTL: 3 * time.Second, Renew: 2 * time.Second}, "must be shorter than TTL − Margin"},
		{"negative shards", &lease.Options{Shards: -1}, "-1 shards"},
		{"negative TTL", &lease.Options{TTL: -time.Second}, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := lease.New(ctx, db, tt.opt); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New = %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestNewRefusesAnotherShardCount(t *testing.T) {
	db := openDB(t, freshDSN(t))
	ctx := context.Background()
	if _, err := lease.New(ctx, db, &lease.Options{NodeID: "a"}); err != nil {
		t.Fatal(err)
	}
	// Setting up again is harmless.
	m, err := lease.New(ctx, db, &lease.Options{NodeID: "b", Shards: lease.DefaultShards})
	if err != nil {
		t.Fatal(err)
	}
	if m.Shards() != 128 {
		t.Errorf("Shards = %d", m.Shards())
	}
	if _, err := lease.New(ctx, db, &lease.Options{NodeID: "c", Shards: 64}); err == nil || !strings.Contains(err.Error(), "the database has 128 shards") {
		t.Errorf("New with 64 shards on a database of 128 = %v", err)
	}
}

func TestOwnedIsEmptyBeforeRunAndAfterClose(t *testing.T) {
	db := openDB(t, freshDSN(t))
	ctx := context.Background()
	m, err := lease.New(ctx, db, fast("a", nil))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(m.Owned()); n != 0 {
		t.Errorf("Owned before Run has %d shards", n)
	}
	r := run(t, m)
	waitFor(t, 30*time.Second, "holding every shard", func() error { return split([]*replica{r}, 128, 128) })
	select {
	case <-m.Changes():
	default:
	}
	if err := m.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(m.Owned()); n != 0 {
		t.Errorf("Owned after Close has %d shards", n)
	}
	select {
	case <-m.Changes():
	default:
		t.Error("Close changed the owned shards and Changes has nothing")
	}
	if err := <-r.done; err != lease.ErrClosed {
		t.Errorf("Run after Close returned %v, want ErrClosed", err)
	}
	r.done <- lease.ErrClosed
	if err := m.Run(ctx); err != lease.ErrClosed {
		t.Errorf("Run after Close = %v, want ErrClosed", err)
	}
	var free int
	if err := db.QueryRow(`SELECT count(*) FROM vitals_shards WHERE owner IS NULL`).Scan(&free); err != nil || free != 128 {
		t.Errorf("free shards after Close = %d, %v; want 128", free, err)
	}
}

// A replica restarted with its node id (a StatefulSet's pod name) takes
// its leases back at once, with new epochs, instead of waiting for them
// to expire.
func TestRestartWithTheSameIDTakesItsShardsBack(t *testing.T) {
	db := openDB(t, freshDSN(t))
	slow := &lease.Options{NodeID: "a", TTL: time.Minute, Renew: 20 * time.Second}
	first := startAll(t, []*sql.DB{db}, slow)[0]
	waitFor(t, 30*time.Second, "holding every shard", func() error { return split([]*replica{first}, 128, 128) })
	old := first.Owned()
	first.stopRun(t) // killed: nothing released

	again := startAll(t, []*sql.DB{db}, slow)[0]
	took := waitFor(t, 30*time.Second, "holding every shard again", func() error { return split([]*replica{again}, 128, 128) })
	t.Logf("restarted with its id, the replica holds every shard again after %v (TTL 1 min)", took)
	for s, e := range again.Owned() {
		if e <= old[s] {
			t.Errorf("shard %d: epoch %d after the restart, not above %d", s, e, old[s])
		}
	}
}
