package badger

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/readtx"
)

// DB is the part of a [*badger.DB] the checker uses.
type DB interface {
	View(fn func(txn *badger.Txn) error) error
	Size() (lsm, vlog int64)
}

var _ DB = (*badger.DB)(nil)

// Options configures a [Checker]. A nil *Options means the defaults.
type Options struct {
	// Key, when set, names a key that must exist (and not be deleted or
	// expired): the check fails without it, e.g. after a bad restore.
	// Default: "" (no key is required).
	Key string
}

// Checker checks a Badger database the service has open: that a read
// transaction works, and optionally that a key exists. Use [New] to make
// one; it is safe for concurrent use.
//
// There is no Open: Badger locks its directory for one process, so a
// health check opens nothing of its own and checks the *badger.DB the
// service uses.
type Checker struct {
	db  DB
	key []byte
	tx  readtx.Tx
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker for db, which the caller keeps owning.
func New(db DB, opts *Options) (*Checker, error) {
	if db == nil {
		return nil, errors.New("badger: nil db")
	}
	if opts == nil {
		opts = &Options{}
	}
	c := &Checker{db: db}
	if opts.Key != "" {
		c.key = []byte(opts.Key)
	}
	c.tx = readtx.Tx{Name: "badger", Closed: badger.ErrDBClosed, Describe: c.describe, View: c.view, Pass: c.pass}
	return c, nil
}

// Close waits for a check still running (see [Checker.Check]); the
// database is left open. A check after Close fails.
func (c *Checker) Close() error {
	c.tx.Close()
	return nil
}

// Check runs a read transaction that looks up [Options].Key, and reports
// [vitals.StatusFail] when the database is closed, the key is missing, the
// read fails, or ctx ends first; [vitals.StatusPass] otherwise.
//
// Observed is the size of the LSM tree and value log together, in bytes.
// Details: lsm_size_bytes, vlog_size_bytes, read_ms (the read
// transaction's time), and, when db has an Opts method as *badger.DB has,
// dir, value_dir, in_memory and read_only. Badger refreshes the sizes about
// once a minute, and reports 0 for them when its metrics are disabled
// (Options.MetricsEnabled).
//
// Badger takes no context, so the transaction runs on a goroutine that
// the Checker owns, and Check returns at ctx's deadline even when the
// transaction has not finished. At most one such transaction is
// outstanding: a check that starts meanwhile waits for its result.
func (c *Checker) Check(ctx context.Context) vitals.Result {
	return c.tx.Check(ctx)
}

func (c *Checker) describe(details map[string]any) {
	if o, ok := c.db.(interface{ Opts() badger.Options }); ok {
		opt := o.Opts()
		details["dir"] = opt.Dir
		details["value_dir"] = opt.ValueDir
		details["in_memory"] = opt.InMemory
		details["read_only"] = opt.ReadOnly
	}
}

func (c *Checker) view(map[string]any) error {
	return c.db.View(func(txn *badger.Txn) error {
		if c.key == nil {
			return nil
		}
		_, err := txn.Get(c.key)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return fmt.Errorf("key %q not found", c.key)
		}
		return err
	})
}

func (c *Checker) pass(details map[string]any) vitals.Result {
	lsm, vlog := c.db.Size()
	details["lsm_size_bytes"] = lsm
	details["vlog_size_bytes"] = vlog

	r := vitals.Passf("badger database readable (LSM %d bytes, value log %d bytes)", lsm, vlog)
	r.Details = details
	r.Observed, r.Unit = lsm+vlog, "bytes"
	return r
}
