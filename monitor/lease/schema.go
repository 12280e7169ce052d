package lease

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are the versions of the lease tables, in order; a released
// one never changes, a new version is appended. They live here, apart from
// package store's migrations, only while the package is not wired into the
// server: they move into the store's schema then, and these become the
// store's next version (CREATE TABLE IF NOT EXISTS keeps that harmless for
// a database this package set up first).
//
// Every time is the database's (now()), so the clocks of the replicas
// never matter. owner is NULL for a shard nobody holds; epoch only grows.
var migrations = [][]string{
	1: {
		`CREATE TABLE IF NOT EXISTS vitals_nodes (
			node_id TEXT PRIMARY KEY, heartbeat_at TIMESTAMPTZ NOT NULL,
			config_hash TEXT NOT NULL, started_at TIMESTAMPTZ NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS vitals_shards (
			shard INTEGER PRIMARY KEY, owner TEXT, epoch BIGINT NOT NULL DEFAULT 0,
			expires_at TIMESTAMPTZ NOT NULL DEFAULT '-infinity')`,
	},
}

// setupLock is the advisory lock every replica takes to set the tables up,
// so that two starting at once do not race on the version row.
const setupLock = 7166247013

// setup brings the lease tables to the latest version and makes sure the
// database has k shards. A database made for another k is refused: two
// replicas hashing targets mod different k would both own some targets.
func setup(ctx context.Context, db *sql.DB, k int) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("lease: set up tables: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, setupLock); err != nil {
		return fmt.Errorf("lease: set up tables: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS vitals_lease_schema (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("lease: set up tables: %w", err)
	}
	var v int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM vitals_lease_schema`).Scan(&v); err != nil {
		return fmt.Errorf("lease: read schema version: %w", err)
	}
	if v > len(migrations)-1 {
		return fmt.Errorf("lease: the database's lease tables are version %d, newer than this build's %d", v, len(migrations)-1)
	}
	for next := v + 1; next < len(migrations); next++ {
		for _, stmt := range migrations[next] {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("lease: migrate to version %d: %w", next, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM vitals_lease_schema`); err != nil {
		return fmt.Errorf("lease: set up tables: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO vitals_lease_schema (version) VALUES ($1)`, len(migrations)-1); err != nil {
		return fmt.Errorf("lease: set up tables: %w", err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM vitals_shards`).Scan(&have); err != nil {
		return fmt.Errorf("lease: count shards: %w", err)
	}
	switch have {
	case 0:
		if _, err := tx.ExecContext(ctx, `INSERT INTO vitals_shards (shard) SELECT generate_series(0, $1::int - 1)`, k); err != nil {
			return fmt.Errorf("lease: create shards: %w", err)
		}
	case k:
	default:
		return fmt.Errorf("lease: the database has %d shards, this replica is configured for %d; every replica must use the same number", have, k)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("lease: set up tables: %w", err)
	}
	return nil
}
