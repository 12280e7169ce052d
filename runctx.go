package vitals

import (
	"context"
	"sync"
	"time"
)

// runCtx is the context a check runs with. Its deadline comes from the
// monitor's clock; it is cancelled when the run times out (Err then reports
// context.DeadlineExceeded, as a context.WithTimeout would), when the
// monitor closes, and when the run returns.
//
// It is written by hand rather than made with context.WithCancel because
// most of its cost is paid only when a check asks for Done: a derived
// cancelCtx registers with its parent on every run, which at 100,000 checks
// (10,000 runs a second) was a tenth of the monitor's CPU, while a check
// that never blocks never needs the channel. A check that does call Done
// pays what WithCancel would have cost.
type runCtx struct {
	base     context.Context // the monitor's: cancelled by Close
	deadline time.Time

	mu   sync.Mutex    // protects done, err and stop
	done chan struct{} // made on the first Done call
	err  error         // why the run was cancelled, nil while it runs
	stop func() bool   // unregisters from base; set with done
}

var _ context.Context = (*runCtx)(nil)

func (c *runCtx) Deadline() (time.Time, bool) { return c.deadline, true }

func (c *runCtx) Value(key any) any { return c.base.Value(key) }

// Done returns a channel closed when the run is cancelled. The first call
// makes it and, unless the run is over already, arranges for Close to
// close it.
func (c *runCtx) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
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

// Err reports why the run was cancelled. The monitor's own cancellation is
// seen without a Done call, so a check that only polls Err still stops
// when the monitor closes.
func (c *runCtx) Err() error {
	c.mu.Lock()
	err := c.err
	c.mu.Unlock()
	if err != nil {
		return err
	}
	if c.base.Err() != nil {
		c.cancel(context.Canceled)
		c.mu.Lock()
		err = c.err
		c.mu.Unlock()
	}
	return err
}

// cancel ends the run's context with err unless it has ended already, and
// unregisters it from the monitor's.
func (c *runCtx) cancel(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = err
	if c.done != nil {
		close(c.done)
	}
	stop := c.stop
	c.mu.Unlock()
	if stop != nil {
		stop()
	}
}
