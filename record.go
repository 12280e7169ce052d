package vitals

import "time"

// This file is how a result reaches everyone: record and expire change a
// check's view under its lock, and announceLocked, their shared tail, lists
// the change for the next publish (touch), then tells observers, listeners
// and the critical-failure hook.

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
	bits := uint32(dirtyLazy)
	if o.changed {
		bits = dirtyVisible
	}
	m.announceLocked(c, o, bits)
	cl.finishLocked(res)
	lastAt := c.lastAt
	c.mu.Unlock()

	if c.cfg.maxAge > 0 {
		m.mu.Lock()
		m.queueExpireLocked(c, lastAt)
		m.mu.Unlock()
	}
}

// touch records that c's view changed from prev to st, for the next
// publish to fold in, then marks the snapshot out of date. Every change of
// a check's view must be followed by a touch while c.mu is still held, so
// that the touches of one check are listed in the order of its views.
func (m *Monitor) touch(c *check, bits uint32, prev, st *CheckState) {
	e := stateEdit{c: c, prev: prev, st: st, idx: c.idx.Load(), aggChanged: aggKey(prev) != aggKey(st)}
	m.dirtyMu.Lock()
	if len(m.dirty) < m.dirtyLimit {
		m.dirty = append(m.dirty, e)
	} else {
		m.dirtyOverflow = true
	}
	m.dirtyMu.Unlock()
	m.markDirty(bits)
}

// markDirty records that the published snapshot is out of date. A visible
// change wakes the scheduler so it publishes promptly; readers publish it
// themselves if they get there first.
func (m *Monitor) markDirty(bits uint32) {
	if bits&dirtyLazy != 0 {
		m.lazyGen.Add(1)
	}
	if bits&dirtyVisible != 0 {
		m.visGen.Add(1)
		m.wakeScheduler()
	}
}

// expire handles a max-age entry: it marks the result stale if it is, and
// otherwise queues another look at the newer result's expiry.
func (m *Monitor) expire(c *check, now time.Time) {
	c.mu.Lock()
	o, expired := c.expireLocked(now)
	if expired {
		m.announceLocked(c, o, dirtyVisible) // Stale shows, whether or not the status moved
	}
	c.mu.Unlock()
	m.mu.Lock()
	defer m.mu.Unlock()
	c.expireQueued = false
	// Re-read under both locks: a result recorded meanwhile (whose own
	// queueing saw expireQueued still set) needs its expiry queued here.
	c.mu.Lock()
	lastAt, stale := c.lastAt, c.view.Load().Stale
	c.mu.Unlock()
	if !stale && lastAt != 0 {
		m.queueExpireLocked(c, lastAt)
	}
}

// announceLocked is the shared tail of record and expire: it lists the
// change o made to c's view for the next publish, with bits saying whether
// it is visible, then tells observers, listeners (when the status moved)
// and the critical-failure hook (when the threshold was crossed). c.mu must
// be held: the touch comes before anyone can learn of the change, so a
// snapshot taken in reaction includes it, and one check's announcements
// keep the order of its results.
func (m *Monitor) announceLocked(c *check, o outcome, bits uint32) {
	m.touch(c, bits, o.edit.prev, o.edit.st)
	m.obs.notify(c.view.Load())
	if o.changed {
		m.emit(o.ev)
	}
	if o.crossed {
		m.criticalFailure(o.ev)
	}
}
