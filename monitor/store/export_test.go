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
