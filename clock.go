package vitals

import "time"

// Clock is the monitor's source of time. Every interval, timeout, jitter,
// max age and drain delay is measured with it, so tests can drive a monitor
// deterministically with a fake clock (see package vitalstest).
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has elapsed, like
	// [time.AfterFunc].
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is the handle of a pending [Clock.AfterFunc] call.
type Timer interface {
	// Stop prevents the call if it has not started; it reports whether it
	// stopped it.
	Stop() bool
	// Reset reschedules the call to run d from now; it reports whether the
	// timer had been active.
	Reset(d time.Duration) bool
}

// systemClock is the real clock, backed by package time: a nil
// [Options.Clock].
type systemClock struct{}

// Now returns time.Now().
func (systemClock) Now() time.Time { return time.Now() }

// AfterFunc wraps [time.AfterFunc].
func (systemClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

var _ Clock = systemClock{}
