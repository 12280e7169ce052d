package wrap

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/report"
)

// RetryOptions configure [Retry]. A nil *RetryOptions means all defaults.
type RetryOptions struct {
	// Attempts is the most times the wrapped check runs in one Check.
	// Default 3.
	Attempts int
	// Backoff is the wait after the first failed attempt; each further
	// wait doubles, up to MaxBackoff. Default 100ms.
	Backoff time.Duration
	// MaxBackoff caps the wait between attempts. Default 2s.
	MaxBackoff time.Duration
	// WarnOnRetry reports StatusWarn instead of StatusPass when the check
	// passed only after a retry, so a flaky dependency shows. Default
	// false.
	WarnOnRetry bool
	// Clock measures the backoff. Default: the real clock; tests pass a
	// vitalstest.Clock.
	Clock vitals.Clock
}

// Retrier is a [vitals.Checker] that retries another one; see [Retry].
type Retrier struct {
	inner vitals.Checker
	o     RetryOptions
}

var _ vitals.Checker = (*Retrier)(nil)

// Retry wraps checker so that a failed run is retried. It returns an error
// when checker is nil or an option is negative.
func Retry(checker vitals.Checker, opts *RetryOptions) (*Retrier, error) {
	if checker == nil {
		return nil, errors.New("wrap: retry: checker is nil")
	}
	var o RetryOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case o.Attempts < 0:
		return nil, fmt.Errorf("wrap: retry: negative Attempts %d", o.Attempts)
	case o.Backoff < 0:
		return nil, fmt.Errorf("wrap: retry: negative Backoff %v", o.Backoff)
	case o.MaxBackoff < 0:
		return nil, fmt.Errorf("wrap: retry: negative MaxBackoff %v", o.MaxBackoff)
	}
	if o.Attempts == 0 {
		o.Attempts = 3
	}
	if o.Backoff == 0 {
		o.Backoff = 100 * time.Millisecond
	}
	if o.MaxBackoff == 0 {
		o.MaxBackoff = 2 * time.Second
	}
	o.Backoff = min(o.Backoff, o.MaxBackoff)
	if o.Clock == nil {
		o.Clock = systemClock{}
	}
	return &Retrier{inner: checker, o: o}, nil
}

// Check runs the wrapped check until it does not fail, the attempts are
// used up, or ctx ends. It returns the last attempt's result with
// Details["attempts"] set.
func (r *Retrier) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	wait := r.o.Backoff
	var res vitals.Result
	attempt := 1
	for ; ; attempt++ {
		res = r.inner.Check(ctx)
		if !failed(res) || attempt == r.o.Attempts {
			break
		}
		if err := r.sleep(ctx, wait); err != nil {
			res.Message = fmt.Sprintf("%s (gave up after %d attempts: %v)", message(res), attempt, err)
			break
		}
		wait = min(2*wait, r.o.MaxBackoff)
	}
	if attempt > 1 && !failed(res) && r.o.WarnOnRetry && res.Status != vitals.StatusWarn {
		res.Status = vitals.StatusWarn
		res.Message = fmt.Sprintf("passed after %d attempts", attempt)
	}
	d := maps.Clone(res.Details)
	if d == nil {
		d = map[string]any{}
	}
	d["attempts"] = attempt
	res.Details = d
	return res
}

// sleep waits d on the clock, or returns ctx's error if ctx ends first.
func (r *Retrier) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan struct{})
	t := r.o.Clock.AfterFunc(d, func() { close(done) })
	defer t.Stop()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func failed(r vitals.Result) bool {
	return r.Status == vitals.StatusFail || r.Status > vitals.StatusFail || (r.Status == vitals.StatusUnknown && r.Err != nil)
}

func message(r vitals.Result) string {
	if r.Message == "" && r.Err != nil {
		return r.Err.Error()
	}
	return r.Message
}
