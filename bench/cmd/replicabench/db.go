package main

import (
	"context"
	"fmt"
	"time"

	"github.com/vitalsgo/vitals/monitor/lease"
)

// owned returns the shards each node holds by a lease that has not
// expired (by the database's clock).
func (c *cluster) owned(ctx context.Context) (map[string]int, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT owner, count(*) FROM vitals_shards
		WHERE owner IS NOT NULL AND expires_at > now() GROUP BY owner`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var node string
		var n int
		if err := rows.Scan(&node, &n); err != nil {
			return nil, err
		}
		out[node] = n
	}
	return out, rows.Err()
}

// waitBalanced waits until the running replicas, and only they, hold every
// shard, each at most its share ceil(K / replicas), within limit. It
// returns how long that took.
func (c *cluster) waitBalanced(ctx context.Context, limit time.Duration) (time.Duration, error) {
	t0 := time.Now()
	var last map[string]int
	for time.Since(t0) < limit {
		if err := c.checkAlive(); err != nil {
			return 0, err
		}
		run := c.running()
		own, err := c.owned(ctx)
		if err == nil && balanced(own, run, c.o.shards) {
			return time.Since(t0), nil
		}
		last = own
		if err := sleep(ctx, 250*time.Millisecond); err != nil {
			return 0, err
		}
	}
	return 0, fmt.Errorf("shards not balanced over %d replicas within %v: %v", len(c.running()), limit, last)
}

func balanced(own map[string]int, run []*replica, k int) bool {
	if len(run) == 0 || len(own) != len(run) {
		return false
	}
	share := (k + len(run) - 1) / len(run)
	total := 0
	for _, r := range run {
		n, ok := own[r.node]
		if !ok || n > share {
			return false
		}
		total += n
	}
	return total == k
}

// leases returns the epoch of every shard node holds now.
func (c *cluster) leases(ctx context.Context, node string) (map[int]int64, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT shard, epoch FROM vitals_shards WHERE owner = $1`, node)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]int64{}
	for rows.Next() {
		var s int
		var e int64
		if err := rows.Scan(&s, &e); err != nil {
			return nil, err
		}
		out[s] = e
	}
	return out, rows.Err()
}

// lastRenewal returns the database time of node's last renewal: its
// latest expires_at less the lease's TTL.
func (c *cluster) lastRenewal(ctx context.Context, node string) (time.Time, error) {
	var t time.Time
	err := c.db.QueryRowContext(ctx, `SELECT max(expires_at) FROM vitals_shards WHERE owner = $1`, node).Scan(&t)
	return t.Add(-c.o.ttl), err
}

// epochRows counts the stored results written under the given leases
// (shard → epoch).
func (c *cluster) epochRows(ctx context.Context, held map[int]int64) (int64, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT t.name, r.epoch, count(*) FROM results r
		JOIN targets t ON t.id = r.target_id GROUP BY t.name, r.epoch`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		var name string
		var epoch, count int64
		if err := rows.Scan(&name, &epoch, &count); err != nil {
			return 0, err
		}
		if e, ok := held[lease.Shard(name, c.o.shards)]; ok && e == epoch {
			n += count
		}
	}
	return n, rows.Err()
}

// shardOf returns the shard of target i.
func (c *cluster) shardOf(i int) int { return lease.Shard(fmt.Sprintf("t%05d", i), c.o.shards) }

// pgStats are the scenario database's counters in pg_stat_database.
type pgStats struct {
	At                                time.Time
	Xacts, Inserted, Updated, Fetched int64
	// Statements counts the statements the replicas ran in the database
	// (pg_stat_statements, BEGIN and COMMIT included, the harness's own
	// left out); -1 when the server does not load pg_stat_statements.
	Statements int64
}

func (c *cluster) pgStats(ctx context.Context) (pgStats, error) {
	s := pgStats{At: time.Now(), Statements: -1}
	err := c.db.QueryRowContext(ctx, `SELECT xact_commit + xact_rollback, tup_inserted, tup_updated, tup_fetched
		FROM pg_stat_database WHERE datname = $1`, c.name).Scan(&s.Xacts, &s.Inserted, &s.Updated, &s.Fetched)
	if err != nil {
		return s, err
	}
	// The view answers only where the server loads the module
	// (shared_preload_libraries); the extension is made on first use.
	if _, err := c.db.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		return s, nil
	}
	var n int64
	if c.db.QueryRowContext(ctx, `SELECT COALESCE(sum(s.calls), 0)::bigint FROM pg_stat_statements s
		JOIN pg_database d ON d.oid = s.dbid AND d.datname = $1
		WHERE s.query NOT LIKE '%pg_stat%' AND s.query NOT LIKE '%max(expires_at)%' AND s.query NOT LIKE '%EXTENSION%'
		AND s.query NOT LIKE '%FROM vitals_shards GROUP BY owner%'`, c.name).Scan(&n) == nil {
		s.Statements = n
	}
	return s, nil
}
