package bolt

import (
	"context"
	"errors"
	"fmt"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/readtx"
	"github.com/vitalsgo/vitals/checks/internal/report"
	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// DB is the part of a [*bbolt.DB] the checker uses.
type DB interface {
	View(fn func(*bbolt.Tx) error) error
	Stats() bbolt.Stats
}

var _ DB = (*bbolt.DB)(nil)

// Options configures a [Checker]. A nil *Options means the defaults.
type Options struct {
	// Bucket, when set, names a top-level bucket that must exist: the
	// check fails without it, e.g. after a bad restore or a migration
	// that did not run. Default: "" (no bucket is required).
	Bucket string
}

// Checker checks a bbolt database the service has open: that a read
// transaction starts and sees the database, and optionally that a bucket
// exists. Use [New] to make one; it is safe for concurrent use.
//
// There is no Open: bbolt locks its file for one process, so a health
// check opens nothing of its own and checks the *bbolt.DB the service
// uses.
type Checker struct {
	db     DB
	bucket []byte
	tx     readtx.Tx
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker for db, which the caller keeps owning.
func New(db DB, opts *Options) (*Checker, error) {
	if db == nil {
		return nil, errors.New("bolt: nil db")
	}
	if opts == nil {
		opts = &Options{}
	}
	c := &Checker{db: db}
	if opts.Bucket != "" {
		c.bucket = []byte(opts.Bucket)
	}
	c.tx = readtx.Tx{Name: "bolt", Closed: bolterrors.ErrDatabaseNotOpen, Describe: c.describe, View: c.view, Pass: c.pass}
	return c, nil
}

// Close waits for a check still running (see [Checker.Check]); the
// database is left open. A check after Close fails.
func (c *Checker) Close() error {
	c.tx.Close()
	return nil
}

// Check starts a read transaction, reads the database size in it and
// looks up [Options].Bucket, and reports [vitals.StatusFail] when the
// transaction cannot start (the database is closed), the bucket is
// missing, or ctx ends first; [vitals.StatusPass] otherwise.
//
// Observed is the database size in bytes. Details: path (when db has a
// Path method, as *bbolt.DB has), size_bytes, page_size, read_ms (the read
// transaction's time), and from [bbolt.DB.Stats]: free_pages,
// pending_pages, free_alloc_bytes, freelist_inuse_bytes, read_tx_total,
// read_tx_open, and the write counters tx_page_count, tx_page_alloc_bytes,
// tx_cursor_count, tx_node_count, tx_rebalance, tx_split, tx_spill,
// tx_write, tx_write_ms.
//
// Starting a read transaction can block while a writer waits to grow the
// file's memory map, which itself waits for every open read transaction to
// end (a long backup, for one). bbolt takes no context, so the
// transaction runs on a goroutine that the Checker owns, and Check returns
// at ctx's deadline even when it has not. At most one such transaction is
// outstanding: a check that starts meanwhile waits for its result.
func (c *Checker) Check(ctx context.Context) vitals.Result {
	return c.tx.Check(ctx)
}

func (c *Checker) describe(details map[string]any) {
	if p, ok := c.db.(interface{ Path() string }); ok {
		details["path"] = p.Path()
	}
}

func (c *Checker) view(details map[string]any) error {
	return c.db.View(func(tx *bbolt.Tx) error {
		details["page_size"] = tx.DB().Info().PageSize
		if c.bucket != nil && tx.Bucket(c.bucket) == nil {
			return fmt.Errorf("bucket %q not found", c.bucket)
		}
		details["size_bytes"] = tx.Size()
		return nil
	})
}

func (c *Checker) pass(details map[string]any) vitals.Result {
	size, _ := details["size_bytes"].(int64)
	statsDetails(c.db.Stats(), details)

	r := vitals.Passf("bolt database of %d bytes readable", size)
	r.Details = details
	r.Observed, r.Unit = size, "bytes"
	return r
}

func statsDetails(s bbolt.Stats, d map[string]any) {
	d["free_pages"] = s.FreePageN
	d["pending_pages"] = s.PendingPageN
	d["free_alloc_bytes"] = s.FreeAlloc
	d["freelist_inuse_bytes"] = s.FreelistInuse
	d["read_tx_total"] = s.TxN
	d["read_tx_open"] = s.OpenTxN
	tx := &s.TxStats
	d["tx_page_count"] = tx.GetPageCount()
	d["tx_page_alloc_bytes"] = tx.GetPageAlloc()
	d["tx_cursor_count"] = tx.GetCursorCount()
	d["tx_node_count"] = tx.GetNodeCount()
	d["tx_rebalance"] = tx.GetRebalance()
	d["tx_split"] = tx.GetSplit()
	d["tx_spill"] = tx.GetSpill()
	d["tx_write"] = tx.GetWrite()
	d["tx_write_ms"] = report.Ms(tx.GetWriteTime())
}
