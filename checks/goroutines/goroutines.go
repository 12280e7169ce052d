package goroutines

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/report"
)

// Default thresholds, used when [Options] sets neither.
const (
	DefaultWarn = 10_000
	DefaultFail = 100_000
)

// Options configure [New]. A nil *Options, or one with both thresholds
// zero, means [DefaultWarn] and [DefaultFail].
type Options struct {
	// Warn is the count at which the check reports StatusWarn. Zero turns
	// the warning off when Fail is set.
	Warn int
	// Fail is the count at which the check reports StatusFail. Zero turns
	// the failure off when Warn is set.
	Fail int
}

// Checker compares runtime.NumGoroutine with thresholds.
type Checker struct {
	warn, fail int
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker. It returns an error when a threshold is negative
// or Fail is below Warn.
func New(opts *Options) (*Checker, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Warn < 0 || o.Fail < 0 {
		return nil, fmt.Errorf("goroutines: negative threshold (warn %d, fail %d)", o.Warn, o.Fail)
	}
	if o.Warn == 0 && o.Fail == 0 {
		o.Warn, o.Fail = DefaultWarn, DefaultFail
	}
	if o.Warn > 0 && o.Fail > 0 && o.Fail < o.Warn {
		return nil, fmt.Errorf("goroutines: Fail %d is below Warn %d", o.Fail, o.Warn)
	}
	return &Checker{warn: o.Warn, fail: o.Fail}, nil
}

// Check counts the goroutines.
func (c *Checker) Check(context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	n := runtime.NumGoroutine()
	r := vitals.Result{
		Status:   vitals.StatusPass,
		Message:  fmt.Sprintf("%d goroutines", n),
		Observed: n,
		Unit:     "goroutines",
		Details:  map[string]any{"goroutines": n},
	}
	if c.warn > 0 {
		r.Details["warn"] = c.warn
	}
	if c.fail > 0 {
		r.Details["fail"] = c.fail
	}
	switch {
	case c.fail > 0 && n >= c.fail:
		r.Status = vitals.StatusFail
		r.Message = fmt.Sprintf("%d goroutines, at or above the failure threshold %d", n, c.fail)
	case c.warn > 0 && n >= c.warn:
		r.Status = vitals.StatusWarn
		r.Message = fmt.Sprintf("%d goroutines, at or above the warning threshold %d", n, c.warn)
	}
	return r
}
