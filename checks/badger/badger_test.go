package badger_test

import (
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/vitalsgo/vitals"
	badgercheck "github.com/vitalsgo/vitals/checks/badger"
	"github.com/vitalsgo/vitals/checks/checktest"
)

const timeout = 2 * time.Second

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

func TestHealthy(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, badger.DefaultOptions(dir))
	r := checktest.Want(t, checktest.MustNew(t, badgercheck.New, badgercheck.DB(db), &badgercheck.Options{Key: "app/ready"}), timeout, vitals.StatusPass)

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
	r := checktest.Want(t, checktest.MustNew(t, badgercheck.New, badgercheck.DB(db), &badgercheck.Options{Key: "app/ready"}), timeout, vitals.StatusPass)
	if r.Details["in_memory"] != true {
		t.Errorf("details %v: want in_memory", r.Details)
	}
}

func TestMissingKey(t *testing.T) {
	db := openDB(t, badger.DefaultOptions(t.TempDir()))
	c := checktest.MustNew(t, badgercheck.New, badgercheck.DB(db), &badgercheck.Options{Key: "app/ready"})
	checktest.Want(t, c, timeout, vitals.StatusPass)

	// A deleted key is as missing as one never written.
	if err := db.Update(func(txn *badger.Txn) error { return txn.Delete([]byte("app/ready")) }); err != nil {
		t.Fatal(err)
	}
	r := checktest.Want(t, c, timeout, vitals.StatusFail)
	if r.Message != `badger read transaction: key "app/ready" not found` {
		t.Errorf("message %q", r.Message)
	}
}

// TestClosedDB: the application closes its database under the checker.
func TestClosedDB(t *testing.T) {
	db := openDB(t, badger.DefaultOptions(t.TempDir()))
	r := checktest.WantClosed(t, checktest.MustNew(t, badgercheck.New, badgercheck.DB(db), nil), db, timeout)
	if r.Message != "badger database is closed: DB Closed" {
		t.Errorf("message %q", r.Message)
	}
}

func TestClose(t *testing.T) {
	c := checktest.MustNew(t, badgercheck.New, badgercheck.DB(openDB(t, badger.DefaultOptions("").WithInMemory(true))), nil)
	r := checktest.WantClosed(t, c, c, timeout)
	if r.Message != "badger read transaction: checker closed" {
		t.Errorf("message %q", r.Message)
	}
}
