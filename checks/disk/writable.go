package disk

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/report"
)

// WritableChecker checks that a directory accepts writes; see [Writable].
type WritableChecker struct {
	dir string
	g   guard
}

var _ vitals.Checker = (*WritableChecker)(nil)

// Writable returns a checker that creates a temporary file in dir, writes
// to it, fsyncs it and removes it. It returns an error when dir is empty.
func Writable(dir string) (*WritableChecker, error) {
	if dir == "" {
		return nil, errors.New("disk: writable: directory is empty")
	}
	return &WritableChecker{dir: dir}, nil
}

// payload is what the check writes: a block, so the write reaches the
// device like a real one.
var payload = make([]byte, 4096)

// Check writes, syncs and removes a temporary file.
func (w *WritableChecker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	return w.g.run(ctx, "write to "+w.dir, func() vitals.Result {
		start := time.Now()
		if err := writeTemp(w.dir); err != nil {
			r := vitals.Failf("write to %s: %w", w.dir, err)
			r.Details = map[string]any{"dir": w.dir}
			return r
		}
		took := time.Since(start)
		ms := float64(took.Microseconds()) / 1000
		return vitals.Result{
			Status:   vitals.StatusPass,
			Message:  fmt.Sprintf("%s: wrote, synced and removed a file in %v", w.dir, took.Round(time.Microsecond)),
			Details:  map[string]any{"dir": w.dir, "write_ms": ms},
			Observed: ms,
			Unit:     "ms",
		}
	})
}

func writeTemp(dir string) (err error) {
	f, err := os.CreateTemp(dir, ".vitals-writable-*")
	if err != nil {
		return err
	}
	name := f.Name()
	defer func() {
		if rmErr := os.Remove(name); rmErr != nil && err == nil {
			err = rmErr
		}
	}()
	if _, err := f.Write(payload); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
