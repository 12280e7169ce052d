// Package readtx checks an embedded database the service has open (bbolt,
// Badger) through one read transaction.
//
// Such a database locks its files for one process, so a health check opens
// nothing of its own, and its read transaction takes no context, so the
// transaction runs on a goroutine a [blocking.Runner] owns. What is left to
// a checker is what its database reads and says; the timing, the failure
// messages and the goroutine are the same for every such database, and
// live here.
package readtx

import (
	"context"
	"errors"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/blocking"
	"github.com/vitalsgo/vitals/checks/internal/report"
)

// Tx runs a checker's read transaction. Set its exported fields before the
// first [Tx.Check]; a Tx must not be copied after that. It is safe for
// concurrent use.
type Tx struct {
	// Name names the database in messages: "bolt", "badger".
	Name string

	// Closed is the error the transaction returns once the database is
	// closed; a check that meets it says so rather than "read transaction".
	Closed error

	// Describe, when set, adds to details what is known without a
	// transaction (the file's path, the options it was opened with), so
	// that a failing check reports it too.
	Describe func(details map[string]any)

	// View runs the read transaction, adding what it reads to details.
	View func(details map[string]any) error

	// Pass returns the Result of a check whose transaction succeeded; its
	// Details are details.
	Pass func(details map[string]any) vitals.Result

	run blocking.Runner
}

// Check runs the transaction on the Tx's goroutine and returns its Result,
// or a failing one when ctx ends first (see [blocking.Runner.Do]). The
// Result's Duration is the check's time; details["read_ms"] is the
// transaction's.
func (t *Tx) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	return t.run.Do(ctx, t.Name+" read transaction", t.check)
}

// Close waits for a transaction still running; a check after Close fails.
func (t *Tx) Close() { t.run.Close() }

func (t *Tx) check() vitals.Result {
	details := map[string]any{}
	if t.Describe != nil {
		t.Describe(details)
	}
	start := time.Now()
	err := t.View(details)
	details["read_ms"] = report.Ms(time.Since(start))
	if errors.Is(err, t.Closed) {
		return report.Fail(details, "%s database is closed: %w", t.Name, err)
	}
	if err != nil {
		return report.Fail(details, "%s read transaction: %w", t.Name, err)
	}
	return t.Pass(details)
}
