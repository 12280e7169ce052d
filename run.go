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
		spare = &call{}
	}
	c.cur = spare
	return spare, true
}

// runEnd is how a run ended for the goroutine that executed it.
type runEnd uint8

const (
	endReturned runEnd = iota // recorded; the goroutine carries on
	// endHanded: recorded, but the run outlasted the hand-over bound and
	// a replacement worker was started, so a pool worker must exit.
	endHanded
	// endAbandoned: the run outlasted its timeout and [Monitor.timedOut]
	// recorded it; the goroutine's count in m.wg went over to timedOut
	// with the abandonment, so the goroutine exits without Done.
	endAbandoned
)

// execute runs c once in the calling goroutine, which holds a count in
// m.wg, and records the result; it reports how the run ended (see runEnd).
// w is the calling pool worker, whose timer is reused, or nil.
//
// It reads the clock twice: at 10,000 runs a second every time.Now counts.
func (m *Monitor) execute(c *check, cl *call, w *worker) runEnd {
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

	handed := false
	if w != nil {
		handed = w.end(len(m.jobs) == 0)
	} else {
		timer.Stop()
	}
	if !cl.state.CompareAndSwap(runRunning, runFinished) {
		m.lateReturn(c, cl)
		return endAbandoned
	}
	cl.ctx.cancel(context.Canceled)
	now := m.clock.Now()
	if res.Err != nil && !now.Before(cl.ctx.deadline) {
		// The run's deadline ended it, whatever the driver called it
		// ("i/o timeout"): the same errors match as for an abandoned run.
		res.Err = &lateError{err: res.Err}
	}
	m.record(c, cl, normalize(res, now.Sub(start), now), false, now)
	if handed {
		return endHanded
	}
	return endReturned
}

// lateError is the Err of a failed run that returned at or after its
// deadline, before the monitor abandoned it: the check's own error, which
// also matches [ErrTimeout] and context.DeadlineExceeded.
type lateError struct{ err error }

func (e *lateError) Error() string   { return e.err.Error() }
func (e *lateError) Unwrap() []error { return []error{e.err, ErrTimeout, context.DeadlineExceeded} }

// fastAgain lets a check that was marked slow run on the pool again, now
// that a run of its own returned within the hand-over bound.
func (m *Monitor) fastAgain(c *check) {
	m.mu.Lock()
	c.cfg.slow = false
	m.mu.Unlock()
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

// worker is a pool goroutine's own state: one timer for all its runs,
// which both hands a slow run over and abandons a hung one.
//
// A run that outlasts the monitor's hand-over bound (its tick) stops
// counting against the pool: a replacement worker is started and this
// goroutine, still inside the run, leaves the pool once the run returns.
// So a due check waits for a worker at most about one tick, however many
// runs are stuck on dependencies that time out or never answer, and the
// goroutines are the pool's plus at most one per run in flight. Raising the
// worker count would only move the point where the pool fills.
//
// 100,000 checks at 10s make 10,000 runs a second, and resetting and
// stopping a runtime timer for each cost more than a no-op check itself,
// so while runs follow each other the timer is left armed and moved only
// when a run's hand-over point or deadline comes before it: when it fires
// early for the run in progress (or for none), it is set again for that
// run (or left off). It is stopped when the worker waits for work.
type worker struct {
	mu      sync.Mutex // protects the fields below
	timer   Timer
	cur     *call // the run in progress, nil between runs
	curAt   int64 // unix ns cur started at
	armedAt int64 // unix ns the timer fires at; 0 when it is not armed
	handed  bool  // cur was handed over: the pool has a replacement for this worker
}

// begin makes cl w's run in progress, started at now, and makes sure the
// timer fires by its hand-over point and its deadline.
func (w *worker) begin(m *Monitor, cl *call, now time.Time) {
	n := now.UnixNano()
	at := min(cl.ctx.deadline.UnixNano(), n+m.handoverAfter())
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cur, w.curAt = cl, n
	if w.armedAt != 0 && w.armedAt <= at {
		return
	}
	w.armedAt = at
	d := time.Duration(at - n)
	if w.timer == nil {
		w.timer = m.clock.AfterFunc(d, func() { w.fire(m) })
	} else {
		w.timer.Reset(d)
	}
}

// end records that w's run returned, and reports whether it had been
// handed over, in which case the worker must leave the pool. With no run
// waiting (idle), the worker is about to wait for one and its timer is
// stopped now, before the result is recorded: whoever sees the result sees
// no timer left for a run that is over (tests stepping a fake clock from
// timer to timer rely on it).
func (w *worker) end(idle bool) (handed bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cur = nil
	if idle {
		w.stopLocked()
	}
	return w.handed
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
	w.stopLocked()
}

func (w *worker) stopLocked() {
	if w.timer != nil && w.armedAt != 0 {
		w.timer.Stop()
	}
	w.armedAt = 0
}

// fire is the worker's timer going off: it hands the run in progress over
// once it has outlasted the hand-over bound, abandons it once it is past
// its deadline, and otherwise sets the timer again for it, or leaves it off
// between runs. The run is abandoned under w.mu: once w.end has let go of
// it, its call may already serve the worker's next run.
func (w *worker) fire(m *Monitor) {
	w.mu.Lock()
	cl := w.cur
	if cl == nil {
		w.armedAt = 0
		w.mu.Unlock()
		return
	}
	now, dl := m.clock.Now().UnixNano(), cl.ctx.deadline.UnixNano()
	if !w.handed {
		if at := w.curAt + m.handoverAfter(); now < at {
			w.armedAt = min(at, dl)
		} else {
			w.handed = m.handOver(cl.c)
		}
	}
	if w.handed {
		w.armedAt = dl
	}
	if now < w.armedAt {
		w.timer.Reset(time.Duration(w.armedAt - now))
		w.mu.Unlock()
		return
	}
	w.armedAt = 0
	replace := !w.handed
	abandoned := m.abandon(cl)
	if abandoned {
		// The pool gets its replacement now: a fire still queued for this
		// run (Reset can queue one while another waits for w.mu) must not
		// hand it over for a second.
		w.handed = true
	}
	w.mu.Unlock()
	if abandoned {
		m.timedOut(cl, replace)
	}
}

// backlogHandover is how long a pooled run may take while runs wait for a
// worker. Until a check has run once nothing tells a hung one from a
// healthy one, so at Start, when every check is due at once, each hung
// check holds a worker until it is handed over: at the tick's 10ms with 8
// workers, 1,000 of them kept a healthy check waiting over a second. A run
// taking a millisecond is a network round trip, not a computation, and
// costs a goroutine to hand over.
const backlogHandover = int64(time.Millisecond)

// handoverAfter is how long, in ns, a pooled run that starts now may take
// before it hands its worker over: the monitor's tick, or backlogHandover
// while runs wait in the queue.
func (m *Monitor) handoverAfter() int64 {
	h := m.handover.Load()
	if len(m.jobs) > 0 {
		h = min(h, backlogHandover)
	}
	return h
}

// handOver takes a slow run's worker out of the pool: it starts a
// replacement and marks the check slow, so its next runs start on their own
// goroutine instead of taking a worker for a tick first. It reports false
// when the monitor is closing (no replacement can be started, and none is
// needed).
func (m *Monitor) handOver(c *check) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closing || m.jobs == nil {
		return false
	}
	c.cfg.slow = true
	m.wg.Add(1)
	go m.worker(m.jobs)
	return true
}

// timeout abandons a run of an unpooled call that outlived its timeout.
func (m *Monitor) timeout(cl *call) {
	if m.abandon(cl) {
		m.timedOut(cl, false)
	}
}

// abandon marks a run abandoned at its timeout unless it has returned. When
// it reports true, the caller must call [Monitor.timedOut], which takes
// over the count in m.wg of the goroutine stuck in the run: Close waits for
// the record of the timeout, not for a check that ignores its context. It
// needs no count of its own, so a run is abandoned at its timeout also while
// the monitor closes.
func (m *Monitor) abandon(cl *call) bool {
	return cl.state.CompareAndSwap(runRunning, runAbandoned)
}

// timedOut records an abandoned run: the check reports StatusFail now, its
// context is cancelled, and the goroutine stuck in it is left to return on
// its own, no longer counted in m.wg (the count is released here). With
// replace (a pool worker's run that was not handed over), a new worker is
// started so the pool keeps its size. The check is marked
// slow either way: its next run starts on a goroutine of its own.
func (m *Monitor) timedOut(cl *call, replace bool) {
	defer m.wg.Done()
	c := cl.c
	m.mu.Lock()
	c.cfg.slow = true
	m.mu.Unlock()
	d := c.info.Timeout
	err := fmt.Errorf("%w after %v: %w", ErrTimeout, d, context.DeadlineExceeded)
	cl.ctx.cancel(context.DeadlineExceeded)
	start := cl.ctx.deadline.Add(-d)
	res := Result{Status: StatusFail, Message: "timed out after " + d.String(), Err: err, Duration: d, Time: start.Add(d)}
	m.record(c, cl, res, true, m.clock.Now())
	if replace {
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
// the jobs channel closes, or after a run that was handed over or abandoned
// (a replacement was started then).
func (m *Monitor) worker(jobs <-chan *check) {
	var w worker
	defer w.stop()
	var spare *call // this worker's call of its last run, to reuse
	for {
		c, ok := w.next(jobs)
		if !ok {
			m.wg.Done()
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
		switch m.execute(c, cl, &w) {
		case endHanded:
			m.wg.Done()
			return
		case endAbandoned:
			return // timedOut released this goroutine's count
		}
		if cl.recycle() {
			spare = cl
		}
	}
}

// runOwn starts a run of a slow check on a goroutine of its own, unless a
// run of it is in flight (then the run is skipped, as on a worker). The
// claim is made here, on the scheduler, so a check never has a goroutine
// waiting for its own run: goroutines stay bounded by the pool plus one per
// run in flight.
func (m *Monitor) runOwn(c *check) {
	if m.baseCtx.Err() != nil || !c.view.Load().Enabled {
		return
	}
	cl, fresh := m.claimPooled(c, nil)
	if !fresh {
		m.skipped(c)
		return
	}
	if !m.enter() {
		m.abort(c, cl)
		return
	}
	go func() {
		start := m.clock.Now()
		if m.execute(c, cl, nil) == endAbandoned {
			return // timedOut released this goroutine's count
		}
		if m.clock.Now().Sub(start) < time.Duration(m.handover.Load()) {
			m.fastAgain(c)
		}
		m.wg.Done()
	}()
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
