package lease

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrFenced is returned by Fence when the lease is no longer the node's:
// a peer acquired the shard since (a new epoch), or it was released. The
// transaction must roll back.
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
	var epoch int64
	err := tx.QueryRowContext(ctx, `SELECT epoch FROM vitals_shards WHERE shard = $1 AND owner = $2 FOR SHARE`,
		l.Shard, m.opt.NodeID).Scan(&epoch)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: shard %d is no longer held by %s", ErrFenced, l.Shard, m.opt.NodeID)
	case err != nil:
		return fmt.Errorf("lease: fence shard %d: %w", l.Shard, err)
	case epoch != l.Epoch:
		return fmt.Errorf("%w: shard %d is at epoch %d, not %d", ErrFenced, l.Shard, epoch, l.Epoch)
	}
	return nil
}
