package lease

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// channel is the NOTIFY channel of releases; the payload is the releasing
// node's id.
const channel = "vitals_shards"

// forgetNodes is how long after its last heartbeat a node's row is
// deleted. Only Nodes reads rows older than a TTL, and it skips them, so
// this only keeps the table small after crashes.
const forgetNodes = time.Hour

// micros returns d as a number the statements multiply by
// interval '1 microsecond'.
func micros(d time.Duration) int64 { return d.Microseconds() }

// register writes the node's row as a new start.
func (m *Manager) register(ctx context.Context) error {
	_, err := m.db.ExecContext(ctx, `
		INSERT INTO vitals_nodes (node_id, heartbeat_at, config_hash, started_at) VALUES ($1, now(), $2, now())
		ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = now(), config_hash = $2, started_at = now()`,
		m.opt.NodeID, m.configHash())
	if err != nil {
		return fmt.Errorf("lease: register node: %w", err)
	}
	return nil
}

// heartbeat records that the node is alive and returns the number of live
// nodes, itself included. The insert and the count see one snapshot, so
// the count is of the others plus one.
func (m *Manager) heartbeat(ctx context.Context) (int, error) {
	var others int
	err := m.db.QueryRowContext(ctx, `
		WITH beat AS (
			INSERT INTO vitals_nodes (node_id, heartbeat_at, config_hash, started_at) VALUES ($1, now(), $2, now())
			ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = now(), config_hash = $2),
		forgotten AS (DELETE FROM vitals_nodes WHERE heartbeat_at < now() - $4 * interval '1 microsecond' AND node_id <> $1)
		SELECT count(*) FROM vitals_nodes WHERE node_id <> $1 AND heartbeat_at > now() - $3 * interval '1 microsecond'`,
		m.opt.NodeID, m.configHash(), micros(m.opt.TTL), micros(forgetNodes)).Scan(&others)
	if err != nil {
		return 0, fmt.Errorf("lease: heartbeat: %w", err)
	}
	return others + 1, nil
}

// owned returns the shards of the node's leases, sorted.
func (m *Manager) owned() []int64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]int64, 0, len(m.leases))
	for s := range m.leases {
		out = append(out, int64(s))
	}
	slices.Sort(out)
	return out
}

// renew extends every owned lease in one statement. It locks the rows in
// shard order, as FenceAll does, so that a renewal and a write transaction
// fencing several shards cannot deadlock. A shard it does not
// return is no longer the node's (a peer took it after it expired, which
// the trust window should have prevented): it is dropped.
func (m *Manager) renew(ctx context.Context) error {
	shards := m.owned()
	if len(shards) == 0 {
		return nil
	}
	// The window counts from before the statement: the database's now()
	// is later, so the lease it sets outlasts the window.
	start := time.Now()
	rows, err := m.db.QueryContext(ctx, `
		UPDATE vitals_shards SET expires_at = now() + $3 * interval '1 microsecond'
		WHERE shard IN (SELECT shard FROM vitals_shards WHERE owner = $1 AND shard = ANY($2) ORDER BY shard FOR NO KEY UPDATE)
		RETURNING shard, epoch`,
		m.opt.NodeID, shards, micros(m.opt.TTL))
	if err != nil {
		return fmt.Errorf("lease: renew: %w", err)
	}
	got, err := scanLeases(rows)
	if err != nil {
		return fmt.Errorf("lease: renew: %w", err)
	}
	until := start.Add(m.opt.TTL - m.opt.Margin)
	var lost []int
	m.mu.Lock()
	for _, s := range shards {
		h, ok := m.leases[int(s)]
		if !ok {
			continue
		}
		if e, ok := got[int(s)]; ok && e == h.epoch {
			h.until = until
			m.leases[int(s)] = h
			continue
		}
		delete(m.leases, int(s))
		lost = append(lost, int(s))
	}
	m.mu.Unlock()
	if len(lost) > 0 {
		m.log.Warn("lease: shards taken by a peer", "node", m.opt.NodeID, "shards", lost)
		m.changed()
	}
	return nil
}

// acquire takes up to want free or expired shards, each with its epoch
// bumped. SKIP LOCKED lets replicas acquiring at once take different
// shards instead of waiting on each other; a row locked FOR UPDATE is
// re-checked against the WHERE after the lock, so a shard a peer has just
// taken is not taken again. A shard the database says is this node's but
// the node does not hold (its window ended, or the process restarted with
// the same id) is taken back with a new epoch.
func (m *Manager) acquire(ctx context.Context, want int) error {
	start := time.Now()
	rows, err := m.db.QueryContext(ctx, `
		UPDATE vitals_shards s SET owner = $1, epoch = s.epoch + 1, expires_at = now() + $4 * interval '1 microsecond'
		WHERE s.shard IN (
			SELECT shard FROM vitals_shards
			WHERE owner IS NULL OR expires_at <= now() OR (owner = $1 AND NOT shard = ANY($2))
			ORDER BY shard LIMIT $3 FOR UPDATE SKIP LOCKED)
		RETURNING s.shard, s.epoch`,
		m.opt.NodeID, m.owned(), want, micros(m.opt.TTL))
	if err != nil {
		return fmt.Errorf("lease: acquire: %w", err)
	}
	got, err := scanLeases(rows)
	if err != nil {
		return fmt.Errorf("lease: acquire: %w", err)
	}
	if len(got) == 0 {
		return nil
	}
	until := start.Add(m.opt.TTL - m.opt.Margin)
	m.mu.Lock()
	for s, e := range got {
		m.leases[s] = held{epoch: e, until: until}
	}
	n := len(m.leases)
	m.mu.Unlock()
	m.log.Debug("lease: acquired shards", "node", m.opt.NodeID, "round", m.loop.round, "woken", m.loop.woken, "acquired", len(got), "held", n)
	m.changed()
	return nil
}

// giveBack releases the node's highest shards above share, since it
// holds more, and NOTIFYs the peers, which take them in one round. It
// gives back the whole excess at once: one shard a period, as first
// designed, took a second replica 64 periods (over five minutes at the
// defaults) to get its share from a first. The node stops probing the
// shards and writes their last results (Options.Release) before the
// database frees them, and stops trusting them before that, never after.
func (m *Manager) giveBack(ctx context.Context, share int) error {
	shards := m.owned()
	if len(shards) <= share {
		return nil
	}
	give := shards[share:]
	m.release(ctx, give)
	m.mu.Lock()
	for _, s := range give {
		delete(m.leases, int(s))
	}
	m.mu.Unlock()
	// The hook may have used up ctx writing the last results; the leases
	// are forgotten already, and freeing them now spares the peers a TTL.
	ctx, cancel := releaseContext(ctx)
	defer cancel()
	_, err := m.db.ExecContext(ctx, `
		WITH released AS (UPDATE vitals_shards SET owner = NULL, expires_at = '-infinity' WHERE owner = $1 AND shard = ANY($2))
		SELECT pg_notify('`+channel+`', $1)`, m.opt.NodeID, give)
	if err != nil {
		// The leases expire on their own after a TTL.
		return fmt.Errorf("lease: give back %d shards: %w", len(give), err)
	}
	m.log.Debug("lease: gave back shards", "node", m.opt.NodeID, "round", m.loop.round, "shards", len(give), "held", share, "share", share)
	return nil
}

// scanLeases reads (shard, epoch) rows and closes them.
func scanLeases(rows *sql.Rows) (map[int]int64, error) {
	defer rows.Close()
	got := make(map[int]int64)
	for rows.Next() {
		var s int
		var e int64
		if err := rows.Scan(&s, &e); err != nil {
			return nil, err
		}
		got[s] = e
	}
	return got, rows.Err()
}

// releaseContext is the context of a statement that frees shards after the
// Release hook ran on ctx: not cancelled with it, and bounded on its own.
func releaseContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
}
