package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// migrations are the schema's versions, in order. A migration, once
// released, never changes: a new version is appended. Statements use the
// placeholders of dialect.q ({serial}, LEAST, GREATEST).
//
// Times are unix milliseconds (BIGINT), latencies microseconds; statuses
// are vitals.Status values: 1 pass, 2 warn, 3 fail.
var migrations = [][]string{
	1: {
		`CREATE TABLE targets (id {serial}, name TEXT NOT NULL UNIQUE)`,
		`CREATE TABLE results (
			target_id BIGINT NOT NULL, at BIGINT NOT NULL, status SMALLINT NOT NULL,
			latency_us BIGINT NOT NULL, code INTEGER NOT NULL, message TEXT NOT NULL, details TEXT NOT NULL)`,
		`CREATE INDEX results_target_at ON results (target_id, at)`,
		`CREATE INDEX results_at ON results (at)`,
		`CREATE TABLE intervals (
			target_id BIGINT NOT NULL, status SMALLINT NOT NULL, since BIGINT NOT NULL, until BIGINT,
			last_at BIGINT NOT NULL, expect_ms BIGINT NOT NULL)`,
		`CREATE UNIQUE INDEX intervals_open ON intervals (target_id) WHERE until IS NULL`,
		`CREATE INDEX intervals_target_since ON intervals (target_id, since)`,
		`CREATE TABLE rollups (
			target_id BIGINT NOT NULL, res TEXT NOT NULL, start BIGINT NOT NULL,
			runs BIGINT NOT NULL, passes BIGINT NOT NULL, warns BIGINT NOT NULL, fails BIGINT NOT NULL,
			up_ms BIGINT NOT NULL, degraded_ms BIGINT NOT NULL, down_ms BIGINT NOT NULL,
			latency_sum_us BIGINT NOT NULL, latency_max_us BIGINT NOT NULL,
			PRIMARY KEY (target_id, res, start))`,
	},
	// Prune deletes minute and hour rollups by resolution and age; without
	// this index that is a scan of every rollup.
	2: {
		`CREATE INDEX rollups_res_start ON rollups (res, start)`,
	},
	// Raw results are most of a store: keyed by (target, time) in the
	// table itself (SQLite: WITHOUT ROWID), with no second index, a result
	// takes about a third of the space it did with a row id and two
	// indexes. Prune deletes by target and time along the key.
	3: {
		`CREATE TABLE results_v3 (
			target_id BIGINT NOT NULL, at BIGINT NOT NULL, status SMALLINT NOT NULL,
			latency_us BIGINT NOT NULL, code INTEGER NOT NULL, message TEXT NOT NULL, details TEXT NOT NULL,
			PRIMARY KEY (target_id, at)) {without_rowid}`,
		`INSERT INTO results_v3 (target_id, at, status, latency_us, code, message, details)
			SELECT target_id, at, status, latency_us, code, message, details FROM results WHERE true
			ON CONFLICT (target_id, at) DO NOTHING`,
		`DROP TABLE results`,
		`ALTER TABLE results_v3 RENAME TO results`,
	},
	// Alerts: each target's alert state, changed only by compare-and-set
	// on version; the outbox of notifications, each once by its dedup
	// key; silences made through the API.
	4: {
		`CREATE TABLE alerts (
			target_id BIGINT NOT NULL PRIMARY KEY, state TEXT NOT NULL, fails INTEGER NOT NULL, passes INTEGER NOT NULL,
			seq BIGINT NOT NULL, opened_at BIGINT NOT NULL, resolved_at BIGINT NOT NULL,
			remind_at BIGINT NOT NULL, reminds INTEGER NOT NULL, suppressed TEXT NOT NULL, message TEXT NOT NULL,
			version BIGINT NOT NULL)`,
		`CREATE TABLE outbox (
			id {serial}, dedup_key TEXT NOT NULL UNIQUE, channel TEXT NOT NULL, kind TEXT NOT NULL,
			incident TEXT NOT NULL, target TEXT NOT NULL, payload TEXT NOT NULL,
			created BIGINT NOT NULL, due BIGINT NOT NULL, attempts INTEGER NOT NULL, state TEXT NOT NULL,
			batch TEXT NOT NULL, claimed_until BIGINT NOT NULL, last_error TEXT NOT NULL, done_at BIGINT NOT NULL)`,
		`CREATE INDEX outbox_pending ON outbox (channel, due) WHERE state = 'pending'`,
		`CREATE INDEX outbox_state_done ON outbox (state, done_at)`,
		`CREATE INDEX outbox_incident ON outbox (incident)`,
		`CREATE INDEX alerts_firing ON alerts (remind_at) WHERE state = 'firing'`,
		`CREATE TABLE silences (
			id TEXT NOT NULL PRIMARY KEY, target_patterns TEXT NOT NULL, group_names TEXT NOT NULL,
			starts BIGINT NOT NULL, ends BIGINT NOT NULL, comment TEXT NOT NULL,
			created_by TEXT NOT NULL, created_at BIGINT NOT NULL, maintenance BOOLEAN NOT NULL)`,
	},
	// Replicas: each result keeps the epoch of the shard lease it was
	// written under (package monitor/lease), 0 without replicas, so that
	// what a replica wrote with a stale lease could be counted (it is
	// fenced: there is none).
	5: {
		`ALTER TABLE results ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0`,
	},
	// The outbox: each claim has a token, and a dispatcher marks the rows
	// it sent (or failed to) only while its claim is theirs, so that one
	// whose claim lapsed cannot undo a peer's newer claim.
	6: {
		`ALTER TABLE outbox ADD COLUMN claim TEXT NOT NULL DEFAULT ''`,
	},
	// Hour and day rollups are folded from minute rows once a minute has
	// closed, not upserted with every batch: folded_ms is the watermark,
	// the end of the minutes already added to their hours and days. Every
	// minute written before this version was added to them as it came.
	7: {
		`CREATE TABLE rollup_fold (id INTEGER NOT NULL PRIMARY KEY, folded_ms BIGINT NOT NULL)`,
		`INSERT INTO rollup_fold (id, folded_ms) SELECT 1, COALESCE(MAX(start) + 60000, 0) FROM rollups WHERE res = 'm'`,
	},
}

// Version is the schema version this package writes.
func Version() int { return len(migrations) - 1 }

// migrate brings the database to [Version], one transaction per version,
// holding the dialect's lock so that processes starting together apply
// each version once. A database newer than this package is an error: an
// older binary must not write to a schema it does not know.
func migrate(ctx context.Context, db *sql.DB, d *dialect, to int) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for {
		done, err := migrateOne(ctx, db, d, to)
		if err != nil || done {
			return err
		}
	}
}

// migrateOne applies the next version up to to, if any, and reports
// whether the schema has reached it. Only a database newer than the
// package is an error; tests migrate to older versions.
func migrateOne(ctx context.Context, db *sql.DB, d *dialect, to int) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
	if err := d.lock(ctx, tx); err != nil {
		return false, fmt.Errorf("lock for migration: %w", err)
	}
	var cur int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&cur); err != nil {
		return false, err
	}
	switch {
	case cur > Version():
		return false, fmt.Errorf("the database has schema version %d, newer than this vitals (%d): upgrade vitals", cur, Version())
	case cur >= to:
		return true, nil
	}
	next := cur + 1
	for _, st := range migrations[next] {
		if _, err := tx.ExecContext(ctx, d.q(st)); err != nil {
			return false, fmt.Errorf("migration %d: %w", next, err)
		}
	}
	if _, err := tx.ExecContext(ctx, d.q(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), next, time.Now().UnixMilli()); err != nil {
		return false, fmt.Errorf("migration %d: %w", next, err)
	}
	return false, tx.Commit()
}
