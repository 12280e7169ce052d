// Package vitalstest provides helpers for testing code built on vitals: a
// fake [Clock] that moves only when told to, so intervals, timeouts, jitter,
// max age and drain delays can be tested without sleeping; and in-memory
// fakes of a key-value store ([KV]) and a publish/subscribe bus
// ([PubSub]) for the checks/kv and checks/pubsub checkers, with faults a
// test can switch on.
//
// Use it through [vitals.Options]:
//
//	clk := vitalstest.NewClock(time.Now())
//	m := vitals.New(&vitals.Options{Clock: clk})
//	...
//	clk.Advance(10 * time.Second) // fires every timer due by then
package vitalstest
