package vitals

import (
	"math"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// CheckInfo is the static description of a check, fixed at [Monitor.Add]
// and shared by all of its states.
type CheckInfo struct {
	Name          string
	Description   string
	groups        []string // see Groups; shared by checks and never written
	Critical      bool
	OnDemand      bool          // runs when probed, not on a schedule
	Interval      time.Duration // 0 for on-demand checks
	Timeout       time.Duration
	ComponentType string
	Measurement   string
}

// CheckState is the immutable state of one check inside a [Snapshot]. A new
// CheckState replaces the old one whenever the check records a result; a
// CheckState itself never changes, so it may be read from any goroutine.
type CheckState struct {
	*CheckInfo

	Enabled bool
	// Status is the effective status after thresholds and max age. It is
	// StatusUnknown until the first result.
	Status Status
	// Stale is true when the last real result is older than the check's
	// max age; Status is then Fail and Last explains it (Err is ErrStale).
	Stale bool
	// Hung is true while a run abandoned at its timeout has not returned;
	// the check is not started again until it does.
	Hung bool
	// Since is when Status last changed.
	Since time.Time
	// Last is the most recent result. Its Status can differ from Status
	// while a threshold is not yet crossed.
	Last Result

	Stats Stats
}

// Stats are a check's counters since it was added. They are kept small
// (100,000 checks each hold one or two copies): the rarer counters are 32
// bits, and the run count, the consecutive counts and the times of the
// last success and failure are methods over smaller fields.
type Stats struct {
	Passes      uint64
	Warnings    uint64
	Failures    uint64 // includes timeouts and panics
	Timeouts    uint32 // runs abandoned at their timeout
	Panics      uint32
	Skipped     uint32  // scheduled runs skipped because a run was still in flight
	LateReturns uint32  // abandoned runs that returned after all
	SuccessRate float32 // share of Pass/Warn among the results in history, 0–1
	Score       float32 // 0–1, recent results weigh more; Warn counts half

	// 32 bits, saturating: as ints they would take the state into the next
	// size class.
	consecutiveFailures, consecutiveSuccesses int32

	// The times of the last Pass or Warn and of the last Fail, in unix
	// nanoseconds (0 for never): two time.Time would make every state, of
	// which 100,000 checks keep one or two copies, 32 bytes larger.
	lastSuccess, lastFailure int64
}

// LastSuccess returns when the check last passed or warned; the zero Time
// if it never has.
func (s Stats) LastSuccess() time.Time { return unixTime(s.lastSuccess) }

// LastFailure returns when the check last failed; the zero Time if it
// never has.
func (s Stats) LastFailure() time.Time { return unixTime(s.lastFailure) }

func unixTime(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// ConsecutiveFailures returns the number of failed results in a row up to
// the last one; 0 when the last one passed or warned.
func (s Stats) ConsecutiveFailures() int { return int(s.consecutiveFailures) }

// ConsecutiveSuccesses returns the number of passing or warning results in
// a row up to the last one; 0 when the last one failed.
func (s Stats) ConsecutiveSuccesses() int { return int(s.consecutiveSuccesses) }

// Runs returns the number of results recorded, including timeouts.
func (s Stats) Runs() uint64 { return s.Passes + s.Warnings + s.Failures }

// HistoryEntry is one past result, kept compact: a check keeps the last N.
// Time is kept to the millisecond, and Duration to better than 1 part in
// 16,000 (at most about 18 minutes).
type HistoryEntry struct {
	Time     time.Time
	Status   Status
	Duration time.Duration
}

// histEntry is a HistoryEntry in 8 bytes: 100,000 checks keep a million
// of them. From the top: 42 bits of unix milliseconds (good until 2109), 3
// bits of status, and 19 bits of duration in microseconds as a small float
// (4-bit exponent, 15-bit mantissa: better than 1 part in 16,000, up to
// about 18 minutes, saturating beyond).
type histEntry uint64

const (
	histTimeBits     = 42
	histDurBits      = 19
	histMantBits     = 15
	histMaxExp       = 1<<(histDurBits-histMantBits) - 1
	histMaxMicros    = (1<<histMantBits - 1) << histMaxExp
	histStatusShift  = histDurBits
	histTimeShift    = histDurBits + 3
	histDurFieldMask = 1<<histDurBits - 1
)

func newHistEntry(t time.Time, st Status, d time.Duration) histEntry {
	ms := uint64(max(t.UnixMilli(), 0)) & (1<<histTimeBits - 1)
	return histEntry(ms<<histTimeShift | uint64(st&7)<<histStatusShift | encodeMicros(d.Microseconds()))
}

// encodeMicros packs us into histDurBits as mantissa<<4 | exponent.
func encodeMicros(us int64) uint64 {
	if us <= 0 {
		return 0
	}
	if us >= histMaxMicros {
		return (1<<histMantBits-1)<<4 | histMaxExp
	}
	exp := max(bits.Len64(uint64(us))-histMantBits, 0)
	return uint64(us)>>exp<<4 | uint64(exp)
}

func (e histEntry) time() time.Time { return time.UnixMilli(int64(e >> histTimeShift)) }

func (e histEntry) status() Status { return Status(e >> histStatusShift & 7) }

func (e histEntry) duration() time.Duration {
	f := uint64(e) & histDurFieldMask
	return time.Duration(f>>4<<(f&15)) * time.Microsecond
}

// check is the record of one registered check. Its state lives in one
// place, the current immutable view; recording a result copies the view,
// changes the copy and publishes it.
type check struct {
	info    CheckInfo
	checker Checker
	cfg     runConfig

	// Fields guarded by Monitor.mu, the timetable's lock.
	gen          uint32 // bumped on Enable/Disable/Remove; stale heap entries are dropped
	removed      bool
	expireQueued bool // a max-age event is in the scheduler heap
	enabledSched bool // enabled, as the scheduler sees it

	gone    bool         // removed, as the check's own lock sees it; guarded by mu
	ringPos int32        // guarded by mu; these small fields sit together to pack
	idx     atomic.Int32 // position in Monitor.reg; written with Monitor.pubMu held

	mu     sync.Mutex // protects cur, lastAt, ring, ringPos, gone and writes of view
	cur    *call      // the run in flight, or nil
	lastAt int64      // unix ns of the last real result, 0 before the first
	ring   []histEntry

	view atomic.Pointer[CheckState]
}

// runConfig is what the scheduler and the thresholds need of a check's
// configuration, kept small: there may be 100,000 of them. The interval
// and timeout are in the check's CheckInfo.
type runConfig struct {
	ttl, initialDelay, jitter, maxAge  time.Duration
	failureThreshold, successThreshold int16 // at most maxCount
	historySize                        int16
	tick                               int8 // tickLevel, counted in Monitor.tickCount while registered
	// slow: the last run outlasted the hand-over bound or timed out, so the
	// next starts on its own goroutine (see worker). Guarded by Monitor.mu;
	// the rest of runConfig is fixed at Add.
	slow bool
}

// defaultGroups is shared by every check added without Groups; CheckInfo
// never hands it out (see CheckInfo.Groups).
var defaultGroups = []string{Readiness}

// checkWithRing holds a check and its history ring in one allocation, for
// the default history size or less: a run writes to both, and with 100,000
// checks a second allocation is a second cache and TLB miss on every run.
type checkWithRing struct {
	check
	buf [defaultHistorySize]histEntry
}

func newCheck(name string, ch Checker, cfg checkConfig) *check {
	var c *check
	if cfg.historySize <= defaultHistorySize {
		cr := new(checkWithRing)
		c = &cr.check
		c.ring = cr.buf[:0:cfg.historySize]
	} else {
		c = new(check) // the ring is made at the first result
	}
	c.checker, c.enabledSched = ch, cfg.enabled
	c.info = CheckInfo{
		Name: name, Description: cfg.description, groups: cfg.groups,
		Critical: cfg.critical, OnDemand: cfg.interval == 0, Interval: cfg.interval, Timeout: cfg.timeout,
		ComponentType: cfg.componentType, Measurement: cfg.measurement,
	}
	c.cfg = runConfig{
		ttl: cfg.ttl, initialDelay: cfg.initialDelay, jitter: cfg.jitter, maxAge: cfg.maxAge,
		failureThreshold: int16(cfg.failureThreshold), successThreshold: int16(cfg.successThreshold), historySize: int16(cfg.historySize),
		tick: tickLevel(cfg.interval, cfg.maxAge),
	}
	c.view.Store(&CheckState{CheckInfo: &c.info, Enabled: cfg.enabled})
	return c
}

// edit applies fn to a copy of the current state, publishes the copy, and
// returns the state it replaced and the copy, for [Monitor.touch]. c.mu
// must be held.
func (c *check) edit(fn func(st *CheckState)) (prev, st *CheckState) {
	prev = c.view.Load()
	next := *prev
	fn(&next)
	next.Hung = c.cur != nil && c.cur.state.Load() == runAbandoned
	c.view.Store(&next)
	return prev, &next
}

// outcome is what recording a result changed.
type outcome struct {
	changed bool // effective status changed
	crossed bool // a critical check reached its failure threshold with this result
	ev      Event
	edit    stateEdit // the view it replaced and the new one
}

// recordLocked folds r into the check's state, applying the thresholds.
// c.mu must be held.
func (c *check) recordLocked(r Result, timedOut bool) outcome {
	c.pushHistory(r)
	var o outcome
	o.edit.prev, o.edit.st = c.edit(func(st *CheckState) {
		s := &st.Stats
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
		if r.Status.OK() {
			s.consecutiveSuccesses = min(s.consecutiveSuccesses, math.MaxInt32-1) + 1
			s.consecutiveFailures = 0
			s.lastSuccess = r.Time.UnixNano()
		} else {
			s.consecutiveFailures = min(s.consecutiveFailures, math.MaxInt32-1) + 1
			s.consecutiveSuccesses = 0
			s.lastFailure = r.Time.UnixNano()
			// Once per failure streak, when the threshold is reached — not
			// on the first failure, even though an unchecked service turns
			// Fail at once.
			o.crossed = st.Critical && s.consecutiveFailures == int32(c.cfg.failureThreshold)
		}
		s.SuccessRate, s.Score = c.rates()
		prev := st.Status
		st.Last, st.Stale = r, false
		if next := c.thresholdStatus(prev, r.Status, s); next != prev {
			st.Status, st.Since = next, r.Time
			o.changed = true
		}
		o.ev = eventOf(st, prev)
	})
	return o
}

// thresholdStatus applies the failure and success thresholds. The first
// result after Unknown is taken as it is: a service that has never been
// checked is not known to be healthy, so there is nothing to hold on to.
func (c *check) thresholdStatus(prev, got Status, s *Stats) Status {
	switch {
	case prev == StatusUnknown:
		return got
	case got.OK() && prev == StatusFail:
		if s.consecutiveSuccesses >= int32(c.cfg.successThreshold) {
			return got
		}
		return StatusFail
	case got.OK():
		return got // Pass <-> Warn moves at once
	case prev.OK():
		if s.consecutiveFailures >= int32(c.cfg.failureThreshold) {
			return StatusFail
		}
		return prev
	}
	return StatusFail
}

// expireLocked marks the result stale if it is older than max age at now.
// c.mu must be held.
func (c *check) expireLocked(now time.Time) (outcome, bool) {
	cur := c.view.Load()
	if c.cfg.maxAge <= 0 || c.lastAt == 0 || cur.Stale {
		return outcome{}, false
	}
	age := time.Duration(now.UnixNano() - c.lastAt)
	if age < c.cfg.maxAge {
		return outcome{}, false
	}
	var o outcome
	o.edit.prev, o.edit.st = c.edit(func(st *CheckState) {
		prev := st.Status
		st.Stale = true
		// Last becomes the reason, so every surface shows why the check
		// fails; lastAt keeps the time of the real result.
		st.Last = Result{
			Status:  StatusFail,
			Message: "last result is " + age.Round(time.Millisecond).String() + " old, max age " + c.cfg.maxAge.String(),
			Err:     ErrStale,
			Time:    now,
		}
		if prev != StatusFail {
			st.Status, st.Since = StatusFail, now
			o.changed = true
			o.crossed = st.Critical
		}
		// Coming back takes SuccessThreshold fresh passes.
		st.Stats.consecutiveSuccesses = 0
		o.ev = eventOf(st, prev)
	})
	return o, true
}

func eventOf(st *CheckState, prev Status) Event {
	return Event{
		Check: st.Name, From: prev, To: st.Status, Result: st.Last, Time: st.Last.Time,
		Critical: st.Critical, ConsecutiveFailures: st.Stats.ConsecutiveFailures(),
	}
}

func (c *check) pushHistory(r Result) {
	e := newHistEntry(r.Time, r.Status, r.Duration)
	if len(c.ring) < int(c.cfg.historySize) {
		if c.ring == nil {
			c.ring = make([]histEntry, 0, c.cfg.historySize)
		}
		c.ring = append(c.ring, e)
		return
	}
	c.ring[c.ringPos] = e
	c.ringPos = (c.ringPos + 1) % int32(len(c.ring))
}

// historyLocked returns the kept results, oldest first. c.mu must be held.
func (c *check) historyLocked() []HistoryEntry {
	n := len(c.ring)
	out := make([]HistoryEntry, 0, n)
	for i := range n {
		e := c.ring[(int(c.ringPos)+i)%n]
		out = append(out, HistoryEntry{Time: e.time(), Status: e.status(), Duration: e.duration()})
	}
	return out
}

// rates computes the success rate and score over the history ring. The
// score weighs the i-th oldest of n entries by i+1, so the newest result
// counts n times as much as the oldest.
func (c *check) rates() (rate, score float32) {
	n := len(c.ring)
	if n == 0 {
		return 0, 0
	}
	var ok, wsum, wtot float64
	for i := range n {
		e := c.ring[(int(c.ringPos)+i)%n]
		w := float64(i + 1)
		wtot += w
		switch e.status() {
		case StatusPass:
			ok++
			wsum += w
		case StatusWarn:
			ok++
			wsum += w / 2
		}
	}
	return float32(ok / float64(n)), float32(wsum / wtot)
}

// InGroup reports whether the check belongs to group; every check belongs
// to the empty group "".
func (s *CheckState) InGroup(group string) bool {
	return group == "" || slices.Contains(s.groups, group)
}

// Groups returns the groups the check belongs to, in a slice of the
// caller's own: the monitor's copy is shared by the check's states (and by
// every check left in the default group), so it is never handed out.
func (i *CheckInfo) Groups() []string { return slices.Clone(i.groups) }
