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

// QueryRows is the store's queryRows in a transaction of its own, then
// what Append does after its commit; it returns the number of multi-row
// statements the store holds prepared, and how many of those are for
// table.
func QueryRows(ctx context.Context, s Store, table, head, tail, tuple string, n int, row func(i int, args []any) []any, scan func(*sql.Rows) error) (prepared, ofTable int, err error) {
	ss := s.(*sqlStore)
	tx, err := ss.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
	if err := ss.queryRows(ctx, tx, head, tail, tuple, n, row, scan); err != nil {
		return 0, 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, err
	}
	ss.preparePending(ctx)
	ss.stmtMu.Lock()
	defer ss.stmtMu.Unlock()
	for key, st := range ss.rows {
		if st != nil {
			prepared++
			if strings.Contains(key.head, table) {
				ofTable++
			}
		}
	}
	return prepared, ofTable, nil
}
