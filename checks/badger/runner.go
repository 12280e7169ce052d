package badger

import (
	"context"
	"fmt"
	"maps"
	"sync"

	"github.com/vitalsgo/vitals"
)

// runner runs a check's blocking work, which takes no context, on a
// goroutine it owns, so that the check returns at its context's deadline
// even when the work has not. At most one run is outstanding: checks that
// start meanwhile wait for its result rather than pile more goroutines on
// a dependency that hangs. The zero value is ready to use.
type runner struct {
	wg sync.WaitGroup // the outstanding run

	mu       sync.Mutex // protects inflight and closed
	inflight *attempt   // the run going on now, if any
	closed   bool
}

// attempt is one run, shared by every check that waits for it.
type attempt struct {
	done chan struct{} // closed when res is set
	res  vitals.Result
}

// do returns the result of work, or a failure naming what when ctx ends
// first.
func (r *runner) do(ctx context.Context, what string, work func() vitals.Result) vitals.Result {
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

func (r *runner) run(a *attempt, what string, work func() vitals.Result) {
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

// close makes later runs fail and waits for the outstanding one.
func (r *runner) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.wg.Wait()
}
