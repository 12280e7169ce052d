package blocking

import (
	"context"
	"fmt"
	"maps"
	"sync"

	"github.com/vitalsgo/vitals"
)

// Runner runs blocking work on a goroutine it owns; see the package
// documentation. The zero value is ready to use. A Runner must not be
// copied after first use.
type Runner struct {
	wg sync.WaitGroup // the outstanding run

	mu       sync.Mutex // protects inflight and closed
	inflight *attempt   // the run going on now, if any
	closed   bool
}

// attempt is one run, shared by every call of Do that waits for it.
type attempt struct {
	done chan struct{} // closed when res is set
	res  vitals.Result
}

// Do returns the result of work, run on the Runner's goroutine, or a
// failing Result when ctx ends first: "<what> did not finish: <ctx.Err()>".
// what names the work in messages, e.g. "memcached round trip".
//
// When a run is already outstanding, Do does not call work but waits for
// that run's result; each caller gets its own copy of the Result's
// Details. A panic in work yields a failing Result whose Err is a
// [*vitals.PanicError]. After [Runner.Close], Do fails at once with
// "<what>: checker closed". Do is safe for concurrent use.
func (r *Runner) Do(ctx context.Context, what string, work func() vitals.Result) vitals.Result {
	if err := ctx.Err(); err != nil {
		return vitals.Failf("%s: %w", what, err)
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return vitals.Failf("%s: checker closed", what)
	}
	a := r.inflight
	if a == nil {
		a = &attempt{done: make(chan struct{})}
		r.inflight = a
		// Under mu, with closed false: Close cannot be in wg.Wait yet.
		r.wg.Add(1)
		go r.run(a, what, work)
	}
	r.mu.Unlock()

	select {
	case <-a.done:
		res := a.res
		res.Details = maps.Clone(res.Details) // each caller owns its Details
		return res
	case <-ctx.Done():
		return vitals.Failf("%s did not finish: %w", what, ctx.Err())
	}
}

func (r *Runner) run(a *attempt, what string, work func() vitals.Result) {
	defer r.wg.Done()
	defer func() {
		// The monitor recovers panics in Check, but not on this goroutine.
		if v := recover(); v != nil {
			a.res = vitals.Result{Status: vitals.StatusFail, Message: fmt.Sprintf("%s panicked: %v", what, v),
				Err: &vitals.PanicError{Value: v}}
		}
		r.mu.Lock()
		r.inflight = nil
		r.mu.Unlock()
		close(a.done)
	}()
	a.res = work()
}

// Close makes later calls of [Runner.Do] fail and waits for the
// outstanding run, if any, to return. Calls of Do waiting for that run
// get its result. Close is safe to call more than once.
func (r *Runner) Close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.wg.Wait()
}
