// Package memcached checks memcached servers through a gomemcache client
// (github.com/bradfitz/gomemcache/memcache).
//
// A [Checker] asks every server for its version, then writes a key of its
// own (a prefix and random hex, expiring after a minute), reads it back,
// compares the bytes and deletes it. Any error, a missing key or different
// bytes fail the check. Observed is the round trip's time in milliseconds.
//
// # Registering
//
// With the client the service already has:
//
//	mc := memcache.New("cache1:11211", "cache2:11211")
//	c, err := memcached.New(mc, nil)
//	…
//	m := vitals.New(nil)
//	m.Add("memcached", c, vitals.Timeout(time.Second))
//
// From configuration, with a client the checker owns:
//
//	c, err := memcached.Open("cache1:11211,cache2:11211", nil)
//	…
//	defer c.Close()
//	m.Add("memcached", c, vitals.Timeout(time.Second))
//
// # Deadlines
//
// gomemcache takes no context; each of its operations is bounded by the
// client's Timeout (500ms by default). The checker runs the operations on a
// goroutine it owns and returns at the check's deadline; at most one round
// trip runs at a time, and checks that start meanwhile wait for its result.
// [Checker.Close] waits for a round trip still running, so call it before
// the program (or a test with goleak) ends, also for a Checker made by
// [New].
//
// # Result
//
// Details:
//
//	round_trip_ms  set+get+delete time (also Observed, Unit "ms")
//	ping_ms        time for every server to answer a version request
//	servers        the addresses given to Open
package memcached
