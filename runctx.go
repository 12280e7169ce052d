package vitals

import (
	"context"
	"sync"
	"time"
)

// runCtx is the context state of a run. Its deadline comes from the
// monitor's clock; it is cancelled when the run times out (Err then reports
// context.DeadlineExceeded, as a context.WithTimeout would), when the
// monitor closes, and when the run returns. A check sees it through a
// [runRef] (see [runCtx.ref]).
//
// It is written by hand rather than made with context.WithCancel because
// most of its cost is paid only when a check asks for Done: a derived
// cancelCtx registers with its parent on every run, which at 100,000 checks
// (10,000 runs a second) was a tenth of the monitor's CPU, while a check
// that never blocks never needs the channel. A check that does call Done
// pays what WithCancel would have cost.
//
// A pool worker reuses one runCtx (inside its reused [call]) from run to
// run when the run never asked for Done: the allocation per run was a
// third of what the garbage collector had to chase at 100,000 checks. The
// reference a check holds is of one run: once that run is retired, the
// reference reads as a context cancelled long ago, whatever run the runCtx
// serves now.
type runCtx struct {
	base     context.Context // the monitor's: cancelled by Close; set once
	deadline time.Time       // written before the run starts, under mu

	mu   sync.Mutex    // protects gen, done, err, stop and writes of deadline
	gen  uint64        // the run this is for; refs of an older gen are of a retired run
	done chan struct{} // made on the first Done call
	err  error         // why the run was cancelled, nil while it runs
	stop func() bool   // unregisters from base; set with done
}

// runRef is the context.Context of one run: a check that keeps its
// context past its return sees that run's end, not the next run's state.
type runRef struct {
	c   *runCtx
	gen uint64
}

var _ context.Context = (*runRef)(nil)

// closedChan is the Done channel of a retired run.
var closedChan = func() chan struct{} { ch := make(chan struct{}); close(ch); return ch }()

// start readies c for a run with the given deadline.
func (c *runCtx) start(base context.Context, deadline time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.base == nil {
		c.base = base
	}
	c.deadline, c.done, c.err, c.stop = deadline, nil, nil, nil
}

// ref returns the context a check of the current run sees.
func (c *runCtx) ref() context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	return &runRef{c: c, gen: c.gen}
}

// retire ends the references to the run (it has returned and been
// cancelled), and reports whether c may serve another run: not if the run
// asked for Done, whose channel someone may still be waiting on.
func (c *runCtx) retire() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	return c.done == nil
}

// live reports whether r is of the run c serves. c.mu must be held.
func (r *runRef) live() bool { return r.c.gen == r.gen }

func (r *runRef) Deadline() (time.Time, bool) {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	if !r.live() {
		return time.Time{}, true // long past: the run is over
	}
	return r.c.deadline, true
}

func (r *runRef) Value(key any) any { return r.c.base.Value(key) }

func (r *runRef) Done() <-chan struct{} {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	if !r.live() {
		return closedChan
	}
	return r.c.doneLocked()
}

// Err reports why the run was cancelled. The monitor's own cancellation
// is seen without a Done call, so a check that only polls Err still stops
// when the monitor closes.
func (r *runRef) Err() error {
	c := r.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if !r.live() {
		return context.Canceled
	}
	if c.err == nil && c.base.Err() != nil {
		c.cancelLocked(context.Canceled)
	}
	return c.err
}

// doneLocked returns a channel closed when the run is cancelled. The first
// call makes it and, unless the run is over already, arranges for Close to
// close it. c.mu must be held.
func (c *runCtx) doneLocked() <-chan struct{} {
	if c.done != nil {
		return c.done
	}
	c.done = make(chan struct{})
	if c.err == nil {
		if err := c.base.Err(); err != nil {
			c.err = err
		}
	}
	if c.err != nil {
		close(c.done)
		return c.done
	}
	c.stop = context.AfterFunc(c.base, func() { c.cancel(context.Canceled) })
	return c.done
}

// cancel ends the run's context with err unless it has ended already, and
// unregisters it from the monitor's.
func (c *runCtx) cancel(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cancelLocked(err)
}

// cancelLocked is cancel with c.mu held. Unregistering from base under
// c.mu is safe: base runs the AfterFunc on a goroutine of its own.
func (c *runCtx) cancelLocked(err error) {
	if c.err != nil {
		return
	}
	c.err = err
	if c.done != nil {
		close(c.done)
	}
	if c.stop != nil {
		c.stop()
	}
}
