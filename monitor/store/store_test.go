package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/monitor/store/storetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// open opens a store and closes it at the test's end.
func open(t *testing.T, dsn string) store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, storetest.Harness{New: func(t *testing.T) (store.Store, func() store.Store) {
		path := filepath.Join(t.TempDir(), "vitals.db")
		return open(t, path), func() store.Store { return open(t, path) }
	}})
}

// TestPostgres runs the suite on a database of its own per test, created
// on the local server and dropped afterwards.
func TestPostgres(t *testing.T) {
	testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
	storetest.Run(t, storetest.Harness{New: func(t *testing.T) (store.Store, func() store.Store) {
		dsn := storetest.FreshPostgres(t)
		return open(t, dsn), func() store.Store { return open(t, dsn) }
	}})
}

// A database that is not a vitals store, a file that is not a database and
// a schema newer than this package are clear errors, without a password.
func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	junk := filepath.Join(t.TempDir(), "junk.db")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not a database ", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(ctx, junk); err == nil || !strings.Contains(err.Error(), junk) {
		t.Errorf("Open(junk file) = %v, want an error naming it", err)
	}
	if _, err := store.Open(ctx, filepath.Join(t.TempDir(), "no", "such", "dir", "v.db")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
	if _, err := store.Open(ctx, "postgres://app:hunter2@127.0.0.1:1/vitals?connect_timeout=2"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Open(closed port) = %v, want an error without the password", err)
	}
}
