package vitals

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// CheckState is the immutable view of one check inside a [Snapshot]. A new
// CheckState replaces the old one whenever the check records a result; a
// CheckState itself never changes, so it may be read from any goroutine.
type CheckState struct {
	Name          string
	Description   string
	Groups        []string // read-only
	Critical      bool
	Enabled       bool
	OnDemand      bool          // runs when probed, not on a schedule
	Interval      time.Duration // 0 for on-demand checks
	ComponentType string
	Measurement   string

	// Status is the effective status after thresholds and max age. It is
	// StatusUnknown until the first result.
	Status Status
	// Since is when Status last changed.
	Since time.Time
	// Last is the most recent result. Its Status can differ from Status
	// while a threshold is not yet crossed.
	Last Result
	// Stale is true when Last is older than the check's max age; Status is
	// then StatusFail.
	Stale bool
	// Hung is true while a run abandoned at its timeout has not returned;
	// the check is not started again until it does.
	Hung bool

	Stats Stats
}

// Stats are a check's counters since it was added.
type Stats struct {
	Runs                 uint64 // results recorded, including timeouts
	Passes               uint64
	Warnings             uint64
	Failures             uint64 // includes timeouts and panics
	Timeouts             uint64 // runs abandoned at their timeout
	Panics               uint64
	Skipped              uint64 // scheduled runs skipped because a run was still in flight
	LateReturns          uint64 // abandoned runs that returned after all
	ConsecutiveFailures  int
	ConsecutiveSuccesses int // StatusPass or StatusWarn
	LastSuccess          time.Time
	LastFailure          time.Time
	SuccessRate          float64 // share of StatusPass/StatusWarn among the results in history, 0–1
	Score                float64 // 0–1, recent results weigh more; StatusWarn counts half
}

// HistoryEntry is one past result, kept compact: a check keeps the last N.
type HistoryEntry struct {
	Time     time.Time
	Status   Status
	Duration time.Duration
}

type histEntry struct {
	t int64 // unix nanoseconds
	d int64 // nanoseconds
	s Status
}

// check is the mutable record of one registered check.
type check struct {
	name    string
	checker Checker
	cfg     checkConfig

	// Fields guarded by Monitor.mu.
	gen           uint32 // bumped on Enable/Disable/Remove; stale heap entries are dropped
	removed       bool
	expireQueued  bool // a max-age event is in the scheduler heap
	enabledSched  bool // enabled, as the scheduler sees it
	firstSchedule bool // next run is the first after Start

	mu      sync.Mutex // protects the fields below
	cur     *call      // the run in flight, or nil
	enabled bool
	status  Status
	since   time.Time
	last    Result
	lastAt  int64 // unix nanoseconds of last, 0 before the first result
	stale   bool
	stats   Stats
	ring    []histEntry
	ringPos int

	view atomic.Pointer[CheckState]
}

func newCheck(name string, ch Checker, cfg checkConfig) *check {
	c := &check{name: name, checker: ch, cfg: cfg, enabled: cfg.enabled, enabledSched: cfg.enabled}
	c.publishViewLocked()
	return c
}

// outcome is what recording a result changed.
type outcome struct {
	changed  bool // effective status changed
	from, to Status
	crossed  bool // a critical check crossed its failure threshold into StatusFail
	ev       Event
}

// recordLocked folds r into the check's state, applying the thresholds.
// c.mu must be held.
func (c *check) recordLocked(r Result, timedOut bool) outcome {
	s := &c.stats
	s.Runs++
	ok := r.Status.OK()
	switch r.Status {
	case StatusPass:
		s.Passes++
	case StatusWarn:
		s.Warnings++
	default:
		s.Failures++
	}
	if timedOut {
		s.Timeouts++
	}
	if _, isPanic := r.Err.(*PanicError); isPanic {
		s.Panics++
	}
	if ok {
		s.ConsecutiveSuccesses++
		s.ConsecutiveFailures = 0
		s.LastSuccess = r.Time
	} else {
		s.ConsecutiveFailures++
		s.ConsecutiveSuccesses = 0
		s.LastFailure = r.Time
	}
	c.pushHistory(r)
	c.last = r
	c.lastAt = r.Time.UnixNano()
	c.stale = false

	prev := c.status
	next := c.thresholdStatus(prev, r.Status)
	o := outcome{from: prev, to: next}
	if next != prev {
		o.changed = true
		c.status = next
		c.since = r.Time
		o.crossed = next == StatusFail && c.cfg.critical
	}
	c.publishViewLocked()
	o.ev = c.eventLocked(prev, r)
	return o
}

// thresholdStatus applies the failure and success thresholds. The first
// result after StatusUnknown is taken as it is: a service that has never been
// checked is not known to be healthy, so there is nothing to hold on to.
func (c *check) thresholdStatus(prev, got Status) Status {
	s := &c.stats
	switch {
	case prev == StatusUnknown:
		return got
	case got.OK() && prev == StatusFail:
		if s.ConsecutiveSuccesses >= int(c.cfg.successThreshold) {
			return got
		}
		return StatusFail
	case got.OK():
		return got // StatusPass <-> StatusWarn moves at once
	case prev.OK():
		if s.ConsecutiveFailures >= int(c.cfg.failureThreshold) {
			return StatusFail
		}
		return prev
	}
	return StatusFail
}

// expireLocked marks the result stale if it is older than max age at now.
func (c *check) expireLocked(now time.Time) (outcome, bool) {
	if c.cfg.maxAge <= 0 || c.lastAt == 0 || c.stale {
		return outcome{}, false
	}
	age := time.Duration(now.UnixNano() - c.lastAt)
	if age < c.cfg.maxAge {
		return outcome{}, false
	}
	c.stale = true
	prev := c.status
	o := outcome{from: prev, to: StatusFail}
	if prev != StatusFail {
		o.changed = true
		c.status = StatusFail
		c.since = now
		o.crossed = c.cfg.critical
	}
	// Last becomes the reason, so every surface shows why the check fails;
	// lastAt keeps the time of the real result.
	c.last = Result{
		Status:  StatusFail,
		Message: "last result is " + age.Round(time.Millisecond).String() + " old, max age " + c.cfg.maxAge.String(),
		Err:     ErrStale,
		Time:    now,
	}
	c.publishViewLocked()
	o.ev = c.eventLocked(prev, c.last)
	return o, true
}

func (c *check) eventLocked(prev Status, r Result) Event {
	return Event{
		Check: c.name, From: prev, To: c.status, Result: r, Time: r.Time,
		Critical: c.cfg.critical, ConsecutiveFailures: c.stats.ConsecutiveFailures,
	}
}

func (c *check) pushHistory(r Result) {
	e := histEntry{t: r.Time.UnixNano(), d: int64(r.Duration), s: r.Status}
	if len(c.ring) < int(c.cfg.historySize) {
		c.ring = append(c.ring, e)
		return
	}
	c.ring[c.ringPos] = e
	c.ringPos = (c.ringPos + 1) % len(c.ring)
}

// historyLocked returns the kept results, oldest first.
func (c *check) historyLocked() []HistoryEntry {
	out := make([]HistoryEntry, 0, len(c.ring))
	n := len(c.ring)
	for i := range n {
		e := c.ring[(c.ringPos+i)%n]
		out = append(out, HistoryEntry{Time: time.Unix(0, e.t), Status: e.s, Duration: time.Duration(e.d)})
	}
	return out
}

// rates computes the success rate and score over the history ring. The
// score weighs the i-th oldest of n entries by i+1, so the newest result
// counts n times as much as the oldest.
func (c *check) rates() (rate, score float64) {
	n := len(c.ring)
	if n == 0 {
		return 0, 0
	}
	var ok, wsum, wtot float64
	for i := range n {
		e := c.ring[(c.ringPos+i)%n]
		w := float64(i + 1)
		wtot += w
		switch e.s {
		case StatusPass:
			ok++
			wsum += w
		case StatusWarn:
			ok++
			wsum += w / 2
		}
	}
	return ok / float64(n), wsum / wtot
}

// publishViewLocked replaces the check's immutable view. c.mu must be held.
func (c *check) publishViewLocked() {
	st := &CheckState{
		Name:          c.name,
		Description:   c.cfg.description,
		Groups:        c.cfg.groups,
		Critical:      c.cfg.critical,
		Enabled:       c.enabled,
		OnDemand:      c.cfg.interval == 0,
		Interval:      c.cfg.interval,
		ComponentType: c.cfg.componentType,
		Measurement:   c.cfg.measurement,
		Status:        c.status,
		Since:         c.since,
		Last:          c.last,
		Stale:         c.stale,
		Hung:          c.cur != nil && c.cur.state.Load() == runAbandoned,
		Stats:         c.stats,
	}
	st.Stats.SuccessRate, st.Stats.Score = c.rates()
	c.view.Store(st)
}

// InGroup reports whether the check belongs to group; every check belongs
// to the empty group "".
func (s *CheckState) InGroup(group string) bool {
	return group == "" || slices.Contains(s.Groups, group)
}
