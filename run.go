package vitals

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
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
	set    bool   // res is final (guarded by the check's mu)
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

// claimPooled starts a run of c for a pool worker, unless one is in
// flight, and reports whether it did. The run uses spare, the worker's
// call from an earlier run, when it is not nil.
func (m *Monitor) claimPooled(c *check, spare *call) (cl *call, fresh bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != nil {
		return c.cur, false
	}
	if spare == nil {
		spare = &call{pooled: true}
	}
	c.cur = spare
	return spare, true
}

// claimUnlessFresh starts a run of c outside the pool unless one is in
// flight. It returns the run in flight (to wait for) or the new one (to
// execute) and whether it is new; or (nil, false) when no run is in flight
// and the last result was recorded after freshAfter (unix ns, 0 for never
// fresh): the check and the decision not to run it happen under one lock,
// so concurrent on-demand probes cannot both decide to run.
func (m *Monitor) claimUnlessFresh(c *check, wait bool, freshAfter int64) (cl *call, fresh bool) {
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
	cl = &call{}
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
//
// It reads the clock twice: at 10,000 runs a second every time.Now counts.
func (m *Monitor) execute(c *check, cl *call, w *worker) (abandoned bool) {
	start := m.clock.Now()
	cl.c = c
	cl.ctx.start(m.baseCtx, start.Add(c.info.Timeout))
	var timer Timer
	if w != nil {
		w.begin(m, cl, start)
	} else {
		timer = m.clock.AfterFunc(c.info.Timeout, func() { m.timeout(cl) })
	}

	res := safeCheck(cl.ctx.ref(), c.checker)

	if w != nil {
		w.end()
	} else {
		timer.Stop()
	}
	if !cl.state.CompareAndSwap(runRunning, runFinished) {
		m.lateReturn(c, cl)
		return true
	}
	cl.ctx.cancel(context.Canceled)
	now := m.clock.Now()
	m.record(c, cl, normalize(res, now.Sub(start), now), false, now)
	return false
}

// recycle makes a pooled call that has returned and been recorded ready
// for the worker's next run, and reports whether it can be: not when
// someone waited for it (they may still read its result) or its run asked
// for Done (someone may still wait on the channel). Nothing else holds a
// finished call: c.cur and the worker let go of it before it was recorded.
func (cl *call) recycle() bool {
	if !cl.ctx.retire() || cl.done != nil || cl.onDone != nil {
		return false
	}
	cl.state.Store(runRunning)
	cl.res, cl.set, cl.c = Result{}, false, nil
	return true
}

// worker is a pool goroutine's own state: one timeout timer for all its
// runs. 100,000 checks at 10s make 10,000 runs a second, and resetting and
// stopping a runtime timer for each cost more than a no-op check itself,
// so while runs follow each other the timer is left armed and moved only
// when a run's deadline comes before it: when it fires early for the run
// in progress (or for none), it is set again for that run's deadline (or
// left off). It is stopped when the worker waits for work.
type worker struct {
	mu      sync.Mutex // protects the fields below
	timer   Timer
	cur     *call // the run in progress, nil between runs
	armedAt int64 // unix ns the timer fires at; 0 when it is not armed
}

// begin makes cl w's run in progress, started at now, and makes sure the
// timer fires by its deadline.
func (w *worker) begin(m *Monitor, cl *call, now time.Time) {
	dl := cl.ctx.deadline.UnixNano()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cur = cl
	if w.armedAt != 0 && w.armedAt <= dl {
		return
	}
	w.armedAt = dl
	d := time.Duration(dl - now.UnixNano())
	if w.timer == nil {
		w.timer = m.clock.AfterFunc(d, func() { w.fire(m) })
	} else {
		w.timer.Reset(d)
	}
}

// end records that w's run returned.
func (w *worker) end() {
	w.mu.Lock()
	w.cur = nil
	w.mu.Unlock()
}

// next returns the next run from jobs. The timer stays armed while runs
// follow each other and is stopped when the worker has to wait for one.
func (w *worker) next(jobs <-chan *check) (*check, bool) {
	select {
	case c, ok := <-jobs:
		return c, ok
	default:
	}
	w.stop()
	c, ok := <-jobs
	return c, ok
}

// stop stops w's timer, between runs.
func (w *worker) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timer != nil {
		w.timer.Stop()
	}
	w.armedAt = 0
}

// fire is the worker's timer going off: it abandons the run in progress if
// that run is past its deadline, and otherwise sets the timer again for
// it, or leaves it off between runs. The run is abandoned under w.mu: once
// w.end has let go of it, its call may already serve the worker's next run.
func (w *worker) fire(m *Monitor) {
	w.mu.Lock()
	cl := w.cur
	if cl == nil {
		w.armedAt = 0
		w.mu.Unlock()
		return
	}
	now, dl := m.clock.Now().UnixNano(), cl.ctx.deadline.UnixNano()
	if now < dl {
		w.armedAt = dl
		w.timer.Reset(time.Duration(dl - now))
		w.mu.Unlock()
		return
	}
	w.armedAt = 0
	abandoned := m.abandon(cl)
	w.mu.Unlock()
	if abandoned {
		m.timedOut(cl)
	}
}

// timeout abandons a run of an unpooled call that outlived its timeout.
func (m *Monitor) timeout(cl *call) {
	if m.abandon(cl) {
		m.timedOut(cl)
	}
}

// abandon marks a run abandoned at its timeout unless it has returned, or
// the monitor is closing. When it reports true, the caller must call
// [Monitor.timedOut].
func (m *Monitor) abandon(cl *call) bool {
	if !m.enter() {
		return false
	}
	if !cl.state.CompareAndSwap(runRunning, runAbandoned) {
		m.wg.Done()
		return false
	}
	return true
}

// timedOut records an abandoned run: the check reports StatusFail now, its
// context is cancelled, and the goroutine stuck in it is left to return on
// its own. A pooled run is replaced by a new worker so the pool keeps its
// size.
func (m *Monitor) timedOut(cl *call) {
	defer m.wg.Done()
	c := cl.c
	d := c.info.Timeout
	err := fmt.Errorf("%w after %v: %w", ErrTimeout, d, context.DeadlineExceeded)
	cl.ctx.cancel(context.DeadlineExceeded)
	start := cl.ctx.deadline.Add(-d)
	res := Result{Status: StatusFail, Message: "timed out after " + d.String(), Err: err, Duration: d, Time: start.Add(d)}
	m.record(c, cl, res, true, m.clock.Now())
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
	prev, st := c.edit(func(st *CheckState) { st.Stats.LateReturns++ })
	m.touch(c, dirtyVisible, prev, st) // Hung cleared
}

// record stores a result and tells whoever waits for it. A result that
// arrives after Close began (its run was cancelled by Close, not failed by
// its dependency) or after the check was removed is handed to waiters but
// not recorded: shutting down must not turn liveness red or fire hooks.
// now is the time of recording, which becomes the check's lastAt.
func (m *Monitor) record(c *check, cl *call, res Result, timedOut bool, now time.Time) {
	c.mu.Lock()
	if !timedOut && c.cur == cl {
		c.cur = nil
	}
	if m.baseCtx.Err() != nil || c.gone {
		cl.finishLocked(res)
		c.mu.Unlock()
		return
	}
	c.lastAt = now.UnixNano()
	o := c.recordLocked(res, timedOut)
	// Mark the change before anyone can learn of it (listeners, observers,
	// waiters), so a snapshot taken in reaction includes it.
	if o.changed {
		m.touch(c, dirtyVisible, o.edit.prev, o.edit.st)
	} else {
		m.touch(c, dirtyLazy, o.edit.prev, o.edit.st)
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
	defer w.stop()
	var spare *call // this worker's call of its last run, to reuse
	for {
		c, ok := w.next(jobs)
		if !ok {
			return
		}
		if m.baseCtx.Err() != nil {
			continue // closing: drain without running
		}
		if !c.view.Load().Enabled {
			continue // disabled while it waited in the queue
		}
		cl, fresh := m.claimPooled(c, spare)
		if !fresh {
			m.skipped(c)
			continue
		}
		spare = nil
		if m.execute(c, cl, &w) {
			return
		}
		if cl.recycle() {
			spare = cl
		}
	}
}

func (m *Monitor) skipped(c *check) {
	c.mu.Lock()
	defer c.mu.Unlock()
	prev, st := c.edit(func(st *CheckState) { st.Stats.Skipped++ })
	m.touch(c, dirtyLazy, prev, st)
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
