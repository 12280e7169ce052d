package bolt_test

import (
	"bytes"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/bolt"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"go.etcd.io/bbolt"
)

const timeout = 2 * time.Second

// openDB creates a database in a temporary directory with a bucket "app"
// holding one key.
func openDB(t *testing.T) *bbolt.DB {
	t.Helper()
	db, err := bbolt.Open(filepath.Join(t.TempDir(), "app.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucket([]byte("app"))
		if err != nil {
			return err
		}
		return b.Put([]byte("k"), []byte("v"))
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestHealthy(t *testing.T) {
	db := openDB(t)
	r := checktest.Want(t, checktest.MustNew(t, bolt.New, bolt.DB(db), &bolt.Options{Bucket: "app"}), timeout, vitals.StatusPass)

	size, _ := r.Observed.(int64)
	if size <= 0 || r.Unit != "bytes" || r.Details["size_bytes"] != size {
		t.Errorf("observed %v %q, size_bytes %v: want the database size in bytes", r.Observed, r.Unit, r.Details["size_bytes"])
	}
	if want := "bolt database of "; !strings.HasPrefix(r.Message, want) {
		t.Errorf("message %q, want %q…", r.Message, want)
	}
	if r.Details["path"] != db.Path() || r.Details["page_size"] != db.Info().PageSize {
		t.Errorf("details %v: want path %s and page size %d", r.Details, db.Path(), db.Info().PageSize)
	}
	// The setup's write transaction shows in the stats.
	if n, _ := r.Details["tx_write"].(int64); n == 0 {
		t.Errorf("tx_write %v after a write transaction", r.Details["tx_write"])
	}
	if n, _ := r.Details["read_tx_total"].(int); n == 0 {
		t.Errorf("read_tx_total %v after the check's own read transaction", r.Details["read_tx_total"])
	}
}

func TestMissingBucket(t *testing.T) {
	r := checktest.Want(t, checktest.MustNew(t, bolt.New, bolt.DB(openDB(t)), &bolt.Options{Bucket: "users"}), timeout, vitals.StatusFail)
	if r.Message != `bolt read transaction: bucket "users" not found` {
		t.Errorf("message %q", r.Message)
	}
}

// TestClosedDB: the application closes its database under the checker.
func TestClosedDB(t *testing.T) {
	db := openDB(t)
	r := checktest.WantClosed(t, checktest.MustNew(t, bolt.New, bolt.DB(db), nil), db, timeout)
	if r.Message != "bolt database is closed: database not open" {
		t.Errorf("message %q", r.Message)
	}
}

// TestBlockedByRemap holds a read transaction open while a writer grows
// the file: the writer waits to remap it, and new read transactions wait
// behind the writer. The check must return at its deadline all the same.
func TestBlockedByRemap(t *testing.T) {
	db := openDB(t)
	c := checktest.MustNew(t, bolt.New, bolt.DB(db), nil)

	long, err := db.Begin(false)
	if err != nil {
		t.Fatal(err)
	}
	wrote := make(chan error, 1)
	go func() {
		wrote <- db.Update(func(tx *bbolt.Tx) error {
			return tx.Bucket([]byte("app")).Put([]byte("big"), bytes.Repeat([]byte("x"), 8<<20))
		})
	}()
	monitortest.Eventually(t, "the writer waiting to remap the file", inRemap)

	for range 2 {
		r := checktest.WantTimeout(t, c, 300*time.Millisecond)
		if r.Message != "bolt read transaction did not finish: context deadline exceeded" {
			t.Errorf("message %q", r.Message)
		}
	}

	// Once the long reader ends, the writer remaps and checks pass again.
	if err := long.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	r := checktest.AwaitStatus(t, c, vitals.StatusPass)
	if size := r.Observed.(int64); size < 8<<20 {
		t.Errorf("size %d after writing 8 MiB", size)
	}
}

func TestClose(t *testing.T) {
	c := checktest.MustNew(t, bolt.New, bolt.DB(openDB(t)), nil)
	r := checktest.WantClosed(t, c, c, timeout)
	if r.Message != "bolt read transaction: checker closed" {
		t.Errorf("message %q", r.Message)
	}
}

// inRemap reports whether a goroutine is in bbolt's remap, where a writer
// waits for every read transaction to end: the point the test must reach
// before it checks, and that nothing but the goroutine's stack shows.
func inRemap() bool {
	buf := make([]byte, 1<<20)
	return bytes.Contains(buf[:runtime.Stack(buf, true)], []byte("go.etcd.io/bbolt.(*DB).mmap("))
}
