// Package goroutines checks the number of goroutines of the process
// against thresholds. A count that keeps growing is the usual sign of a
// goroutine leak: requests that never finish, connections never closed.
//
// The check reports StatusWarn at [Options.Warn] goroutines or more and
// StatusFail at [Options.Fail] or more; Observed is the count.
//
//	c, err := goroutines.New(&goroutines.Options{Warn: 5000, Fail: 20000})
//	if err != nil { … }
//	m.Add("goroutines", c, vitals.Groups(vitals.Liveness))
package goroutines
