package drivers

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"time"

	badgerdb "github.com/dgraph-io/badger/v4"
	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/badger"
	"github.com/vitalsgo/vitals/checks/bolt"
	"github.com/vitalsgo/vitals/monitor/config"
)

// bbolt and Badger lock their files for one writer, and a read-only open
// takes a shared lock that would keep the service itself from opening its
// database. So these checks open the database read-only for each run and
// close it at once: while the service holds it, the check reports the lock.

func buildBolt(c *config.Check) (vitals.Checker, io.Closer, error) {
	path, bucket := c.Params.String("path"), c.Params.String("bucket")
	return vitals.ResultFunc(func(ctx context.Context) vitals.Result {
		timeout := time.Second
		if dl, ok := ctx.Deadline(); ok {
			timeout = time.Until(dl)
		}
		db, err := bbolt.Open(path, 0o400, &bbolt.Options{ReadOnly: true, Timeout: max(timeout, time.Millisecond)})
		if errors.Is(err, bolterrors.ErrTimeout) {
			return vitals.Failf("open %s: locked by another process", path)
		}
		if err != nil {
			return openFailed(path, err)
		}
		defer db.Close()
		chk, err := bolt.New(db, &bolt.Options{Bucket: bucket})
		return checkOnce(ctx, chk, err)
	}), nil, nil
}

func buildBadger(c *config.Check) (vitals.Checker, io.Closer, error) {
	path, key := c.Params.String("path"), c.Params.String("key")
	return vitals.ResultFunc(func(ctx context.Context) vitals.Result {
		db, err := badgerdb.Open(badgerdb.DefaultOptions(path).WithReadOnly(true).WithLogger(nil))
		if err != nil {
			return openFailed(path, err)
		}
		defer db.Close()
		chk, err := badger.New(db, &badger.Options{Key: key})
		return checkOnce(ctx, chk, err)
	}), nil, nil
}

// checkOnce runs a checker made for one run over a freshly opened
// database, and releases it; a checker that could not be made fails the
// run.
func checkOnce(ctx context.Context, chk interface {
	vitals.Checker
	io.Closer
}, err error) vitals.Result {
	if err != nil {
		return vitals.Failf("%w", err)
	}
	defer chk.Close()
	return chk.Check(ctx)
}

// openFailed is the result of a database that did not open: the error
// names the path when the file system refused it, and is prefixed with it
// otherwise.
func openFailed(path string, err error) vitals.Result {
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) && pe.Path == path {
		return vitals.Failf("%w", err)
	}
	return vitals.Failf("open %s: %w", path, err)
}
