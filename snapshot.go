package vitals

import (
	"cmp"
	"iter"
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
