package lease

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
)

// ErrFenced is returned by Fence and FenceAll when a lease is no longer
// the node's: a peer acquired the shard since (a new epoch), or it was
// released. The transaction must roll back.
var ErrFenced = errors.New("lease: fenced")

// Fence checks, as the first statement of a write transaction tx on the
// lease's shard, that the lease still holds in the database: that the
// shard's owner is this node and its epoch is l.Epoch. It locks the shard's
// row FOR SHARE until tx ends, so no peer can acquire the shard (bumping
// the epoch) before tx commits: a write that passed Fence cannot
// interleave with a newer owner's. Renewals wait for the lock too, so
// write transactions should be short.
//
// It returns an error wrapping ErrFenced when the lease moved on, or the
// database's error. It does not look at the lease's expiry: an expired
// lease no peer has taken is still the latest, and a peer that takes it
// waits for tx and then bumps the epoch.
func (m *Manager) Fence(ctx context.Context, tx *sql.Tx, l Lease) error {
	return m.FenceAll(ctx, tx, []Lease{l})
}

// FenceAll is Fence for a transaction that writes to several shards (a
// batch of results): it checks every lease in one statement and locks the
// rows in shard order, the order renewals lock them in, so that the two
// cannot deadlock. Fence each shard of a transaction in one FenceAll, not
// in several calls.
func (m *Manager) FenceAll(ctx context.Context, tx *sql.Tx, leases []Lease) error {
	if len(leases) == 0 {
		return nil
	}
	want := make(map[int]int64, len(leases))
	shards := make([]int64, 0, len(leases))
	for _, l := range leases {
		if _, ok := want[l.Shard]; !ok {
			shards = append(shards, int64(l.Shard))
		}
		want[l.Shard] = l.Epoch
	}
	slices.Sort(shards)
	rows, err := tx.QueryContext(ctx, `
		SELECT shard, epoch FROM vitals_shards WHERE shard = ANY($1) AND owner = $2
		ORDER BY shard FOR SHARE`, shards, m.opt.NodeID)
	if err != nil {
		return fmt.Errorf("lease: fence: %w", err)
	}
	got, err := scanLeases(rows)
	if err != nil {
		return fmt.Errorf("lease: fence: %w", err)
	}
	for _, s := range shards {
		e, ok := got[int(s)]
		switch {
		case !ok:
			return fmt.Errorf("%w: shard %d is no longer held by %s", ErrFenced, s, m.opt.NodeID)
		case e != want[int(s)]:
			return fmt.Errorf("%w: shard %d is at epoch %d, not %d", ErrFenced, s, e, want[int(s)])
		}
	}
	return nil
}
