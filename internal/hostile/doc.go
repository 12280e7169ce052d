// Package hostile serves HTTP answers that never finish, for tests that
// prove a client's deadline holds whatever a server sends.
//
// A test starts a server for every [Shape] (or [Serve] for one) and points
// the code under test at its URL:
//
//	hostile.Each(t, func(t *testing.T, s hostile.Shape, srv *hostile.Server) {
//		// … call srv.URL with a 1s timeout, fail if it has not returned within 10s …
//	})
//
// The server is a raw TCP listener writing bytes, not net/http: a test
// controls the status line, the headers and the framing exactly, down to
// a 101 Switching Protocols that net/http's server would never send
// unasked and 1xx answers repeated without end.
//
// Every goroutine the server starts, and every connection it accepted, is
// closed and waited for when the test ends, so tests that run goleak stay
// clean.
package hostile
