package vitals

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"
)

// Run states of a call.
const (
	runRunning uint32 = iota
	runFinished
	runAbandoned
)

// call is one run of a check. At most one exists per check at a time
// (check.cur), which gives both "one run in flight" and singleflight: an
// on-demand probe that finds a run in flight waits for it instead of
// starting another.
type call struct {
	state  atomic.Uint32
	pooled bool          // runs on a pool worker, which is replaced if the run is abandoned
	done   chan struct{} // closed when res is set; created only when someone waits
	res    Result
	set    bool // res is final (guarded by the check's mu)
	cancel context.CancelCauseFunc
	onDone func() // called once the result is set, if not nil
	c      *check
	ctx    runCtx // the run's context, in the same allocation
}

// finishLocked publishes the call's result to its waiters. The check's mu
// must be held.
func (cl *call) finishLocked(res Result) {
	cl.res, cl.set = res, true
	if cl.done != nil {
		close(cl.done)
	}
	if cl.onDone != nil {
		cl.onDone()
	}
}

// runCtx is the context a check runs with. Its deadline comes from the
// monitor's clock, and Err reports context.DeadlineExceeded once the run has
// timed out, as a context.WithTimeout would.
type runCtx struct {
	context.Context
	deadline time.Time
	timedOut atomic.Bool
}

func (c *runCtx) Deadline() (time.Time, bool) {
	if d, ok := c.Context.Deadline(); ok && d.Before(c.deadline) {
		return d, true
	}
	return c.deadline, true
}

func (c *runCtx) Err() error {
	err := c.Context.Err()
	if err != nil && c.timedOut.Load() {
		return context.DeadlineExceeded
	}
	return err
}

// claim starts a run of c unless one is in flight. It returns the run in
// flight (to wait for) or the new one (to execute) and whether it is new.
func (m *Monitor) claim(c *check, pooled, wait bool) (cl *call, fresh bool) {
	return m.claimUnlessFresh(c, pooled, wait, 0)
}

// claimUnlessFresh is claim, except that it returns (nil, false) when no
// run is in flight and the last result was recorded after freshAfter (unix
// ns): the check and the decision not to run it happen under one lock, so
// concurrent on-demand probes cannot both decide to run.
func (m *Monitor) claimUnlessFresh(c *check, pooled, wait bool, freshAfter int64) (cl *call, fresh bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == nil && freshAfter != 0 && c.lastAt != 0 && c.lastAt > freshAfter-int64(c.cfg.ttl) {
		return nil, false
	}
	if c.cur != nil {
		cl = c.cur
		if wait && cl.done == nil {
			cl.done = make(chan struct{})
			if cl.set {
				// An abandoned run: its timeout result is final.
				close(cl.done)
			}
		}
		return cl, false
	}
	cl = &call{pooled: pooled}
	if wait {
		cl.done = make(chan struct{})
	}
	c.cur = cl
	return cl, true
}

// execute runs c once in the calling goroutine and records the result. It
// reports whether the run was abandoned at its timeout, in which case a
// pooled caller must exit: a replacement worker has already been started.
// w is the calling pool worker, whose timer is reused, or nil.
func (m *Monitor) execute(c *check, cl *call, w *worker) (abandoned bool) {
	start := m.clock.Now()
	inner, cancel := context.WithCancelCause(m.baseCtx)
	cl.c, cl.cancel = c, cancel
	cl.ctx = runCtx{Context: inner, deadline: start.Add(c.info.Timeout)}
	var timer Timer
	if w != nil {
		timer = w.arm(m, cl, c.info.Timeout)
	} else {
		timer = m.clock.AfterFunc(c.info.Timeout, func() { m.timeout(cl) })
	}

	res := safeCheck(&cl.ctx, c.checker)

	timer.Stop()
	if !cl.state.CompareAndSwap(runRunning, runFinished) {
		cancel(nil)
		m.lateReturn(c, cl)
		return true
	}
	cancel(nil)
	now := m.clock.Now()
	m.record(c, cl, normalize(res, now.Sub(start), now), false)
	return false
}

// worker is a pool goroutine's own state: one timeout timer, reset for
// each run instead of allocated (100,000 checks at 10s make 10,000 runs a
// second).
type worker struct {
	timer Timer
	cur   atomic.Pointer[call] // the run the timer is armed for
}

// arm sets w's timer to fire d from now for cl.
func (w *worker) arm(m *Monitor, cl *call, d time.Duration) Timer {
	w.cur.Store(cl)
	if w.timer == nil {
		w.timer = m.clock.AfterFunc(d, func() { w.fire(m) })
	} else {
		w.timer.Reset(d)
	}
	return w.timer
}

// fire is the worker's timer going off. A stop can race with the timer
// firing, so the call may be a later run than the one the timer was set
// for: a run not yet at its deadline is left alone (its own firing comes).
func (w *worker) fire(m *Monitor) {
	cl := w.cur.Load()
	if cl == nil || m.clock.Now().Before(cl.ctx.deadline) {
		return
	}
	m.timeout(cl)
}

// timeout abandons a run that outlived its timeout: the check reports StatusFail
// now, its context is cancelled, and the goroutine stuck in it is left to
// return on its own. A pooled run is replaced by a new worker so the pool
// keeps its size.
func (m *Monitor) timeout(cl *call) {
	if !m.enter() {
		return
	}
	defer m.wg.Done()
	if !cl.state.CompareAndSwap(runRunning, runAbandoned) {
		return
	}
	c := cl.c
	cl.ctx.timedOut.Store(true)
	d := c.info.Timeout
	err := fmt.Errorf("%w after %v: %w", ErrTimeout, d, context.DeadlineExceeded)
	cl.cancel(err)
	start := cl.ctx.deadline.Add(-d)
	res := Result{Status: StatusFail, Message: "timed out after " + d.String(), Err: err, Duration: d, Time: start.Add(d)}
	m.record(c, cl, res, true)
	if cl.pooled {
		m.startWorker()
	}
}

// enter registers a short-lived goroutine with the monitor's WaitGroup,
// unless the monitor is closing; it reports whether it did.
func (m *Monitor) enter() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closing {
		return false
	}
	m.wg.Add(1)
	return true
}

// lateReturn is called when an abandoned run finally returns: the check may
// run again. Its result is stale and dropped.
func (m *Monitor) lateReturn(c *check, cl *call) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == cl {
		c.cur = nil
	}
	c.edit(func(st *CheckState) { st.Stats.LateReturns++ })
	m.touch(c, dirtyVisible) // Hung cleared
}

// record stores a result and tells whoever waits for it. A result that
// arrives after Close began (its run was cancelled by Close, not failed by
// its dependency) or after the check was removed is handed to waiters but
// not recorded: shutting down must not turn liveness red or fire hooks.
func (m *Monitor) record(c *check, cl *call, res Result, timedOut bool) {
	c.mu.Lock()
	if !timedOut && c.cur == cl {
		c.cur = nil
	}
	if m.baseCtx.Err() != nil || c.gone {
		cl.finishLocked(res)
		c.mu.Unlock()
		return
	}
	c.lastAt = m.clock.Now().UnixNano()
	o := c.recordLocked(res, timedOut)
	// Mark the change before anyone can learn of it (listeners, observers,
	// waiters), so a snapshot taken in reaction includes it.
	if o.changed {
		m.touch(c, dirtyVisible)
	} else {
		m.touch(c, dirtyLazy)
	}
	m.obs.notify(c.view.Load())
	if o.changed {
		m.emit(o.ev)
	}
	if o.crossed {
		m.criticalFailure(o.ev)
	}
	cl.finishLocked(res)
	lastAt := c.lastAt
	c.mu.Unlock()

	if c.cfg.maxAge > 0 {
		m.mu.Lock()
		m.queueExpireLocked(c, lastAt)
		m.mu.Unlock()
	}
}

// wait blocks until cl has a result or ctx ends. A call whose result was
// recorded already (including an abandoned one) returns at once.
func (cl *call) wait(ctx context.Context) (Result, error) {
	select {
	case <-cl.done:
		return cl.res, nil
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// safeCheck runs the checker, turning a panic into a StatusFail result.
func safeCheck(ctx context.Context, ch Checker) (res Result) {
	defer func() {
		if v := recover(); v != nil {
			err := &PanicError{Value: v, Stack: debug.Stack()}
			res = Result{Status: StatusFail, Message: err.Error(), Err: err}
		}
	}()
	return ch.Check(ctx)
}

// startWorker adds one goroutine to the pool, unless the monitor is closing.
func (m *Monitor) startWorker() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closing || m.jobs == nil {
		return
	}
	m.wg.Add(1)
	go m.worker(m.jobs)
}

// worker runs periodic checks handed over by the scheduler. It exits when
// the jobs channel closes, or after a run that was abandoned (a replacement
// was started then).
func (m *Monitor) worker(jobs <-chan *check) {
	defer m.wg.Done()
	var w worker
	for c := range jobs {
		if m.baseCtx.Err() != nil {
			continue // closing: drain without running
		}
		cl, fresh := m.claim(c, true, false)
		if !fresh {
			m.skipped(c)
			continue
		}
		if m.execute(c, cl, &w) {
			return
		}
	}
}

func (m *Monitor) skipped(c *check) {
	c.mu.Lock()
	c.edit(func(st *CheckState) { st.Stats.Skipped++ })
	c.mu.Unlock()
	m.touch(c, dirtyLazy)
}

// abort releases a claimed call that could not be started.
func (m *Monitor) abort(c *check, cl *call) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == cl {
		c.cur = nil
	}
	cl.finishLocked(Result{Status: StatusFail, Message: "monitor closed", Err: ErrClosed})
}
