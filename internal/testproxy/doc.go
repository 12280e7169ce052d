// Package testproxy is a TCP forwarder for fault tests: a test talks to a
// real server through a [Proxy] and cuts the path to it at will, without
// stopping the server that other tests share.
//
//	p := testproxy.Start(t, testservice.RedisAddr)
//	c := redischeck.New(redis.NewClient(&redis.Options{Addr: p.Addr()}), nil)
//	// … Check passes …
//	p.Cut()     // live connections close, new ones are refused
//	// … Check fails …
//	p.Restore() // the same address forwards again
//	// … Check passes …
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
// delivered late rather than lost, as TCP does once a network heals. Cut
// then Blackhole hangs new connections only.
//
// # Lifetime
//
// Every goroutine the proxy starts is stopped and waited for by
// [Proxy.Close], which [Start] registers with t.Cleanup, so tests that run
// goleak stay clean.
package testproxy
