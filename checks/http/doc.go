// Package httpcheck checks an HTTP(S) endpoint: it sends a GET or HEAD
// request and judges the response by its status code, optionally its body
// (a substring, or a field of a JSON document) and its response time.
// [Options.Expect] adds conditions of the caller's own: a function that
// sees each [Response] — status, header, body, latency, certificate
// expiry — and fails the check with an error.
//
// # Results
//
//   - StatusPass: the status is expected (default any 2xx) and the body
//     matches.
//   - StatusWarn: everything matched, but the response took longer than
//     [Options.MaxResponseTime].
//   - StatusFail: the request failed (connection, TLS, timeout), the status
//     was unexpected, the body did not match, or [Options.Expect] returned
//     an error, whose text, redacted, is in the message.
//
// Observed is the response time in ms: from sending the request until the
// body was read (up to the cap). Details hold the status code, the
// response time, the bytes read and, for an unexpected status, a short
// redacted excerpt of the body.
//
//	c, err := httpcheck.New("https://api.internal/health", &httpcheck.Options{
//		JSONPath:        "status",
//		JSONValue:       "UP",
//		MaxResponseTime: 500 * time.Millisecond,
//	})
//	if err != nil { … }
//	m.Add("api", c, vitals.Timeout(2*time.Second))
//
// # Safety
//
// TLS certificates are verified unless [Options.InsecureSkipVerify] says
// otherwise. At most [Options.MaxBodyBytes] (default 1 MiB) of a body are
// ever read, so an endless or huge response cannot exhaust memory. The
// request is bounded by the check's context only: register the check with
// vitals.Timeout.
//
// # Connections
//
// Unless [Options.Client] is given, the check uses its own client without
// keep-alive: each run opens a new connection, so it proves that new
// clients can connect, and no idle connection outlives a run. A plain-HTTP
// run is sent on the caller's goroutine (dial, request with "Connection:
// close", [net/http.ReadResponse], close with a reset, so that neither
// end keeps the connection in TIME_WAIT), without the three goroutines
// http.Transport runs a connection on: about a fifth less CPU a probe at
// 10,000 targets. An https request, or one the environment's proxy
// settings send through a proxy, goes through http.Transport (HTTP/2
// where the server offers it).
//
// [Options.KeepAlive] trades some of that for CPU: one connection then
// serves the runs of up to KeepAlive (its idle connection closed by
// [Checker.Close]). A server that stopped accepting connections but still
// answers on the kept one, a renewed certificate or a changed DNS answer
// is seen at the first new connection, at most KeepAlive later. A
// plain-HTTP connection is kept by the check itself, its runs sent on the
// caller's goroutine as above: while idle it holds a socket and a timer,
// no goroutine or buffer. Before a run reuses it, a peek that does not
// block (one system call; on Linux, macOS and the BSDs) makes sure nothing
// came on it while idle: a connection the server closed, or sent anything
// on (a 408 as it timed the connection out, a HEAD answer's late body),
// is closed and the run dials anew. Elsewhere there is no peek: such bytes
// are read as the next run's answer and fail it. A connection the server
// closes as the request arrives is asked again on a new one, as
// http.Transport does. At 10,000 targets every 10 s, `vitals serve` with
// keep_alive 1m used 15–30 % less CPU a probe and 12–33 MB more memory
// (docs/benchmarks.md). An https connection is kept by a transport of the
// check's own, with its goroutines and buffers.
package httpcheck
