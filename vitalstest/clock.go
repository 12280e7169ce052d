package vitalstest

import (
	"slices"
	"sync"
	"time"

	"github.com/vitalsgo/vitals"
)

// Clock is a fake [vitals.Clock]. Time stands still until [Clock.Advance]
// or [Clock.Set] moves it; timers due by then fire in time order, each in
// the goroutine that moved the clock, before Advance returns. Start it near
// the real time if checks under test pass their context deadline to network
// code.
type Clock struct {
	mu     sync.Mutex // protects the fields below
	now    time.Time
	timers []*timer
	seq    uint64
	added  *sync.Cond // broadcast whenever a timer is armed
}

var _ vitals.Clock = (*Clock)(nil)

// NewClock returns a fake clock showing t.
func NewClock(t time.Time) *Clock {
	c := &Clock{now: t}
	c.added = sync.NewCond(&c.mu)
	return c
}

// Now returns the fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc arranges for f to be called when the clock has been moved d
// past the current time.
func (c *Clock) AfterFunc(d time.Duration, f func()) vitals.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &timer{c: c, f: f}
	c.armLocked(t, d)
	return t
}

func (c *Clock) armLocked(t *timer, d time.Duration) {
	c.seq++
	t.at, t.seq, t.active = c.now.Add(max(d, 0)), c.seq, true
	if !slices.Contains(c.timers, t) {
		c.timers = append(c.timers, t)
	}
	c.added.Broadcast()
}

// Advance moves the clock forward by d, firing due timers in order. A timer
// armed by a firing callback fires too if it is due within the same
// Advance.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	target := c.now.Add(d)
	c.mu.Unlock()
	c.Set(target)
}

// Set moves the clock to t (never backwards), firing due timers in order.
func (c *Clock) Set(t time.Time) {
	for {
		c.mu.Lock()
		next := c.nextDueLocked(t)
		if next == nil {
			if t.After(c.now) {
				c.now = t
			}
			c.mu.Unlock()
			return
		}
		if next.at.After(c.now) {
			c.now = next.at
		}
		next.active = false
		c.timers = slices.DeleteFunc(c.timers, func(x *timer) bool { return x == next })
		f := next.f
		c.mu.Unlock()
		f()
	}
}

func (c *Clock) nextDueLocked(limit time.Time) *timer {
	var best *timer
	for _, t := range c.timers {
		if t.active && !t.at.After(limit) && (best == nil || t.at.Before(best.at) || (t.at.Equal(best.at) && t.seq < best.seq)) {
			best = t
		}
	}
	return best
}

// Pending returns the number of armed timers.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// WaitForTimers blocks until at least n timers are armed. Tests use it to
// let a goroutine under test reach its sleep before moving the clock.
func (c *Clock) WaitForTimers(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.timers) < n {
		c.added.Wait()
	}
}

// NextTimer returns when the earliest armed timer is due.
func (c *Clock) NextTimer() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.nextDueLocked(time.Unix(1<<62, 0))
	if t == nil {
		return time.Time{}, false
	}
	return t.at, true
}

type timer struct {
	c      *Clock
	f      func()
	at     time.Time
	seq    uint64
	active bool // guarded by c.mu
}

func (t *timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := t.active
	t.active = false
	t.c.timers = slices.DeleteFunc(t.c.timers, func(x *timer) bool { return x == t })
	return was
}

func (t *timer) Reset(d time.Duration) bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := t.active
	t.c.armLocked(t, d)
	return was
}
