// Package report builds what several checkers put in a [vitals.Result]
// alike: a failure with its details, the outcome of a timed operation that
// may be slow, a size in bytes for people to read.
package report

import (
	"fmt"
	"time"

	"github.com/vitalsgo/vitals"
)

// Fail returns the failing Result [vitals.Failf] makes of format and args,
// with Details d.
func Fail(d map[string]any, format string, args ...any) vitals.Result {
	r := vitals.Failf(format, args...)
	r.Details = d
	return r
}

// Timed returns the Result of an operation that succeeded and took took:
// [vitals.StatusPass] with the message "<done> in <took>", or
// [vitals.StatusWarn] with "<slow>: <took>, over <warnAfter>" when
// warnAfter is positive and took is longer. Observed is took in
// milliseconds, to the microsecond; Details are d.
func Timed(d map[string]any, took, warnAfter time.Duration, done, slow string) vitals.Result {
	r := vitals.Result{
		Status:   vitals.StatusPass,
		Message:  fmt.Sprintf("%s in %v", done, took.Round(time.Microsecond)),
		Details:  d,
		Observed: float64(took.Microseconds()) / 1000,
		Unit:     "ms",
	}
	if warnAfter > 0 && took > warnAfter {
		r.Status = vitals.StatusWarn
		r.Message = fmt.Sprintf("%s: %v, over %v", slow, took.Round(time.Millisecond), warnAfter)
	}
	return r
}

// Bytes shows n in binary units: 512 B, 1.5 GiB.
func Bytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// Took sets r.Duration to the time since start: deferred at the top of a
// Check method, it gives the Result a checker returns its duration also
// when the checker is called directly, outside a monitor (which would fill
// it in), as a user timing a backend expects.
func Took(r *vitals.Result, start time.Time) { r.Duration = time.Since(start) }

// Ms converts d to fractional milliseconds, the unit of the durations a
// checker reports in Details and Observed.
func Ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
