package store

import (
	"context"
	"database/sql"
	"strings"
)

// OpenAt opens a store like Open but migrates it only to version: the
// schema an older vitals left behind.
func OpenAt(ctx context.Context, dsn string, version int) (Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn, version)
	}
	return openSQLite(ctx, dsn, version)
}

// DB returns the database under a store, for tests that inspect the
// schema.
func DB(s Store) *sql.DB { return s.(*sqlStore).db }

// ExecRows is the store's execRows in a transaction of its own, and the
// number of multi-row statements the store then holds prepared.
func ExecRows(ctx context.Context, s Store, head, tail string, cols, n int, row func(i int, args []any) []any) (prepared int, err error) {
	ss := s.(*sqlStore)
	tx, err := ss.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
	if err := ss.execRows(ctx, tx, head, tail, cols, n, row); err != nil {
		return 0, err
	}
	ss.stmtMu.Lock()
	prepared = len(ss.rows)
	ss.stmtMu.Unlock()
	return prepared, tx.Commit()
}
