// Package tcp checks that a TCP address accepts connections: it dials,
// measures the connect time and closes the connection at once. Use it for
// dependencies without a richer checker, or to tell "nothing listens" apart
// from "the service answers wrongly".
//
// Observed is the connect time in ms. The check reports StatusWarn when
// connecting takes longer than [Options.WarnAfter], and StatusFail when the
// dial fails or the context ends first.
//
//	c, err := tcp.New("db.internal:5432", &tcp.Options{WarnAfter: 100 * time.Millisecond})
//	if err != nil { … }
//	m.Add("db-port", c, vitals.Timeout(2*time.Second))
package tcp
