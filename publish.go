package vitals

import (
	"cmp"
	"slices"
	"time"
)

// publishDirty publishes if anything at all changed, and returns the
// current snapshot.
func (m *Monitor) publishDirty() *Snapshot {
	if s := m.snap.Load(); s.visGen == m.visGen.Load() && s.lazyGen == m.lazyGen.Load() {
		return s
	}
	m.pubMu.Lock()
	defer m.pubMu.Unlock()
	if s := m.snap.Load(); s.visGen == m.visGen.Load() && s.lazyGen == m.lazyGen.Load() {
		return s
	}
	return m.publishLocked()
}

// maybePublish is the scheduler's publish: at once after a visible change,
// at most every lazyPublishEvery for counters and timestamps. The lazy
// publish is for memory as much as for freshness: a snapshot keeps the
// states it was built from alive, so an old one would hold a second copy
// of every check that has run since.
func (m *Monitor) maybePublish(now time.Time) {
	if !m.behind(m.snap.Load(), true) {
		return
	}
	m.pubMu.Lock()
	defer m.pubMu.Unlock()
	if m.behind(m.snap.Load(), true) {
		m.publishLocked()
	}
}

func (m *Monitor) publish() *Snapshot {
	m.pubMu.Lock()
	defer m.pubMu.Unlock()
	return m.publishLocked()
}

// agg accumulates the statuses of a group's enabled members.
type agg struct {
	counts        [numStatuses]int
	total         int
	criticalFail  int
	unknown       int
	startupNotYet int // startup members that have never passed
}

func (a *agg) add(st *CheckState, sign int) {
	a.total += sign
	a.counts[st.Status] += sign
	switch {
	case st.Status == StatusFail && st.Critical:
		a.criticalFail += sign
	case st.Status == StatusUnknown:
		a.unknown += sign
	}
	if st.Stats.lastSuccess == 0 {
		a.startupNotYet += sign
	}
}

// status applies the aggregation rule: a critical Fail fails the group; a
// check that has not run yet makes it Starting (unless unknowns are
// ignored); a non-critical Fail or any Warn degrades it to Warn.
func (a *agg) status(ignoreUnknown bool) Status {
	switch {
	case a.criticalFail > 0:
		return StatusFail
	case a.unknown > 0 && !ignoreUnknown:
		return StatusStarting
	case a.counts[StatusFail] > 0 || a.counts[StatusWarn] > 0:
		return StatusWarn
	}
	return StatusPass
}

// publishLocked builds and publishes a new snapshot. m.pubMu must be held.
//
// It is incremental: the group aggregates of the last snapshot are kept,
// and only the checks touched since (see [Monitor.touch]) are folded out
// and back in, so a publish costs a copy of the pointer slice plus work
// per changed check, not per check. A change to the registry rebuilds
// everything, and so does a list of changes longer than the registry (no
// reader for a long while).
func (m *Monitor) publishLocked() *Snapshot {
	// Read the generations before the state: a change racing with this
	// publish bumps them after, and the next reader publishes again.
	visGen, lazyGen := m.visGen.Load(), m.lazyGen.Load()
	now := m.clock.Now()
	rebuild, started := m.syncRegistryLocked()
	states := m.nextStatesLocked(rebuild)
	refreshAt := m.refreshAtLocked(states)
	startupDone, stopping := m.lifecycleLocked(started), m.stopping.Load()
	groups := m.groupsLocked(startupDone, stopping)

	m.version++
	s := &Snapshot{startupDone: startupDone, stopping: stopping, visGen: visGen, lazyGen: lazyGen,
		Version: m.version, Time: now, Started: cmp.Or(started, m.createdAt), Info: *m.info.Load(),
		Status: groups[""].Status, checks: states, groups: groups,
		refreshAt: refreshAt, next: make(chan struct{}),
	}
	m.lastPub.Store(now.UnixNano())
	if old := m.snap.Swap(s); old != nil {
		close(old.next)
	}
	return s
}

// syncRegistryLocked rebuilds the sorted registry when checks were added
// or removed since the last publish, and reports whether it did, with the
// time the monitor started (zero before Start). m.pubMu must be held.
func (m *Monitor) syncRegistryLocked() (rebuilt bool, started time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.reg != nil && m.regBuilt == m.regVersion {
		return false, m.startedAt
	}
	reg := make([]*check, 0, len(m.checks))
	for _, c := range m.checks {
		reg = append(reg, c)
	}
	slices.SortFunc(reg, func(a, b *check) int { return cmp.Compare(a.info.Name, b.info.Name) })
	for i, c := range reg {
		c.idx.Store(int32(i))
	}
	m.reg, m.regBuilt = reg, m.regVersion
	return true, m.startedAt
}

// nextStatesLocked returns the next snapshot's states, in registry order,
// with the aggregates brought up to them: the last snapshot's with the
// listed changes applied, or every check's current state when the registry
// was rebuilt or the list overflowed. m.pubMu must be held.
func (m *Monitor) nextStatesLocked(rebuild bool) []*CheckState {
	// Take the touched checks before loading any state: a check touched
	// from now on is in the next list, and folding it in twice is harmless.
	m.dirtyMu.Lock()
	touched, overflow := m.dirty, m.dirtyOverflow
	m.dirty, m.dirtyOverflow = m.dirtySpare[:0], false
	m.dirtyLimit = max(len(m.reg), 1024)
	m.dirtyMu.Unlock()

	var states []*CheckState
	if prev := m.snap.Load(); rebuild || overflow || prev == nil {
		states = m.rebuildLocked()
	} else {
		states = slices.Clone(prev.checks)
		for _, e := range touched {
			m.applyLocked(states, e)
		}
	}
	clear(touched)
	m.dirtySpare = touched
	return states
}

// lifecycleLocked latches startup as complete once every startup check has
// passed once, and reports whether it is. With no startup checks it
// completes when the monitor starts or first runs its checks (not at New:
// checks are usually added after). m.pubMu must be held.
func (m *Monitor) lifecycleLocked(started time.Time) (startupDone bool) {
	if su := m.pubAggs[Startup]; !m.startupDone.Load() && su.startupNotYet == 0 && (su.total > 0 || !started.IsZero() || m.ranOnce.Load()) {
		m.startupDone.Store(true)
	}
	return m.startupDone.Load()
}

// groupsLocked turns the aggregates into the snapshot's groups, with the
// lifecycle applied. m.pubMu must be held.
func (m *Monitor) groupsLocked(startupDone, stopping bool) map[string]GroupState {
	groups := make(map[string]GroupState, len(m.pubAggs))
	for name, a := range m.pubAggs {
		if a.total == 0 && !isBuiltinGroup(name) {
			continue // every member disabled: not a group now
		}
		st := groupStatus(name, a, startupDone, stopping)
		groups[name] = GroupState{Name: name, Status: st, counts: a.counts, Total: a.total}
	}
	return groups
}

// stateEdit is one change of a check's view, as [Monitor.touch] lists it
// for the next publish.
type stateEdit struct {
	c          *check
	prev, st   *CheckState // the view replaced and the view installed
	idx        int32       // c's position in Monitor.reg when touched
	aggChanged bool        // prev and st count differently in the aggregates
}

// applyLocked folds one listed change into states, the next snapshot's
// states, and the aggregates. m.pubMu must be held.
//
// The common case reads nothing of the check: when the slot still holds
// the view this change replaced, the change is applied from the list
// alone. With 100,000 checks the list is the only memory of a publish that
// is still in the cache; loading each changed check and its states instead
// cost most of the publish. Otherwise (a rebuild has read a newer view
// already, or idx was read before a rebuild renumbered the registry) the
// slot is brought up to the check's current view, and a later listed
// change of the same check then finds nothing to do.
func (m *Monitor) applyLocked(states []*CheckState, e stateEdit) {
	i := e.idx
	if int(i) >= len(m.reg) || m.reg[i] != e.c {
		if i = e.c.idx.Load(); int(i) >= len(m.reg) || m.reg[i] != e.c {
			return // removed since; the registry change rebuilds
		}
	}
	if states[i] == e.prev {
		if e.aggChanged {
			m.foldLocked(e.prev, -1)
			m.foldLocked(e.st, 1)
		}
		states[i] = e.st
		return
	}
	old, st := states[i], e.c.view.Load()
	if old == st {
		return
	}
	m.foldLocked(old, -1)
	m.foldLocked(st, 1)
	states[i] = st
}

// aggKey is what of a state the aggregates count (see agg.add); the
// check's groups and criticality never change.
func aggKey(st *CheckState) uint32 {
	k := uint32(st.Status)
	if st.Enabled {
		k |= 1 << 8
	}
	if st.Stats.lastSuccess == 0 {
		k |= 1 << 9
	}
	return k
}

// rebuildLocked recomputes the aggregates and the on-demand index from
// every check's current state, and returns the states. m.pubMu must be
// held.
func (m *Monitor) rebuildLocked() []*CheckState {
	m.pubAggs = map[string]*agg{"": {}, Liveness: {}, Readiness: {}, Startup: {}}
	m.pubOnDemand = m.pubOnDemand[:0]
	states := make([]*CheckState, len(m.reg))
	for i, c := range m.reg {
		st := c.view.Load()
		states[i] = st
		m.foldLocked(st, 1)
		if c.info.Interval == 0 {
			m.pubOnDemand = append(m.pubOnDemand, int32(i))
		}
	}
	return states
}

// foldLocked adds (sign 1) or removes (sign -1) one check state's share of
// the aggregates of its groups and of the whole service. m.pubMu must be
// held.
func (m *Monitor) foldLocked(st *CheckState, sign int) {
	if !st.Enabled {
		return
	}
	m.pubAggs[""].add(st, sign)
	for _, g := range st.groups {
		a := m.pubAggs[g]
		if a == nil {
			a = &agg{}
			m.pubAggs[g] = a
		}
		a.add(st, sign)
	}
}

func isBuiltinGroup(name string) bool {
	return name == "" || name == Liveness || name == Readiness || name == Startup
}

// groupStatus applies the lifecycle to a group's aggregate: liveness ignores
// checks not run yet and is untouched by shutdown; startup latches once
// complete; readiness and the overall status are Stopping during shutdown
// and Starting until startup completes.
func groupStatus(name string, a *agg, startupDone, stopping bool) Status {
	switch name {
	case Liveness:
		return a.status(true)
	case Startup:
		switch {
		case startupDone:
			return StatusPass
		case a.criticalFail > 0:
			return StatusFail
		}
		return StatusStarting
	case "", Readiness:
		switch {
		case stopping:
			return StatusStopping
		case !startupDone:
			return StatusStarting
		}
	}
	return a.status(false)
}
