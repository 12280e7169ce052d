package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // the "sqlite" driver
)

var sqliteDialect = &dialect{
	name:         "sqlite",
	least:        "min",
	greater:      "max",
	serial:       "INTEGER PRIMARY KEY",
	withoutRowid: "WITHOUT ROWID",
	// BEGIN IMMEDIATE (the DSN's _txlock) takes the write lock already.
	lock: func(context.Context, *sql.Tx) error { return nil },
}

// OpenSQLite opens (creating it if missing) the SQLite database at path, in
// WAL mode, and applies the migrations it lacks. Transactions take the
// write lock when they begin, and a writer waits up to 5 s for another, so
// several processes on one host can share the file; across hosts, use
// PostgreSQL.
func OpenSQLite(ctx context.Context, path string) (Store, error) {
	return openSQLite(ctx, path, Version())
}

// openSQLite opens the SQLite store at path, migrated to version.
func openSQLite(ctx context.Context, path string, version int) (Store, error) {
	if path == "" {
		return nil, fmt.Errorf("store: empty SQLite path")
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_txlock=immediate" +
		"&_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	s := newSQLStore(db, sqliteDialect, path)
	if err := s.start(ctx, version); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// start checks that the database answers and is a vitals store, and
// migrates it.
func (s *sqlStore) start(ctx context.Context, version int) error {
	if err := s.db.PingContext(ctx); err != nil {
		return s.errorf("open", err)
	}
	if err := migrate(ctx, s.db, s.d, version); err != nil {
		return s.errorf("migrate", err)
	}
	return nil
}
