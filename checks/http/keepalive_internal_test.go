package httpcheck

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/hostile"
	"github.com/vitalsgo/vitals/internal/monitortest"
)

// connServer counts the connections its clients opened and those closed,
// and the requests that asked to close theirs, and answers "ok" and size
// more bytes.
type connServer struct {
	*httptest.Server
	opened, closed atomic.Int64
	askedClose     atomic.Int64 // requests with "Connection: close"
	size           atomic.Int64
}

func newConnServer(t *testing.T, idle time.Duration) *connServer {
	t.Helper()
	return startConnServer(t, idle, false)
}

func startConnServer(t *testing.T, idle time.Duration, tls bool) *connServer {
	t.Helper()
	s := &connServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Close {
			s.askedClose.Add(1)
		}
		io.WriteString(w, "ok"+strings.Repeat("k", int(s.size.Load())))
	}))
	s.Config.IdleTimeout = idle
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			s.opened.Add(1)
		case http.StateClosed, http.StateHijacked:
			s.closed.Add(1)
		}
	}
	if tls {
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

// wantConns fails the test (at once if fatal) unless conns counts want
// connections; what says when.
func wantConns(t *testing.T, conns *atomic.Int64, want int64, fatal bool, what string) {
	t.Helper()
	if n := conns.Load(); n != want {
		if fatal {
			t.Fatalf("%d connections %s, want %d", n, what, want)
		}
		t.Errorf("%d connections %s, want %d", n, what, want)
	}
}

func runs(t *testing.T, c *Checker, n int) {
	t.Helper()
	for range n {
		// A deadline, so that a run the code under test leaves hanging
		// fails the test instead of hanging it.
		ctx, cancel := context.WithTimeout(context.Background(), hostile.Guard)
		r := c.Check(ctx)
		cancel()
		if r.Status != vitals.StatusPass {
			t.Fatalf("%v: %s", r.Status, r.Message)
		}
	}
}

func keeping(t *testing.T, url string, o *Options) *Checker {
	t.Helper()
	c, err := New(url, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestNewConnectionEveryRunByDefault(t *testing.T) {
	s := newConnServer(t, 0)
	runs(t, keeping(t, s.URL, nil), 3)
	if n, asked := s.opened.Load(), s.askedClose.Load(); n != 3 || asked != 3 {
		t.Errorf("%d connections for 3 runs, %d asked to close, want 3 and 3", n, asked)
	}
}

// One connection serves the runs, without "Connection: close"; once it
// is KeepAlive old, the run that finds it closes it and dials anew, and
// the new one serves the runs after it; Close lets the idle one go.
func TestKeepAliveReusesAndRenews(t *testing.T) {
	s := newConnServer(t, 0)
	c := keeping(t, s.URL, &Options{KeepAlive: time.Hour})
	runs(t, c, 3)
	wantConns(t, &s.opened, 1, true, "for 3 runs with KeepAlive")
	if n := s.askedClose.Load(); n != 0 {
		t.Fatalf("%d requests asked to close the kept connection", n)
	}
	c.kept.conn.mu.Lock()
	c.kept.conn.born = c.kept.conn.born.Add(-time.Hour)
	c.kept.conn.mu.Unlock()
	runs(t, c, 1) // the run that finds it aged dials anew
	wantConns(t, &s.opened, 2, true, "after the first one aged")
	runs(t, c, 1) // and the new one serves the next
	wantConns(t, &s.opened, 2, true, "after the run after the new one")
	monitortest.Eventually(t, "the aged connection closed", func() bool { return s.closed.Load() == 1 })
	c.Close()
	monitortest.Eventually(t, "the idle connection closed by Close", func() bool { return s.closed.Load() == 2 })
	runs(t, c, 1)
	wantConns(t, &s.opened, 3, true, "after Close")
}

// An https check keeps its connection in a transport of its own, which
// a run renews once the connection is KeepAlive old.
func TestKeepAliveHTTPS(t *testing.T) {
	s := startConnServer(t, 0, true)
	c := keeping(t, s.URL, &Options{KeepAlive: time.Hour, InsecureSkipVerify: true})
	runs(t, c, 3)
	wantConns(t, &s.opened, 1, true, "for 3 runs")
	c.renew(time.Now().Add(time.Hour))
	runs(t, c, 1) // the run that finds it aged dials anew
	wantConns(t, &s.opened, 2, true, "after the first one aged")
	runs(t, c, 1) // and the new one serves the next
	wantConns(t, &s.opened, 2, true, "after the run after the new one")
	c.Close()
	runs(t, c, 1)
	wantConns(t, &s.opened, 3, true, "after Close")
}

// A kept connection left idle is closed once KeepAlive old, without a run.
func TestKeepAliveClosesIdleAtItsAge(t *testing.T) {
	s := newConnServer(t, 0)
	c := keeping(t, s.URL, &Options{KeepAlive: 50 * time.Millisecond})
	runs(t, c, 1)
	monitortest.Eventually(t, "the idle connection closed at its age", func() bool { return s.closed.Load() == 1 })
	runs(t, c, 1)
	wantConns(t, &s.opened, 2, true, "so far")
}

// A server that closes idle connections before the next run: the run
// that finds the kept one closed asks again on a new one and passes.
func TestKeepAliveRedialsWhatTheServerClosed(t *testing.T) {
	s := newConnServer(t, 10*time.Millisecond)
	c := keeping(t, s.URL, &Options{KeepAlive: time.Hour})
	for i := range 3 {
		runs(t, c, 1)
		monitortest.Eventually(t, "the server closed the idle connection", func() bool { return s.closed.Load() == int64(i+1) })
	}
	wantConns(t, &s.opened, 3, true, "so far")
}

// A connection is not kept after a body read only in part (the rest,
// past what the reader buffered, would be the next run's answer).
func TestKeepAliveNotAfterAPartBody(t *testing.T) {
	s := newConnServer(t, 0)
	c := keeping(t, s.URL, &Options{KeepAlive: time.Hour, MaxBodyBytes: 64})
	s.size.Store(8 * bufferBytes)
	runs(t, c, 2)
	wantConns(t, &s.opened, 2, true, "for 2 runs that could not keep theirs")
	s.size.Store(0)
	runs(t, c, 2)
	wantConns(t, &s.opened, 3, true, "so far")
}

// A connection is not kept after a body read only in part, even when
// nothing more was buffered: the rest came after the run had read its
// part.
func TestKeepAliveNotAfterAPartBodyComeLater(t *testing.T) {
	addr, conns, _ := rawKept(t, "HTTP/1.1 200 OK\r\nContent-Length: 128\r\n\r\n"+strings.Repeat("a", 64)+"\x00"+strings.Repeat("b", 64), ok200)
	c := keeping(t, "http://"+addr+"/", &Options{KeepAlive: time.Hour, MaxBodyBytes: 64})
	runs(t, c, 3)
	wantConns(t, conns, 3, false, "for 3 runs")
}

// A connection is not kept after a response that asks to close it, even
// if the server leaves it open (here, to answer garbage on it).
func TestKeepAliveNotWhenAskedToClose(t *testing.T) {
	addr, conns, _ := rawKept(t, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", "garbage\r\n\r\n")
	c := keeping(t, "http://"+addr+"/", &Options{KeepAlive: time.Hour})
	runs(t, c, 3)
	wantConns(t, conns, 3, false, "for 3 runs")
}

// rawKept answers the first request of each connection with first and
// every later one with second (nothing, when empty), and never closes a
// connection first, unless the answer is "close". A NUL in an answer is a
// pause of 100 ms. written counts the answers written whole.
func rawKept(t *testing.T, first, second string) (addr string, conns, written *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns, written = new(atomic.Int64), new(atomic.Int64)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop); ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			wg.Go(func() {
				defer c.Close()
				go func() { <-stop; c.Close() }()
				br := bufio.NewReader(c)
				for n := 0; ; n++ {
					for {
						line, err := br.ReadString('\n')
						if err != nil {
							return
						}
						if line == "\r\n" {
							break
						}
					}
					answer := first
					if n > 0 {
						answer = second
					}
					switch answer {
					case "":
						continue // silence
					case "close":
						return
					}
					for i, part := range strings.Split(answer, "\x00") {
						if i > 0 {
							time.Sleep(100 * time.Millisecond)
						}
						if _, err := io.WriteString(c, part); err != nil {
							return
						}
					}
					written.Add(1)
				}
			})
		}
	})
	return ln.Addr().String(), conns, written
}

const ok200 = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

// An answer on the kept connection that is not HTTP fails the run; it is
// not asked again on a new connection.
func TestKeepAliveGarbageIsAnAnswer(t *testing.T) {
	addr, conns, _ := rawKept(t, ok200, "garbage\r\n\r\n")
	c := keeping(t, "http://"+addr+"/", &Options{KeepAlive: time.Hour})
	runs(t, c, 1)
	ctx, cancel := context.WithTimeout(context.Background(), hostile.Guard)
	defer cancel()
	if r := c.Check(ctx); r.Status != vitals.StatusFail {
		t.Fatalf("result %v %q, want a fail on the garbage", r.Status, r.Message)
	}
	wantConns(t, conns, 1, false, "(an answer is not retried)")
	runs(t, c, 1) // the broken connection was not kept
	wantConns(t, conns, 2, false, "so far")
}

// A server silent on the kept connection fails the run at its deadline.
func TestKeepAliveSilenceEndsAtTheDeadline(t *testing.T) {
	addr, _, _ := rawKept(t, ok200, "")
	c := keeping(t, "http://"+addr+"/", &Options{KeepAlive: time.Hour})
	runs(t, c, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	r := hostile.Within(t, hostile.Guard, func() vitals.Result { return c.Check(ctx) })
	if r.Status != vitals.StatusFail {
		t.Fatalf("result %v %q, want a fail at the deadline", r.Status, r.Message)
	}
}

// What a server sends on an idle kept connection is nobody's answer: a
// 408 as it times the connection out, or the late body of a HEAD answer.
// The next run does not read it: it dials anew.
func TestKeepAliveNotWhatCameWhileIdle(t *testing.T) {
	if !canPeek {
		t.Skip("no peek at an idle connection on this system")
	}
	for _, tc := range []struct{ name, method, answer string }{
		{"408 at the idle timeout", http.MethodGet, ok200 + "\x00HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"},
		{"a HEAD answer's late body", http.MethodHead, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n\x00hello"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, conns, written := rawKept(t, tc.answer, tc.answer)
			c := keeping(t, "http://"+addr+"/", &Options{Method: tc.method, KeepAlive: time.Hour})
			runs(t, c, 1)
			monitortest.Eventually(t, "the bytes sent while idle, at the client", func() bool {
				if written.Load() != 1 {
					return false
				}
				c.kept.conn.mu.Lock()
				defer c.kept.conn.mu.Unlock()
				return c.kept.conn.idle != nil && !quiet(c.kept.conn.idle)
			})
			runs(t, c, 1)
			wantConns(t, conns, 2, false, "so far")
		})
	}
}

// A server that closes the kept connection once it has read the request
// (after the run looked at it): the run asks again on a new connection.
func TestKeepAliveAsksAgainWhenClosedUnanswered(t *testing.T) {
	addr, conns, _ := rawKept(t, ok200, "close")
	c := keeping(t, "http://"+addr+"/", &Options{KeepAlive: time.Hour})
	runs(t, c, 3)
	// 1: a new connection; 2: the kept one, closed unanswered, then a new
	// one; 3: the same again.
	wantConns(t, conns, 3, false, "for 3 runs")
}

// Close while a run is in flight: the run's connection is not kept.
func TestKeepAliveCloseDuringARun(t *testing.T) {
	s := newConnServer(t, 0)
	var c *Checker
	c = keeping(t, s.URL, &Options{KeepAlive: time.Hour, Expect: func(*Response) error {
		c.Close() // the run's connection is still out
		return nil
	}})
	runs(t, c, 1)
	c.kept.conn.mu.Lock()
	idle := c.kept.conn.idle
	c.kept.conn.mu.Unlock()
	if idle != nil {
		t.Fatal("the connection of a run in flight at Close was kept")
	}
	monitortest.Eventually(t, "the connection closed", func() bool { return s.closed.Load() == 1 })
}

// A check whose URL redirects to another server keeps one of the two
// connections (the first hop's, given back first): a run dials once, not
// twice.
func TestKeepAliveKeepsOneHop(t *testing.T) {
	end := newConnServer(t, 0)
	var hops, conns atomic.Int64
	first := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hops.Add(1)
		http.Redirect(w, r, end.URL+"/", http.StatusFound)
	}))
	first.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	first.Start()
	t.Cleanup(first.Close)
	c := keeping(t, first.URL, &Options{KeepAlive: time.Hour})
	runs(t, c, 3)
	if h, n, m := hops.Load(), conns.Load(), end.opened.Load(); h != 3 || n+m != 4 {
		t.Errorf("%d redirects, %d and %d connections to the two servers for 3 runs, want 3 and 4 in all", h, n, m)
	}
}

// Runs and closes of one kept check at once, under -race: every
// connection opened is closed in the end.
func TestKeepAliveConcurrentRunsAndCloses(t *testing.T) {
	s := newConnServer(t, 0)
	c := keeping(t, s.URL, &Options{KeepAlive: 5 * time.Millisecond})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(1+(g+i)%5)*time.Millisecond)
				c.Check(ctx)
				cancel()
				if i%7 == g%7 {
					c.Close()
				}
			}
		})
	}
	wg.Wait()
	c.Close()
	monitortest.Eventually(t, "every connection closed", func() bool { return s.closed.Load() == s.opened.Load() })
}

func TestKeepAliveNotWithClient(t *testing.T) {
	if _, err := New("http://127.0.0.1:1/", &Options{KeepAlive: time.Minute, Client: http.DefaultClient}); err == nil {
		t.Error("KeepAlive with Client is not an error")
	}
	if _, err := New("http://127.0.0.1:1/", &Options{KeepAlive: -time.Second}); err == nil {
		t.Error("a negative KeepAlive is not an error")
	}
}
