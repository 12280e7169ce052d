package vitals

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vitalsgo/vitals/redact"
)

// Result is what one run of a check produced.
//
// A failing dependency is data, not a Go error: a check reports trouble by
// returning a Result with Status [StatusFail] or [StatusWarn]. Err, when set, is the
// underlying error for callers that want errors.Is/As; Message is what people
// read. The monitor fills in Duration and Time when the checker leaves them
// zero, and redacts secrets from Message and Err before anything else sees
// the result.
type Result struct {
	Status   Status         // StatusPass, StatusWarn or StatusFail; StatusUnknown is read as StatusPass, or StatusFail when Err is set
	Message  string         // short human-readable explanation
	Details  map[string]any // structured facts: server version, pool stats, …; owned by the monitor once returned
	Observed any            // the measured value, e.g. free bytes or round-trip time
	Unit     string         // unit of Observed, e.g. "bytes", "ms", "%"
	Err      error          // underlying error, if any
	Duration time.Duration  // how long the run took
	Time     time.Time      // when the run finished
}

// Checker checks one dependency or one property of the service.
//
// Check is called by the monitor, never twice at once for the same
// registration, from one of the monitor's goroutines. It must honor ctx: ctx
// carries the check's timeout and is cancelled when the monitor closes. A
// Check that ignores ctx is abandoned at its timeout (its result becomes
// StatusFail) and is not run again until it returns, so a hung dependency costs one
// goroutine, never more. A panic in Check is recovered and reported as StatusFail.
type Checker interface {
	Check(ctx context.Context) Result
}

// CheckFunc adapts a function returning an error to a [Checker]: nil is
// [StatusPass], an error wrapped with [Warn] is [StatusWarn], any other error is [StatusFail].
// So db.PingContext registers as it stands:
//
//	m.Add("db", vitals.CheckFunc(db.PingContext))
type CheckFunc func(ctx context.Context) error

// Check calls f and maps its error to a Result with [FromError].
func (f CheckFunc) Check(ctx context.Context) Result { return FromError(f(ctx)) }

// ResultFunc adapts a function returning a rich [Result] to a [Checker]:
// use it when a check reports more than an error can say (details, an
// observed value, a message on success). Each adapter is named after what
// its function returns, an error for [CheckFunc] and a Result for this one.
//
//	m.Add("disk", vitals.ResultFunc(func(ctx context.Context) vitals.Result {
//		return vitals.Passf("%d GiB free", free())
//	}))
type ResultFunc func(ctx context.Context) Result

// Check calls f.
func (f ResultFunc) Check(ctx context.Context) Result { return f(ctx) }

var (
	_ Checker = CheckFunc(nil)
	_ Checker = ResultFunc(nil)
)

// StatusWarn marks err as a degradation rather than a failure: a [CheckFunc]
// returning Warn(err) reports [StatusWarn]. Warn(nil) is nil. errors.Is and
// errors.As see through it.
func Warn(err error) error {
	if err == nil {
		return nil
	}
	return &warnError{err: err}
}

type warnError struct{ err error }

func (e *warnError) Error() string { return e.err.Error() }
func (e *warnError) Unwrap() error { return e.err }

// isWarn reports whether err was marked with [Warn].
func isWarn(err error) bool {
	var w *warnError
	return errors.As(err, &w)
}

// FromError maps an error to a Result: nil is [StatusPass]; an error marked with
// [Warn] is [StatusWarn]; any other error is [StatusFail]. Message is the error text.
func FromError(err error) Result {
	switch {
	case err == nil:
		return Result{Status: StatusPass}
	case isWarn(err):
		return Result{Status: StatusWarn, Message: err.Error(), Err: err}
	default:
		return Result{Status: StatusFail, Message: err.Error(), Err: err}
	}
}

// Err runs c once, outside any monitor, and returns its failure as an
// error, for code whose health is a Go error: nil when c passes or warns (a
// degraded dependency still answers), otherwise the result's Err, or its
// Message as an error when the checker set no Err. Secrets are redacted as
// the monitor redacts them, and a panic in c is an error. It is the inverse
// of [FromError]:
//
//	func (s *Store) Health(ctx context.Context) error { return vitals.Err(ctx, s.checker) }
func Err(ctx context.Context, c Checker) error {
	start := time.Now()
	res := safeCheck(ctx, c)
	now := time.Now()
	if res = normalize(res, now.Sub(start), now); res.Status != StatusFail {
		return nil
	}
	if res.Err != nil {
		return res.Err
	}
	return errors.New(res.Message)
}

// Passf returns a passing Result with a formatted message.
func Passf(format string, args ...any) Result {
	return Result{Status: StatusPass, Message: fmt.Sprintf(format, args...)}
}

// Warnf returns a degraded Result with a formatted message.
func Warnf(format string, args ...any) Result {
	return Result{Status: StatusWarn, Message: fmt.Sprintf(format, args...)}
}

// Failf returns a failing Result with a formatted message. Use %w to keep
// an underlying error reachable through Result.Err.
func Failf(format string, args ...any) Result {
	err := fmt.Errorf(format, args...)
	return Result{Status: StatusFail, Message: err.Error(), Err: err}
}

// ErrTimeout is the error of a run that its timeout ended. The Result's Err
// matches both ErrTimeout and context.DeadlineExceeded with errors.Is, for a
// run abandoned at its timeout and for one that failed at or after its
// deadline with the driver's own error (its text, such as "i/o timeout",
// stays the message; errors.As still finds the driver's types).
var ErrTimeout = errors.New("check timed out")

// ErrStale is the error of a check whose last result outlived its max age.
var ErrStale = errors.New("check result is stale")

// PanicError is the Err of a Result produced by a check that panicked.
type PanicError struct {
	Value any    // the value passed to panic
	Stack []byte // the goroutine's stack at the panic
}

func (e *PanicError) Error() string { return fmt.Sprintf("check panicked: %v", e.Value) }

// normalize fills in what the checker left out and removes secrets. It is
// applied to every result before it is recorded.
func normalize(r Result, dur time.Duration, now time.Time) Result {
	if r.Status == StatusUnknown || int(r.Status) >= numStatuses || r.Status > StatusFail {
		if r.Err != nil || r.Status > StatusFail {
			r.Status = StatusFail
		} else {
			r.Status = StatusPass
		}
	}
	if r.Err != nil {
		// Redacted here, once for every surface; the chain stays for
		// errors.Is and errors.As.
		r.Err = redact.Error(r.Err)
		if r.Message == "" {
			r.Message = r.Err.Error()
		}
	}
	r.Message = redact.String(r.Message)
	r.Details = redact.Details(r.Details)
	if r.Observed != nil {
		r.Observed = redact.Value(r.Observed)
	}
	if r.Duration == 0 {
		r.Duration = dur
	}
	if r.Time.IsZero() {
		r.Time = now
	}
	return r
}
