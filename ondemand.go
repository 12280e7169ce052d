package vitals

import (
	"context"
	"math"
)

// This file holds what is particular to on-demand checks: a probe runs the
// expired ones (Current), concurrent probes share one run
// (claimUnlessFresh), and each snapshot knows when its first cached result
// expires (refreshAtLocked), so a probe of a fresh snapshot reads no clock
// beyond one comparison.

// Current is [Monitor.Snapshot] for a probe: it first runs the on-demand
// checks whose cached result has expired, sharing runs with concurrent
// callers, and waits for them (each is bounded by its timeout, and by ctx).
// When every check is periodic it is exactly Snapshot.
func (m *Monitor) Current(ctx context.Context) *Snapshot {
	s := m.Snapshot()
	// With no on-demand check, refreshAt is MaxInt64: a probe then reads
	// no clock (a time.Now is a fifth of a cached probe's cost).
	if s.refreshAt == maxInt64 || m.clock.Now().UnixNano() < s.refreshAt {
		return s
	}
	m.refresh(ctx)
	return m.publishDirty()
}

// refresh runs the expired on-demand checks.
func (m *Monitor) refresh(ctx context.Context) {
	var due []*check
	m.mu.Lock()
	for c := range m.onDemand {
		if c.enabledSched {
			due = append(due, c)
		}
	}
	m.mu.Unlock()
	m.runManyUnlessFresh(ctx, due, m.clock.Now().UnixNano())
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

// runManyUnlessFresh is runMany skipping on-demand checks whose result is
// within its TTL at now (unix ns); now 0 skips none.
func (m *Monitor) runManyUnlessFresh(ctx context.Context, checks []*check, now int64) error {
	sem := make(chan struct{}, m.workers)
	calls := make([]*call, 0, len(checks))
	for _, c := range checks {
		cl, fresh := m.claimUnlessFresh(c, true, now)
		if cl == nil {
			continue
		}
		calls = append(calls, cl)
		if !fresh {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			m.abort(c, cl)
			return ctx.Err()
		}
		if !m.enter() {
			<-sem
			m.abort(c, cl)
			return ErrClosed
		}
		// The slot frees when the result is in, not when the goroutine
		// returns: an abandoned run must not hold it.
		cl.onDone = func() { <-sem }
		go func() {
			if m.execute(c, cl, nil) != endAbandoned { // else timedOut released the count
				m.wg.Done()
			}
		}()
	}
	for _, cl := range calls {
		if _, err := cl.wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// refreshAtLocked returns when the first enabled on-demand result among
// states expires (unix ns), MaxInt64 when none will, MinInt64 when one is
// due already. m.pubMu must be held.
func (m *Monitor) refreshAtLocked(states []*CheckState) int64 {
	refreshAt := int64(math.MaxInt64)
	for _, i := range m.pubOnDemand {
		st := states[i]
		if !st.Enabled {
			continue
		}
		exp := int64(math.MinInt64)
		// A stale result is due at once: its time is the expiry's, not a
		// run's, and must not restart the TTL.
		if !st.Last.Time.IsZero() && !st.Stale {
			exp = st.Last.Time.UnixNano() + int64(m.reg[i].cfg.ttl)
		}
		refreshAt = min(refreshAt, exp)
	}
	return refreshAt
}
