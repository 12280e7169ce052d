package vitals

import (
	"cmp"
	"context"
	"iter"
	"math"
	"slices"
	"sort"
	"sync/atomic"
	"time"
)

// Snapshot is the immutable state of every check and group at one moment.
// Every surface reads the same Snapshot, obtained with [Monitor.Snapshot]
// or [Monitor.Current]; a new one is published only when something changed.
// A Snapshot and everything reachable from it must not be modified.
type Snapshot struct {
	Version uint64    // increases with every published snapshot
	Time    time.Time // when it was published
	Started time.Time // when the monitor started (or was created, before Start)
	Info    Info
	// Status is the state of the whole service: Stopping during shutdown,
	// Starting until startup has completed, otherwise the aggregate of every
	// enabled check.
	Status Status

	checks      []*CheckState // sorted by name
	groups      map[string]GroupState
	refreshAt   int64 // unix ns when an on-demand result expires; MaxInt64 if none
	startupDone bool
	stopping    bool
	visGen      uint64 // Monitor.visGen this snapshot was built from
	lazyGen     uint64
	next        chan struct{}
	cache       atomic.Pointer[map[any]any]
}

// GroupState is the aggregate state of one group in a [Snapshot].
type GroupState struct {
	Name   string
	Status Status
	Total  int // enabled members

	counts [numStatuses]int // enabled members per effective status
}

// Count returns the number of enabled member checks whose effective status
// is st.
func (g GroupState) Count(st Status) int {
	if int(st) >= len(g.counts) {
		return 0
	}
	return g.counts[st]
}

// Check returns the state of the named check.
func (s *Snapshot) Check(name string) (*CheckState, bool) {
	i, ok := slices.BinarySearchFunc(s.checks, name, func(c *CheckState, n string) int { return cmp.Compare(c.Name, n) })
	if !ok {
		return nil, false
	}
	return s.checks[i], true
}

// Checks iterates over the checks of group ("" for all), enabled or not, in
// name order.
func (s *Snapshot) Checks(group string) iter.Seq[*CheckState] {
	return func(yield func(*CheckState) bool) {
		for _, c := range s.checks {
			if c.InGroup(group) && !yield(c) {
				return
			}
		}
	}
}

// Len returns the number of registered checks.
func (s *Snapshot) Len() int { return len(s.checks) }

// Group returns the aggregate of a group: "" (every check, with the
// lifecycle applied, the same as Snapshot.Status), [Liveness], [Readiness],
// [Startup] or a custom group. The standard groups always exist; ok is false
// for a custom group no check belongs to.
func (s *Snapshot) Group(name string) (g GroupState, ok bool) {
	g, ok = s.groups[name]
	return g, ok
}

// Groups returns the names of all groups in the snapshot, sorted; "" is not
// among them.
func (s *Snapshot) Groups() []string {
	out := make([]string, 0, len(s.groups))
	for n := range s.groups {
		if n != "" {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Changed returns a channel that is closed when a newer snapshot has been
// published.
func (s *Snapshot) Changed() <-chan struct{} { return s.next }

// Cache returns the value cached in this snapshot under key, calling build
// to make it the first time. Surfaces use it to encode a body once per
// snapshot and serve the same bytes to every request until something
// changes. The lookup takes no lock and does not allocate when key is a
// pointer (use a pointer to a package-level or long-lived value). build may
// run more than once when called concurrently; one result wins.
func (s *Snapshot) Cache(key any, build func() any) any {
	if m := s.cache.Load(); m != nil {
		if v, ok := (*m)[key]; ok {
			return v
		}
	}
	v := build()
	for {
		old := s.cache.Load()
		var next map[any]any
		if old == nil {
			next = map[any]any{key: v}
		} else {
			if w, ok := (*old)[key]; ok {
				return w
			}
			next = make(map[any]any, len(*old)+1)
			for k, x := range *old {
				next[k] = x
			}
			next[key] = v
		}
		if s.cache.CompareAndSwap(old, &next) {
			return v
		}
	}
}

// Snapshot returns the current snapshot. It is an atomic load, unless a
// status changed since the last publish, in which case the new snapshot is
// published first: a reader never sees a state older than the last change
// it could have observed.
//
// Counters and timestamps that move without a status change are published
// at most once a second, by whichever comes first of the scheduler and a
// reader.
func (m *Monitor) Snapshot() *Snapshot {
	if s := m.snap.Load(); !m.behind(s, true) {
		return s
	}
	m.pubMu.Lock()
	defer m.pubMu.Unlock()
	if s := m.snap.Load(); !m.behind(s, true) {
		return s
	}
	return m.publishLocked()
}

// behind reports whether s misses a visible change, or (when lazy is true)
// misses counter updates and is older than lazyPublishEvery.
func (m *Monitor) behind(s *Snapshot, lazy bool) bool {
	if m.visGen.Load() != s.visGen {
		return true
	}
	if !lazy || m.lazyGen.Load() == s.lazyGen {
		return false
	}
	return m.lazyDue(m.clock.Now())
}

func (m *Monitor) lazyDue(now time.Time) bool {
	return now.UnixNano()-m.lastPub.Load() >= int64(lazyPublishEvery)
}

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
	m.mu.Lock()
	rebuild := m.reg == nil || m.regBuilt != m.regVersion
	if rebuild {
		reg := make([]*check, 0, len(m.checks))
		for _, c := range m.checks {
			reg = append(reg, c)
		}
		slices.SortFunc(reg, func(a, b *check) int { return cmp.Compare(a.info.Name, b.info.Name) })
		for i, c := range reg {
			c.idx.Store(int32(i))
		}
		m.reg, m.regBuilt = reg, m.regVersion
	}
	started := m.startedAt
	m.mu.Unlock()

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
	aggs := m.pubAggs

	// Startup completes once every startup check has passed once, and stays
	// complete. With no startup checks it completes when the monitor starts
	// or first runs its checks (not at New: checks are usually added after).
	if su := aggs[Startup]; !m.startupDone.Load() && su.startupNotYet == 0 && (su.total > 0 || !started.IsZero() || m.ranOnce.Load()) {
		m.startupDone.Store(true)
	}
	startupDone := m.startupDone.Load()
	stopping := m.stopping.Load()
	groups := make(map[string]GroupState, len(aggs))
	for name, a := range aggs {
		if a.total == 0 && !isBuiltinGroup(name) {
			continue // every member disabled: not a group now
		}
		st := groupStatus(name, a, startupDone, stopping)
		groups[name] = GroupState{Name: name, Status: st, counts: a.counts, Total: a.total}
	}

	m.version++
	s := &Snapshot{startupDone: startupDone, stopping: stopping, visGen: visGen, lazyGen: lazyGen,
		Version: m.version, Time: now, Started: cmp.Or(started, m.createdAt), Info: m.info,
		Status: groups[""].Status, checks: states, groups: groups,
		refreshAt: refreshAt, next: make(chan struct{}),
	}
	m.lastPub.Store(now.UnixNano())
	if old := m.snap.Swap(s); old != nil {
		close(old.next)
	}
	return s
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
	for _, g := range st.Groups {
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

// Stopping reports whether the monitor is shutting down.
func (s *Snapshot) Stopping() bool { return s.stopping }

// StartupComplete reports whether every startup check has passed once.
func (s *Snapshot) StartupComplete() bool { return s.startupDone }

// GroupExcluding is [Snapshot.Group] computed as if the excluded checks
// were not there (Kubernetes' ?exclude=). It costs a pass over the group.
func (s *Snapshot) GroupExcluding(group string, excluded []string) GroupState {
	if len(excluded) == 0 {
		if g, ok := s.groups[group]; ok {
			return g
		}
	}
	var a agg
	for c := range s.Checks(group) {
		if c.Enabled && !slices.Contains(excluded, c.Name) {
			a.add(c, 1)
		}
	}
	return GroupState{Name: group, Status: groupStatus(group, &a, s.startupDone, s.stopping), counts: a.counts, Total: a.total}
}
