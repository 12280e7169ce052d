package vitals

import (
	"context"
	"errors"
	"slices"
	"time"
)

// Start begins running periodic checks: one scheduler goroutine and
// [Options.Workers] workers. It returns an error if the monitor was started
// or closed before.
func (m *Monitor) Start() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.closing:
		return ErrClosed
	case m.started:
		return errors.New("vitals: monitor already started")
	}
	now := m.clock.Now()
	m.started, m.startedAt = true, now
	// A deep queue lets the scheduler hand over a whole batch of due runs
	// and sleep: with a queue as short as the pool, each hand-off past the
	// first few blocked it and every run cost two goroutine switches. The
	// order of runs and the bound on work in flight are unchanged.
	m.jobs = make(chan *check, max(m.workers, jobQueue))
	m.schedStop = make(chan struct{})
	m.schedDone = make(chan struct{})
	// One entry per periodic check: sized at once, not by doubling (a
	// quarter of a 100,000-entry timetable would be slack).
	m.heap = slices.Grow(m.heap, len(m.checks)-len(m.onDemand))
	for _, c := range m.checks {
		if c.enabledSched {
			m.scheduleFirstLocked(c, now, true)
		}
	}
	m.wg.Add(1 + m.workers)
	go func() {
		defer m.wg.Done()
		defer close(m.schedDone)
		m.schedule(m.schedStop, m.jobs)
	}()
	for range m.workers {
		go m.worker(m.jobs)
	}
	m.markDirty(dirtyVisible)
	return nil
}

// Close stops the monitor and waits for the goroutines it started: the
// scheduler, the workers, the listeners (after their queued events are
// delivered) and the runs in flight, whose contexts are cancelled. A run
// that ignores its context is waited for only until its timeout, when it is
// abandoned as at any other time: so Close returns within the longest
// timeout of a run in flight. The goroutine stuck in an abandoned run,
// before Close or during it, is not waited for: Go cannot stop it, and it
// is left to return on its own ([CheckState.Hung] shows it until then,
// [Stats.LateReturns] counts it when it does). Use [Monitor.Shutdown] to
// bound the wait further. Close is idempotent and always returns nil.
func (m *Monitor) Close() error {
	m.beginClose()
	<-m.closeDone
	return nil
}

// Shutdown stops the monitor gracefully: readiness (and the overall status)
// turns Stopping at once while liveness stays as it is, so load balancers
// stop sending traffic but nothing restarts the process; after
// [Options.DrainDelay] the scheduler stops and Shutdown waits for the
// monitor's goroutines, or for ctx. It returns ctx.Err() if ctx ends first;
// the goroutines still finish on their own.
func (m *Monitor) Shutdown(ctx context.Context) error {
	if err := m.Drain(ctx); err != nil {
		m.beginClose()
		return err
	}
	m.beginClose()
	select {
	case <-m.closeDone:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Drain is the first half of [Monitor.Shutdown]: readiness turns Stopping
// at once, then Drain waits [Options.DrainDelay] (or ctx) while checks keep
// running. A server uses it to stop taking traffic before it stops
// serving; Shutdown after Drain does not wait the delay again.
func (m *Monitor) Drain(ctx context.Context) error {
	if !m.stopping.Swap(true) {
		m.markDirty(dirtyVisible)
		m.publishDirty()
	}
	m.mu.Lock()
	drained := m.drained || m.closing // nothing left to drain for
	m.drained = true
	m.mu.Unlock()
	if drained || m.drainDelay <= 0 {
		return nil
	}
	fired := make(chan struct{})
	t := m.clock.AfterFunc(m.drainDelay, func() { close(fired) })
	select {
	case <-fired:
		return nil
	case <-ctx.Done():
		t.Stop()
		return ctx.Err()
	}
}

// beginClose starts stopping everything, once. A goroutine of its own waits
// for the rest and closes closeDone; it ends as soon as they have.
func (m *Monitor) beginClose() {
	m.mu.Lock()
	if m.closing {
		m.mu.Unlock()
		return
	}
	m.closing = true
	started := m.started
	if m.schedTimer != nil {
		m.schedTimer.Stop()
	}
	if started {
		close(m.schedStop)
	}
	m.mu.Unlock()

	if !m.stopping.Swap(true) {
		m.markDirty(dirtyVisible)
	}
	m.cancel()
	go func() {
		if started {
			<-m.schedDone
			close(m.jobs)
		}
		m.wg.Wait()
		// Every run has ended: a result recorded before the cancel above
		// has had its event queued, and the listeners deliver it before
		// they stop.
		m.lmu.Lock()
		for l := range m.listeners {
			l.close()
		}
		m.lmu.Unlock()
		m.lwg.Wait()
		m.publishDirty()
		close(m.closeDone)
	}()
}

// RunOnce runs every enabled check now, in parallel (at most
// [Options.Workers] at a time), waits for them, and returns the resulting
// snapshot — a one-shot health report that needs no Start. A check whose
// run is already in flight is waited for, not run twice. It returns
// ctx.Err() if ctx ends first, with the snapshot as it stands.
func (m *Monitor) RunOnce(ctx context.Context) (*Snapshot, error) {
	m.mu.Lock()
	all := make([]*check, 0, len(m.checks))
	for _, c := range m.checks {
		if c.enabledSched {
			all = append(all, c)
		}
	}
	closing := m.closing
	m.mu.Unlock()
	if closing {
		return m.Snapshot(), ErrClosed
	}
	err := m.runMany(ctx, all)
	if !m.ranOnce.Swap(true) {
		m.markDirty(dirtyVisible)
	}
	return m.publishDirty(), err
}

// runMany runs the checks outside the pool, at most m.workers at a time,
// and waits for all of them or ctx.
func (m *Monitor) runMany(ctx context.Context, checks []*check) error {
	return m.runManyUnlessFresh(ctx, checks, 0)
}

// WaitReady blocks until readiness is OK (Pass or Warn), the monitor stops
// ([ErrClosed]), or ctx ends. Periodic checks run only after Start.
func (m *Monitor) WaitReady(ctx context.Context) error {
	for {
		s := m.Current(ctx)
		if g, _ := s.Group(Readiness); g.Status.OK() {
			return nil
		}
		if m.stopping.Load() {
			return ErrClosed
		}
		var refresh <-chan struct{}
		var t Timer
		if s.refreshAt != maxInt64 {
			ch := make(chan struct{})
			d := time.Duration(s.refreshAt - m.clock.Now().UnixNano())
			t = m.clock.AfterFunc(max(d, time.Millisecond), func() { close(ch) })
			refresh = ch
		}
		select {
		case <-s.Changed():
		case <-refresh:
		case <-ctx.Done():
		}
		if t != nil {
			t.Stop()
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

const maxInt64 = 1<<63 - 1

// DrainDelay returns [Options.DrainDelay].
func (m *Monitor) DrainDelay() time.Duration { return m.drainDelay }
