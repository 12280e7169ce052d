package badger_test

import (
	"context"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/vitalsgo/vitals"
	badgercheck "github.com/vitalsgo/vitals/checks/badger"
)

const timeout = 2 * time.Second

func check(t *testing.T, c vitals.Checker) vitals.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return c.Check(ctx)
}

func wantStatus(t *testing.T, r vitals.Result, want vitals.Status) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %v, want %v; message %q, err %v", r.Status, want, r.Message, r.Err)
	}
}

// openDB opens a database with opt (quiet) and stores the key "app/ready".
func openDB(t *testing.T, opt badger.Options) *badger.DB {
	t.Helper()
	db, err := badger.Open(opt.WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = db.Update(func(txn *badger.Txn) error { return txn.Set([]byte("app/ready"), []byte("1")) })
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func newChecker(t *testing.T, db badgercheck.DB, opts *badgercheck.Options) *badgercheck.Checker {
	t.Helper()
	c := mustNew(t, db, opts)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestHealthy(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, badger.DefaultOptions(dir))
	r := check(t, newChecker(t, db, &badgercheck.Options{Key: "app/ready"}))
	wantStatus(t, r, vitals.StatusPass)

	lsm, lsmOK := r.Details["lsm_size_bytes"].(int64)
	vlog, vlogOK := r.Details["vlog_size_bytes"].(int64)
	if !lsmOK || !vlogOK || r.Observed != lsm+vlog || r.Unit != "bytes" {
		t.Errorf("observed %v %q, details %v: want LSM + value log size in bytes", r.Observed, r.Unit, r.Details)
	}
	wantLSM, wantVlog := db.Size()
	if lsm != wantLSM || vlog != wantVlog {
		t.Errorf("sizes %d, %d; db.Size() says %d, %d", lsm, vlog, wantLSM, wantVlog)
	}
	if r.Details["dir"] != dir || r.Details["in_memory"] != false || r.Details["read_only"] != false {
		t.Errorf("details %v: want dir %s, on disk, writable", r.Details, dir)
	}
}

func TestInMemory(t *testing.T) {
	db := openDB(t, badger.DefaultOptions("").WithInMemory(true))
	r := check(t, newChecker(t, db, &badgercheck.Options{Key: "app/ready"}))
	wantStatus(t, r, vitals.StatusPass)
	if r.Details["in_memory"] != true {
		t.Errorf("details %v: want in_memory", r.Details)
	}
}

func TestMissingKey(t *testing.T) {
	db := openDB(t, badger.DefaultOptions(t.TempDir()))
	c := newChecker(t, db, &badgercheck.Options{Key: "app/ready"})
	wantStatus(t, check(t, c), vitals.StatusPass)

	// A deleted key is as missing as one never written.
	if err := db.Update(func(txn *badger.Txn) error { return txn.Delete([]byte("app/ready")) }); err != nil {
		t.Fatal(err)
	}
	r := check(t, c)
	wantStatus(t, r, vitals.StatusFail)
	if r.Message != `badger read transaction: key "app/ready" not found` {
		t.Errorf("message %q", r.Message)
	}
}

func TestClosedDB(t *testing.T) {
	db := openDB(t, badger.DefaultOptions(t.TempDir()))
	c := newChecker(t, db, nil)
	wantStatus(t, check(t, c), vitals.StatusPass)

	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	r := check(t, c)
	wantStatus(t, r, vitals.StatusFail)
	if r.Message != "badger database is closed: DB Closed" {
		t.Errorf("message %q", r.Message)
	}
}

func TestClose(t *testing.T) {
	c := mustNew(t, openDB(t, badger.DefaultOptions("").WithInMemory(true)), nil)
	wantStatus(t, check(t, c), vitals.StatusPass)
	c.Close()
	r := check(t, c)
	wantStatus(t, r, vitals.StatusFail)
	if r.Message != "badger read transaction: checker closed" {
		t.Errorf("message %q", r.Message)
	}
}

// mustNew returns badgercheck.New's Checker, failing t on an error.
func mustNew(t *testing.T, db badgercheck.DB, opts *badgercheck.Options) *badgercheck.Checker {
	t.Helper()
	c, err := badgercheck.New(db, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}
