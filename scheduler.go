package vitals

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"
)

// schedItem is one entry of the scheduler's timetable: run c (or check its
// max age) at the given unix-nanosecond time. Entries whose gen no longer
// matches the check's are stale (the check was disabled, re-enabled or
// removed since) and are dropped when they surface. It is 24 bytes: there
// is one per periodic check.
type schedItem struct {
	at   int64 // when it is due: its slot plus this run's jitter
	c    *check
	gen  uint32 // the check's gen, with expireBit set for a max-age check
	back uint32 // milliseconds from the slot to at, so jitter does not accumulate
}

// expireBit marks a max-age entry in schedItem.gen, and ownBit (only on
// the scheduler's list of due entries) a run of a slow check, which starts
// on its own goroutine; check.gen stays below both.
const (
	expireBit = 1 << 31
	ownBit    = 1 << 30
)

func runItem(c *check, slot, at int64) schedItem {
	back := min((at-slot)/int64(time.Millisecond), math.MaxUint32)
	return schedItem{at: at, c: c, gen: c.gen, back: uint32(back)}
}

func (it schedItem) expire() bool { return it.gen&expireBit != 0 }

func (it schedItem) own() bool { return it.gen&ownBit != 0 }

// slot is the un-jittered time the run was due.
func (it schedItem) slot() int64 { return it.at - int64(it.back)*int64(time.Millisecond) }

// schedHeap is a 4-ary min-heap of schedItems ordered by time. Typed
// rather than container/heap (no interface calls), and 4-ary because with
// 100,000 entries the cost is cache misses: a wider, shallower tree touches
// fewer lines per operation.
type schedHeap []schedItem

func (h *schedHeap) push(it schedItem) {
	*h = append(*h, it)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 4
		if s[p].at <= it.at {
			break
		}
		s[i] = s[p]
		i = p
	}
	s[i] = it
}

func (h *schedHeap) pop() schedItem {
	s := *h
	top := s[0]
	n := len(s) - 1
	last := s[n]
	s[n] = schedItem{}
	s = s[:n]
	*h = s
	if n == 0 {
		return top
	}
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		for j := c + 1; j < c+4 && j < n; j++ {
			if s[j].at < s[m].at {
				m = j
			}
		}
		if last.at <= s[m].at {
			break
		}
		s[i] = s[m]
		i = m
	}
	s[i] = last
	return top
}

// The scheduler's timer has a granularity, its tick: runs due within one
// tick share one wake-up (of the scheduler and of the workers). Each
// wake-up costs the same whatever it finds to do (goroutines parked and
// woken, the runtime's idle threads spinning up and down: about 25µs of
// CPU per thread switch on the project machine), and at 100,000 checks
// waking once per run would cost more than the no-op checks themselves.
//
// A check may start up to 1 % of its interval late (of its max age, for an
// on-demand check with one), rounded down to one of the ticks below, and
// never early; when every worker is inside a run, it may wait one more tick
// of the monitor's for one to be handed over (see worker). Slow and hung
// dependencies do not add to that: their runs leave the pool after a tick,
// and their later runs start outside it. The monitor's tick is the finest any of its checks asks
// for: 100ms when every interval is 10s (the default), where a fixed 25ms
// tick cost 2.6 times the CPU at 1,000 checks and 1.3 times at 100,000.
// Every tick divides a second and ticks fall on multiples of themselves in
// unix time, so a run due on a whole second starts on it, and monitors in
// one process share their wake-ups.
var ticks = [...]time.Duration{
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond,
	10 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond,
}

const tickLevels = len(ticks)

// tickLevel returns the index in ticks of the tick a check with this
// interval and max age asks for, or -1 when it never enters the timetable
// (an on-demand check without a max age).
func tickLevel(interval, maxAge time.Duration) int8 {
	d := interval
	if d == 0 {
		d = maxAge
	}
	if d <= 0 {
		return -1
	}
	var l int8
	for int(l) < tickLevels-1 && ticks[l+1] <= d/100 {
		l++
	}
	return l
}

// countTickLocked adds delta checks at level l to the counts the monitor's
// tick is derived from. m.mu must be held.
func (m *Monitor) countTickLocked(l int8, delta int32) {
	if l >= 0 {
		m.tickCount[l] += delta
	}
	m.handover.Store(int64(m.tickLocked()))
}

// tickLocked is the monitor's tick: the finest its checks ask for. m.mu
// must be held.
func (m *Monitor) tickLocked() time.Duration {
	for l, n := range m.tickCount {
		if n > 0 {
			return ticks[l]
		}
	}
	return ticks[tickLevels-1]
}

// jobQueue is how many due runs may wait for a free worker before the
// scheduler waits too.
const jobQueue = 1024

// pushLocked adds it to the timetable and wakes the scheduler if it is now
// the earliest entry. m.mu must be held.
func (m *Monitor) pushLocked(it schedItem) {
	m.heap.push(it)
	if m.heap[0] == it {
		m.wakeScheduler()
	}
}

// wakeScheduler has the scheduler look at its timetable again.
func (m *Monitor) wakeScheduler() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// scheduleFirstLocked queues the first run of a periodic check after
// [Monitor.Start] or [Monitor.Add]. m.mu must be held.
//
// With spread (at Start, which schedules every check at the same instant)
// the first run still comes at once, so the service is ready as soon as it
// can be, but the timetable after it is shifted by a per-check phase in
// (0, interval]: otherwise every check registered before Start would run in
// the same burst once per interval, forever (jitter only blurs the burst by
// its own width), and 100,000 checks would hold two copies of their state
// at each burst and idle in between. The phase shortens one gap and never
// lengthens any, so max age is unaffected. It comes from the check's name,
// so a timetable is reproducible from one run to the next. A check with an
// initial delay has its phase already, and keeps it.
func (m *Monitor) scheduleFirstLocked(c *check, now time.Time, spread bool) {
	if c.info.Interval == 0 {
		return
	}
	first := now.Add(c.cfg.initialDelay).UnixNano()
	base := first
	if spread && c.cfg.initialDelay == 0 {
		// base is the slot before the second run: popDue adds the interval.
		base = first + phase(c.info.Name, c.info.Interval) - int64(c.info.Interval)
	}
	m.pushLocked(runItem(c, base, first+int64(jitter(c.cfg.jitter))))
}

// phase returns a check's offset in its interval, in whole milliseconds in
// (0, interval], uniformly spread over names and the same for the same name.
func phase(name string, interval time.Duration) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	ms := max(uint64(interval/time.Millisecond), 1)
	return int64(1+h.Sum64()%ms) * int64(time.Millisecond)
}

// jitter returns a random duration in [0, max), in whole milliseconds (see
// schedItem.back).
func jitter(max time.Duration) time.Duration {
	if max < time.Millisecond {
		return 0
	}
	return time.Duration(rand.Int64N(int64(max/time.Millisecond))) * time.Millisecond
}

// schedule is the scheduler goroutine: it pops due entries, hands runs to
// the workers, handles max-age expiry, publishes snapshots, and sleeps until
// the next entry is due.
func (m *Monitor) schedule(stop <-chan struct{}, jobs chan<- *check) {
	var due []schedItem
	for {
		now := m.clock.Now()
		due = m.popDue(now, due[:0])
		// Slow checks first, on goroutines of their own: they would only
		// hold a worker for a tick before handing it over.
		for _, it := range due {
			if it.own() {
				m.runOwn(it.c)
			}
		}
		// Expiries first: handing runs to busy workers can block, and a
		// stale result must turn Fail on time even then.
		for _, it := range due {
			if it.expire() {
				m.expire(it.c, now)
			}
		}
		for _, it := range due {
			if it.expire() || it.own() {
				continue
			}
			select {
			case jobs <- it.c:
			case <-stop:
				return
			}
		}
		clear(due)
		m.maybePublish(now)
		select {
		case <-stop:
			return
		case <-m.wake:
		}
	}
}

// popDue removes every entry due at or before now, reschedules the periodic
// runs among them, and arms the timer for the next entry.
func (m *Monitor) popDue(now time.Time, due []schedItem) []schedItem {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := now.UnixNano()
	for len(m.heap) > 0 && m.heap[0].at <= n {
		it := m.heap.pop()
		c := it.c
		if c.removed || it.gen&^expireBit != c.gen || !c.enabledSched || (!it.expire() && c.info.Interval == 0) {
			if it.expire() {
				c.expireQueued = false
			}
			continue
		}
		if !it.expire() {
			// Fixed-rate timetable: the next slot is one interval after
			// this one, not after the run finishes, so slow checks do not
			// drift, and each run's jitter is applied to its slot without
			// accumulating. Slots missed while the scheduler was behind
			// are skipped, not queued; so is a run whose predecessor is
			// still in flight (see worker).
			base := it.slot() + int64(c.info.Interval)
			if base <= n {
				base = n + int64(c.info.Interval)
			}
			m.heap.push(runItem(c, base, base+int64(jitter(c.cfg.jitter))))
			if c.cfg.slow {
				it.gen |= ownBit
			}
		}
		due = append(due, it)
	}
	m.armLocked(now)
	return due
}

// armLocked sets the timer to wake the scheduler when the earliest entry is
// due, rounded up to the monitor's tick. m.mu must be held.
func (m *Monitor) armLocked(now time.Time) {
	if len(m.heap) == 0 {
		return
	}
	at := time.Unix(0, m.heap[0].at)
	tick := m.tickLocked()
	if r := at.UnixNano() % int64(tick); r != 0 {
		at = at.Add(tick - time.Duration(r))
	}
	if !m.timerArmed.IsZero() && !m.timerArmed.After(at) && m.timerArmed.After(now) {
		return // already set to fire in time
	}
	// The delay is from the clock's time now, not from the caller's now:
	// time may have passed since it was read (a fake clock's step, or a
	// preempted scheduler), and a delay counted from then would fire
	// that much late.
	d := at.Sub(m.clock.Now())
	m.timerArmed = at
	if m.schedTimer == nil {
		m.schedTimer = m.clock.AfterFunc(d, m.timerFired)
		return
	}
	m.schedTimer.Reset(d)
}

func (m *Monitor) timerFired() {
	m.mu.Lock()
	m.timerArmed = time.Time{}
	m.mu.Unlock()
	m.wakeScheduler()
}

// queueExpireLocked makes sure the scheduler will look at c's max age.
// m.mu must be held.
func (m *Monitor) queueExpireLocked(c *check, resultAt int64) {
	if c.cfg.maxAge <= 0 || c.expireQueued || c.removed || !m.started || m.closing {
		return
	}
	c.expireQueued = true
	m.pushLocked(schedItem{at: resultAt + int64(c.cfg.maxAge), c: c, gen: c.gen | expireBit})
}
