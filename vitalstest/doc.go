// Package vitalstest provides helpers for testing code built on vitals: a
// fake [Clock] that moves only when told to, so intervals, timeouts, jitter,
// max age and drain delays can be tested without sleeping.
//
// Use it through [vitals.Options]:
//
//	clk := vitalstest.NewClock(time.Now())
//	m := vitals.New(&vitals.Options{Clock: clk})
//	...
//	clk.Advance(10 * time.Second) // fires every timer due by then
package vitalstest
