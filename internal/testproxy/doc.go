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
// It is a [faultproxy.Proxy] tied to a test: [Start] fails the test when the
// proxy cannot listen and closes it when the test ends, and
// [Proxy.Blackhole] and [Proxy.Restore] fail the test instead of returning
// an error, so they must be called from the test goroutine. The package
// documentation of faultproxy says what each fault does. Every goroutine
// the proxy starts is stopped and waited for when the test ends, so tests
// that run goleak stay clean.
package testproxy
