package lease

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// ErrFenced is returned by Fence and FenceAll when a lease is no longer
// the node's: a peer acquired the shard since (a new epoch), or it was
// released. The transaction must roll back.
var ErrFenced = errors.New("lease: fenced")

// Fence checks, as the first statement of a write transaction tx on the
// lease's shard, that the lease still holds in the database: that the
// shard's owner is this node and its epoch is l.Epoch. It locks the shard's
// row FOR KEY SHARE until tx ends, so no peer can acquire the shard (bumping
// the epoch) before tx commits: a write that passed Fence cannot
// interleave with a newer owner's. The node's own renewals do not wait for
// it.
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
	got, err := m.lock(ctx, tx, shards)
	if err != nil {
		return err
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

// lock locks the rows of shards that name this node their owner, FOR KEY
// SHARE, in shard order, and returns their epochs.
//
// FOR KEY SHARE keeps a peer's acquisition (FOR UPDATE … SKIP LOCKED) off
// the shards until tx ends, and lets the node's own renewals (FOR NO KEY
// UPDATE) through: a long write never costs the node its leases. A
// transaction left idle, by a process paused in it, would keep the shards
// from every peer for as long as the pause: tx is ended by the server once
// idle for a renewal period.
func (m *Manager) lock(ctx context.Context, tx *sql.Tx, shards []int64) (map[int]int64, error) {
	slices.Sort(shards)
	if _, err := tx.ExecContext(ctx, `SELECT set_config('idle_in_transaction_session_timeout', $1, true)`,
		strconv.FormatInt(m.opt.Renew.Milliseconds(), 10)); err != nil {
		return nil, fmt.Errorf("lease: fence: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT shard, epoch FROM vitals_shards WHERE shard = ANY($1) AND owner = $2
		ORDER BY shard FOR KEY SHARE`, shards, m.opt.NodeID)
	if err != nil {
		return nil, fmt.Errorf("lease: fence: %w", err)
	}
	got, err := scanLeases(rows)
	if err != nil {
		return nil, fmt.Errorf("lease: fence: %w", err)
	}
	return got, nil
}

// FenceTargets fences a write transaction tx of results of targets, as
// its first statement: it returns the targets this node may write, each
// with its lease's epoch, and locks those leases FOR KEY SHARE until tx ends.
// A target may be written when its shard's lease is the node's in its
// trust window (being given back included: its last results are
// written before the release) and the database agrees on the epoch. The
// others are left out, not an error: their shards moved on, and so did
// their results.
func (m *Manager) FenceTargets(ctx context.Context, tx *sql.Tx, targets []string) (map[string]int64, error) {
	now := time.Now()
	mine := map[int]int64{}
	m.mu.RLock()
	for s, h := range m.leases {
		if h.trusted(now) {
			mine[s] = h.epoch
		}
	}
	m.mu.RUnlock()
	shardOf := make(map[string]int, len(targets))
	var shards []int64
	seen := map[int]bool{}
	for _, t := range targets {
		s := Shard(t, m.opt.Shards)
		if _, ok := mine[s]; !ok {
			continue
		}
		shardOf[t] = s
		if !seen[s] {
			seen[s] = true
			shards = append(shards, int64(s))
		}
	}
	out := make(map[string]int64, len(shardOf))
	if len(shards) == 0 {
		return out, nil
	}
	got, err := m.lock(ctx, tx, shards)
	if err != nil {
		return nil, err
	}
	for t, s := range shardOf {
		if e, ok := got[s]; ok && e == mine[s] {
			out[t] = e
		}
	}
	return out, nil
}
