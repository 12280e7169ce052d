package wrap

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/report"
)

// ErrOpen is the Err of a result returned while the circuit is open, or
// half-open with its trial call in flight: the dependency was not called.
var ErrOpen = errors.New("circuit open")

// BreakerState is the state of a [CircuitBreaker].
type BreakerState int

// Breaker states.
const (
	Closed   BreakerState = iota // calls go through; failures are counted
	Open                         // calls are refused until the cooldown ends
	HalfOpen                     // one trial call decides between Closed and Open
)

// String returns "closed", "open" or "half-open".
func (s BreakerState) String() string {
	switch s {
	case Closed:
		return "closed"
	case Open:
		return "open"
	case HalfOpen:
		return "half-open"
	}
	return fmt.Sprintf("BreakerState(%d)", int(s))
}

// BreakerOptions configure [Breaker]. A nil *BreakerOptions means all
// defaults.
type BreakerOptions struct {
	// Failures is the number of consecutive failed checks that opens the
	// circuit. Default 5.
	Failures int
	// Cooldown is how long the circuit stays open before a trial call.
	// Default 30s.
	Cooldown time.Duration
	// Clock tells the time. Default: the real clock; tests pass a
	// vitalstest.Clock.
	Clock vitals.Clock
}

// CircuitBreaker is a [vitals.Checker] that guards another one; see
// [Breaker]. It is safe for concurrent use.
type CircuitBreaker struct {
	inner    vitals.Checker
	failures int
	cooldown time.Duration
	clock    vitals.Clock

	mu       sync.Mutex // protects the fields below
	state    BreakerState
	consec   int       // consecutive failures while closed
	openedAt time.Time // when the circuit last opened
	lastFail string    // message of the failure that opened it
	trial    bool      // a half-open trial call is in flight
}

var _ vitals.Checker = (*CircuitBreaker)(nil)

// Breaker wraps checker in a circuit breaker. It returns an error when
// checker is nil or an option is negative.
func Breaker(checker vitals.Checker, opts *BreakerOptions) (*CircuitBreaker, error) {
	if checker == nil {
		return nil, errors.New("wrap: breaker: checker is nil")
	}
	var o BreakerOptions
	if opts != nil {
		o = *opts
	}
	if o.Failures < 0 {
		return nil, fmt.Errorf("wrap: breaker: negative Failures %d", o.Failures)
	}
	if o.Cooldown < 0 {
		return nil, fmt.Errorf("wrap: breaker: negative Cooldown %v", o.Cooldown)
	}
	if o.Failures == 0 {
		o.Failures = 5
	}
	if o.Cooldown == 0 {
		o.Cooldown = 30 * time.Second
	}
	if o.Clock == nil {
		o.Clock = systemClock{}
	}
	return &CircuitBreaker{inner: checker, failures: o.Failures, cooldown: o.Cooldown, clock: o.Clock}, nil
}

// State returns the breaker's current state. An open circuit whose
// cooldown has passed reports HalfOpen.
func (b *CircuitBreaker) State() BreakerState {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == Open && !b.clock.Now().Before(b.openedAt.Add(b.cooldown)) {
		return HalfOpen
	}
	return b.state
}

// Check calls the wrapped check unless the circuit is open, and updates
// the circuit with the outcome.
func (b *CircuitBreaker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	if r, refused := b.admit(); refused {
		return r
	}
	r := b.inner.Check(ctx)
	return b.record(r)
}

// admit decides whether a call may go through; when it may not, it
// returns the result to report instead.
func (b *CircuitBreaker) admit() (vitals.Result, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.clock.Now()
	if b.state == Open {
		retry := b.openedAt.Add(b.cooldown)
		if now.Before(retry) {
			return b.refusedLocked(fmt.Sprintf("circuit open after %d consecutive failures (last: %s); next try in %v",
				b.failures, b.lastFail, roundWait(retry.Sub(now))), retry), true
		}
		b.state = HalfOpen
	}
	if b.state == HalfOpen {
		if b.trial {
			return b.refusedLocked("circuit half-open: trial check in progress (last failure: "+b.lastFail+")", time.Time{}), true
		}
		b.trial = true
	}
	return vitals.Result{}, false
}

func (b *CircuitBreaker) refusedLocked(msg string, retry time.Time) vitals.Result {
	d := map[string]any{"breaker_state": b.state.String(), "breaker_opened_at": b.openedAt}
	if !retry.IsZero() {
		d["breaker_retry_at"] = retry
	}
	return vitals.Result{Status: vitals.StatusFail, Message: msg, Details: d, Err: ErrOpen}
}

// record moves the circuit according to r and returns r with the state in
// its details.
func (b *CircuitBreaker) record(r vitals.Result) vitals.Result {
	b.mu.Lock()
	defer b.mu.Unlock()
	failed := failed(r)
	wasTrial := b.state == HalfOpen
	b.trial = false
	switch {
	case !failed:
		b.state, b.consec = Closed, 0
	case wasTrial:
		b.openLocked(r)
	default:
		b.consec++
		if b.consec >= b.failures {
			b.openLocked(r)
		}
	}
	// The wrapped check may reuse its map; ours must not write into it.
	d := maps.Clone(r.Details)
	if d == nil {
		d = map[string]any{}
	}
	d["breaker_state"] = b.state.String()
	if b.state == Closed {
		d["breaker_failures"] = b.consec
	}
	r.Details = d
	return r
}

func (b *CircuitBreaker) openLocked(r vitals.Result) {
	b.state, b.consec, b.openedAt = Open, 0, b.clock.Now()
	b.lastFail = r.Message
	if b.lastFail == "" && r.Err != nil {
		b.lastFail = r.Err.Error()
	}
	if b.lastFail == "" {
		b.lastFail = "check failed"
	}
}

// roundWait keeps a wait readable: whole seconds, or milliseconds under one.
func roundWait(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}
