package lease_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/monitor/lease"
)

// A write that passed FenceAll holds its shards: a peer takes them only
// after the write commits, with a new epoch, so the write and the new
// owner's cannot interleave.
func TestFencedWriteHoldsOffATakeover(t *testing.T) {
	db := openDB(t, freshDSN(t))
	rs := startAll(t, []*sql.DB{db}, fast("a", nil), fast("b", nil))
	a, b := rs[0], rs[1]
	waitFor(t, 30*time.Second, "split", func() error { return split(rs, 128, 64) })
	old := a.Owned()
	var mine []lease.Lease
	for s, e := range old {
		mine = append(mine, lease.Lease{Shard: s, Epoch: e})
	}
	slices.SortFunc(mine, func(x, y lease.Lease) int { return x.Shard - y.Shard })
	fenced := mine[:2]

	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// Given in the wrong order and with a duplicate: FenceAll sorts.
	if err := a.FenceAll(ctx, tx, []lease.Lease{fenced[1], fenced[0], fenced[1]}); err != nil {
		t.Fatal(err)
	}
	a.stopRun(t)

	// b takes every other shard of a after they expire, not the two the
	// open write holds while it runs (a write left idle is ended by the
	// server: TestWriterPausedInATransactionFreesItsShards).
	waitFor(t, 30*time.Second, "taken over by b but for the fenced two", func() error {
		if _, err := tx.ExecContext(ctx, `SELECT 1`); err != nil {
			t.Fatal(err)
		}
		owned := b.Owned()
		if len(owned) != 126 {
			return fmt.Errorf("b holds %d", len(owned))
		}
		for _, l := range fenced {
			if _, ok := owned[l.Shard]; ok {
				t.Fatalf("b acquired shard %d while a's fenced write was open", l.Shard)
			}
		}
		return nil
	})
	if err := tx.Commit(); err != nil {
		t.Fatalf("a's write, fenced while its leases held: %v", err)
	}
	waitFor(t, 30*time.Second, "all taken by b", func() error { return split([]*replica{b}, 128, 128) })

	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := a.FenceAll(ctx, tx, fenced); !errors.Is(err, lease.ErrFenced) {
		t.Errorf("a's fence after the takeover = %v, want ErrFenced", err)
	}
	tx.Rollback()
	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	now := b.Owned()
	current := []lease.Lease{{Shard: fenced[0].Shard, Epoch: now[fenced[0].Shard]}, {Shard: fenced[1].Shard, Epoch: now[fenced[1].Shard]}}
	if err := b.FenceAll(ctx, tx, current); err != nil {
		t.Errorf("b's fence with its current leases: %v", err)
	}
	// One stale lease among current ones fences the whole transaction.
	if err := b.FenceAll(ctx, tx, []lease.Lease{current[0], fenced[1]}); !errors.Is(err, lease.ErrFenced) {
		t.Errorf("b's fence with one stale epoch = %v, want ErrFenced", err)
	}
}

// FenceTargets lets a write through for the targets whose shards the node
// holds, at their epochs, and leaves out the others, also those whose
// shard moved on since the node last looked.
func TestFenceTargetsLeavesOutMovedShards(t *testing.T) {
	db := openDB(t, freshDSN(t))
	rs := startAll(t, []*sql.DB{db}, fast("a", nil), fast("b", nil))
	a, b := rs[0], rs[1]
	waitFor(t, 30*time.Second, "split", func() error { return split(rs, 128, 64) })
	var mineA, mineB string
	for i := 0; mineA == "" || mineB == ""; i++ {
		name := fmt.Sprintf("target-%d", i)
		if _, ok := a.Owns(name); ok && mineA == "" {
			mineA = name
		} else if _, ok := b.Owns(name); ok && mineB == "" {
			mineB = name
		}
	}
	ctx := context.Background()
	fence := func(r *replica) map[string]int64 {
		t.Helper()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		got, err := r.FenceTargets(ctx, tx, []string{mineA, mineB, mineA})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	la, _ := a.Owns(mineA)
	if got := fence(a); len(got) != 1 || got[mineA] != la.Epoch {
		t.Errorf("a's fence = %v, want only %s at epoch %d", got, mineA, la.Epoch)
	}
	// The database moves a's shard on behind its back (as a peer does
	// once a paused a's lease expired): a still trusts its lease, and the
	// fence leaves the target out.
	if _, err := db.ExecContext(ctx, `UPDATE vitals_shards SET epoch = epoch + 1 WHERE shard = $1`, la.Shard); err != nil {
		t.Fatal(err)
	}
	if _, ok := a.Owns(mineA); !ok {
		t.Fatal("a no longer trusts its lease; the test wants it to")
	}
	if got := fence(a); len(got) != 0 {
		t.Errorf("a's fence after its shard moved on = %v, want none", got)
	}
}

// Release runs before shards are given back: Owns already leaves them out,
// and their leases still fence writes, so the node can write their last
// results.
func TestReleaseHookRunsWhileLeasesStillFence(t *testing.T) {
	db := openDB(t, freshDSN(t))
	type call struct {
		shards  []int
		owns    int  // of the shards, how many Owned still returned
		fenced  bool // a write of a target in the first shard passed the fence
		fenceOK error
	}
	var mu sync.Mutex
	var calls []call
	opt := fast("a", nil)
	var m *lease.Manager
	target := map[int]string{}
	for i := 0; len(target) < 128; i++ {
		name := fmt.Sprintf("t%d", i)
		if _, ok := target[lease.Shard(name, 128)]; !ok {
			target[lease.Shard(name, 128)] = name
		}
	}
	opt.Release = func(ctx context.Context, shards []int) {
		c := call{shards: slices.Clone(shards)}
		owned := m.Owned()
		for _, s := range shards {
			if _, ok := owned[s]; ok {
				c.owns++
			}
		}
		tx, err := db.BeginTx(ctx, nil)
		if err == nil {
			var got map[string]int64
			got, c.fenceOK = m.FenceTargets(ctx, tx, []string{target[shards[0]]})
			c.fenced = len(got) == 1
			tx.Rollback()
		}
		mu.Lock()
		calls = append(calls, c)
		mu.Unlock()
	}
	rs := startAll(t, []*sql.DB{db}, opt)
	m = rs[0].Manager
	waitFor(t, 30*time.Second, "a holds every shard", func() error { return split(rs, 128, 128) })
	rs = append(rs, start(t, db, fast("b", nil)))
	waitFor(t, 30*time.Second, "split", func() error { return split(rs, 128, 64) })
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 1 || len(calls[0].shards) != 64 {
		t.Fatalf("Release calls = %+v, want one of 64 shards", calls)
	}
	c := calls[0]
	if c.owns != 0 || !c.fenced || c.fenceOK != nil {
		t.Errorf("in Release: Owned had %d of the shards (want 0); a write of one passed the fence: %v (%v), want true", c.owns, c.fenced, c.fenceOK)
	}
}
