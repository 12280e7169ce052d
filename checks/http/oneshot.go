package httpcheck

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/vitalsgo/vitals/internal/httpbody"
)

// oneShot is the RoundTripper of a check without keep-alive. A plain-HTTP
// request it sends itself, on the caller's goroutine: it dials a
// connection for the request, writes it with "Connection: close", reads
// the response with [http.ReadResponse], and closes the connection with
// the body. An https request, or one the environment sends through a
// proxy, goes to the transport it wraps.
//
// It exists for CPU: http.Transport runs every connection on three
// goroutines of its own (the dial, a read loop and a write loop) and hands
// each request and response between them, so that a connection can serve
// many requests. A connection that serves one does not need them: at
// 10,000 targets every 10 s that handing over woke threads about four
// times a probe (strace: 20,500 futex calls for 5,000 requests, against
// 2,237 sent this way), and growing the new goroutines' stacks was 9 % of
// the monitor's CPU (bench/cmd/servebench -cpuprofile).
type oneShot struct {
	t *http.Transport // for https and proxies; its dialer and limits serve here too
}

func (o *oneShot) RoundTrip(req *http.Request) (*http.Response, error) {
	if !o.plain(req) {
		return o.t.RoundTrip(req)
	}
	conn, err := o.t.DialContext(req.Context(), "tcp", hostPort(req))
	if err != nil {
		return nil, err
	}
	resp, _, err := o.send(req, conn, nil)
	return resp, err
}

// plain reports whether req is one oneShot sends itself: plain HTTP to an
// ASCII host, not through a proxy.
func (o *oneShot) plain(req *http.Request) bool {
	if req.URL.Scheme != "http" || !ascii(req.URL.Host) {
		// A host name beyond ASCII is dialled by its punycode, which
		// http.Transport derives.
		return false
	}
	if o.t.Proxy != nil {
		if u, err := o.t.Proxy(req); err != nil || u != nil {
			return false
		}
	}
	return true
}

// send writes req on conn and returns its response, whose body closes
// conn when closed, or with kc gives it back to its check's kept
// connection.
// answered reports whether anything of a response was read before an
// error.
func (o *oneShot) send(req *http.Request, conn net.Conn, kc *keptRun) (resp *http.Response, answered bool, err error) {
	ctx := req.Context()
	// A deadline holds every read and write to the run's; cancellation
	// without one closes the connection.
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl) //nolint:errcheck // a closed connection fails the write below
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	resp, br, answered, err := o.exchange(ctx, conn, req, kc == nil)
	if err != nil {
		stop()
		reset(conn)
		return nil, answered, err
	}
	b := &oneShotBody{body: resp.Body, conn: conn, br: br, stop: stop, ctx: ctx}
	if kc != nil {
		b.kept, b.keep = *kc, !resp.Close
	}
	resp.Body = b
	return resp, true, nil
}

// exchange writes req on conn, with "Connection: close" if closing, and
// reads its response. The response's body reads from the returned reader,
// which goes back to readers when the body is closed. answered reports
// whether anything of a response was read before an error.
func (o *oneShot) exchange(ctx context.Context, conn net.Conn, req *http.Request, closing bool) (resp *http.Response, br *bufio.Reader, answered bool, err error) {
	out := *req // RoundTrip must not change the caller's request
	out.Close = closing
	bw := writers.Get().(*bufio.Writer)
	bw.Reset(conn)
	err = out.Write(bw)
	if err == nil {
		err = bw.Flush()
	}
	bw.Reset(nil)
	writers.Put(bw)
	if err != nil {
		return nil, nil, false, ctxErr(ctx, err)
	}
	limit := o.t.MaxResponseHeaderBytes
	if limit <= 0 {
		limit = 10 << 20 // http.Transport's default
	}
	lr := &headerLimit{r: conn, n: limit}
	br = readers.Get().(*bufio.Reader)
	br.Reset(lr)
	// Informational (1xx) responses are read past, their heads counted
	// toward the limit, as http.Transport does.
	for {
		resp, err = http.ReadResponse(br, req)
		if err != nil {
			br.Reset(nil)
			readers.Put(br)
			answered := lr.n != limit
			if lr.n == 0 {
				return nil, nil, answered, fmt.Errorf("net/http: server response headers exceeded %d bytes; aborted", limit)
			}
			return nil, nil, answered, ctxErr(ctx, err)
		}
		if resp.StatusCode < 100 || resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			lr.n = -1 // the body has its own cap (MaxBodyBytes)
			return resp, br, true, nil
		}
		resp.Body.Close()
	}
}

// ascii reports whether s is all ASCII.
func ascii(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// hostPort is the address to dial for a plain-HTTP request.
func hostPort(req *http.Request) string {
	host, port := req.URL.Hostname(), req.URL.Port()
	if port == "" {
		port = "80"
	}
	return net.JoinHostPort(host, port)
}

// ctxErr returns the run's own error when the run is over: a read or
// write that failed because the connection's deadline (the run's) passed,
// or because the cancelled run closed the connection, failed because of
// the run, and says so as http.Transport does. The deadline can pass a
// moment before the context says so.
func ctxErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return err
}

var writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, bufferBytes) }}

// readers are the buffers one-shot responses are read through.
var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, bufferBytes) }}

// headerLimit counts what is read from the connection until the response
// head is read, failing once past n; n < 0 reads without limit.
type headerLimit struct {
	r io.Reader
	n int64
}

func (l *headerLimit) Read(p []byte) (int, error) {
	if l.n < 0 {
		return l.r.Read(p)
	}
	if l.n == 0 {
		return 0, errors.New("response headers too long")
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// oneShotBody is a response body that closes its connection with it, or
// gives it back to its check's kept connection.
type oneShotBody struct {
	body io.ReadCloser
	conn net.Conn
	br   *bufio.Reader // body's, back to readers once body is closed
	stop func() bool
	ctx  context.Context
	once sync.Once

	kept keptRun // kc nil: close conn
	keep bool    // the response let the connection be kept
	eof  bool    // the body was read to its end
}

func (b *oneShotBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if err == io.EOF {
		b.eof = true
	} else if err != nil {
		err = ctxErr(b.ctx, err)
	}
	return n, err
}

// Close closes the connection, then the body: net/http's body reads what
// is left of a response to its end when closed, which a closed connection
// ends at once. The check has read what it reads (at most MaxBodyBytes);
// the rest of a large or endless body is not its business.
//
// A kept connection goes back to its check instead when the body was read
// to its end, the response did not ask to close, nothing more came, and
// the run is not over: it is then as the next request needs it.
func (b *oneShotBody) Close() error {
	b.once.Do(func() {
		if b.kept.kc != nil && b.keep && b.eof && b.br.Buffered() == 0 && b.stop() {
			b.body.Close()
			b.br.Reset(nil)
			readers.Put(b.br)
			b.conn.SetDeadline(time.Time{}) //nolint:errcheck // a broken connection fails the next run's write, which redials
			b.kept.put(b.conn)
			return
		}
		b.stop()
		reset(b.conn)
		// net/http's body waits for a read in flight (which the closed
		// connection ends) and reads nothing once closed: br is free.
		b.body.Close()
		b.br.Reset(nil)
		readers.Put(b.br)
	})
	return nil
}

// reset closes conn with a reset (SO_LINGER 0), as HAProxy closes its
// health checks': the answer is in, and since the client sends no FIN,
// neither end then keeps the connection in TIME_WAIT (a target probed
// every second by a monitor otherwise holds sixty), nor spends the two
// packets of an orderly close. (A connection with unread data is reset
// by a close anyway.)
func reset(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) //nolint:errcheck // a failure leaves the orderly close
	}
	conn.Close()
}

// boundBody holds the reading of resp's body to ctx, and returns what
// closes it: [httpbody.Bound], except for a one-shot body of a final
// response, whose connection already has ctx's deadline and closes when
// ctx ends. (Bound drops the body of a status below 200, a one-shot one's
// too.)
func boundBody(ctx context.Context, resp *http.Response) (release func()) {
	if b, ok := resp.Body.(*oneShotBody); ok && resp.StatusCode >= 200 {
		return func() { b.Close() }
	}
	return httpbody.Bound(ctx, resp)
}
