package lease_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
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
	// open write holds.
	waitFor(t, 30*time.Second, "taken over by b but for the fenced two", func() error {
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
