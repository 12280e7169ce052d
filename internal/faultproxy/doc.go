// Package faultproxy is a TCP forwarder that makes a real server
// unreachable on command without touching the server, which other tests or
// processes may share. Tests use it through package testproxy, which ties a
// proxy to a test; the benchmark driver (bench/cmd/benchrun) uses it
// directly.
//
//	p, err := faultproxy.New("127.0.0.1:5432", nil)
//	// … connect through p.Addr() …
//	p.Cut()       // live connections close, new ones are refused
//	p.Restore()   // the same address forwards again
//	p.Close()
//
// # Faults
//
// [Proxy.Cut] models a server that went away: every live connection is
// closed and new connections are refused (the listener is closed; Restore
// listens again on the same port). [Proxy.Blackhole] models a server that
// hangs, or a network that silently drops packets: live connections stay
// open but nothing more is forwarded on them, in either direction, and new
// connections are accepted but not forwarded either, so a client waits
// until its own timeout. [Proxy.Restore] ends either fault; after a
// Blackhole the held connections carry on, and what was sent meanwhile is
// delivered late rather than lost, as TCP does once a network heals, unless
// [Options.DropOnRestore] has them closed instead. Cut then Blackhole hangs
// new connections only.
//
// # Lifetime
//
// Every goroutine the proxy starts is stopped and waited for by
// [Proxy.Close], so callers that run goleak stay clean.
//
// # Tests
//
// Its tests are package testproxy's: they drive this engine through the
// wrapper the checkers' tests use, and directly for [Options].
package faultproxy
