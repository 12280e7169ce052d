package hostile

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Shape is one answer that never finishes: Head, written at once (or one
// byte per tick when Slow), then Repeat written once per tick until the
// client hangs up. An empty Repeat holds the connection open in silence.
type Shape struct {
	Name   string
	Head   string
	Slow   bool
	Repeat string
	// Upgrade is set for a 101 Switching Protocols: a client that asked
	// for no upgrade can give up on it at once. Any other shape ends only
	// at the client's deadline.
	Upgrade bool
}

// tick paces the endless part. It is no synchronisation: it only keeps an
// endless answer from filling buffers, so that what the client waits on is
// the next byte, not a full socket.
const tick = 20 * time.Millisecond

const (
	upgrade = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
	ok      = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
)

// Shapes is every shape, one per way a response can fail to end: 1xx
// answers without end, an upgrade, headers or a body that trickle, a
// chunked stream or its trailers that never end.
var Shapes = []Shape{
	{Name: "silent", Head: ""},
	{Name: "101 upgrade then silence", Head: upgrade, Upgrade: true},
	{Name: "101 upgrade then a trickle", Head: upgrade, Repeat: "x", Upgrade: true},
	{Name: "101 without upgrade headers", Head: "HTTP/1.1 101 Switching Protocols\r\n\r\n", Upgrade: true},
	{Name: "100 continue forever", Repeat: "HTTP/1.1 100 Continue\r\n\r\n"},
	{Name: "102 processing forever", Repeat: "HTTP/1.1 102 Processing\r\n\r\n"},
	{Name: "103 early hints forever", Repeat: "HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload; as=style\r\n\r\n"},
	{Name: "status line byte by byte", Head: "HTTP/1.1 200 OK\r\nX-Pad: ", Slow: true, Repeat: "a"},
	{Name: "header byte by byte", Head: ok + "X-Pad: ", Repeat: "a"},
	{Name: "headers then silence", Head: ok + "Content-Length: 17\r\n\r\n"},
	{Name: "body of declared length never ends", Head: ok + "Content-Length: 1000000000\r\n\r\n", Repeat: "a"},
	{Name: "body until close never ends", Head: ok + "Connection: close\r\n\r\n", Repeat: "a"},
	{Name: "chunked stream trickles", Head: ok + "Transfer-Encoding: chunked\r\n\r\n", Repeat: "1\r\na\r\n"},
	{Name: "trailers never end", Head: ok + "Transfer-Encoding: chunked\r\nTrailer: X-Pad\r\n\r\n" +
		"11\r\n{\"status\":\"pass\"}\r\n0\r\nX-Pad: ", Repeat: "a"},
}

// Named returns the shape of Shapes called name; it panics for a name
// that is not there, a mistake in the test.
func Named(name string) Shape {
	for _, s := range Shapes {
		if s.Name == name {
			return s
		}
	}
	panic("hostile: no shape " + name)
}

// Server is a running hostile server.
type Server struct {
	URL      string // http://127.0.0.1:port, no path
	accepted atomic.Int64
	reached  chan struct{} // closed once an answer is under way
	once     sync.Once     // closes reached
}

// Accepted returns how many connections the server has accepted: a test
// checks it to know that its call reached the server, rather than failing
// for some other reason.
func (s *Server) Accepted() int { return int(s.accepted.Load()) }

// Reached returns a channel closed once the server has written the head of
// an answer and a first piece of what follows (or kept silent for a tick):
// a test waits on it before it interrupts a caller, so that the caller is
// in the middle of the exchange.
func (s *Server) Reached() <-chan struct{} { return s.reached }

// Each runs f in a parallel subtest for every shape of Shapes, named after
// the shape, with a server answering in that shape.
func Each(t *testing.T, f func(t *testing.T, s Shape, srv *Server)) {
	t.Helper()
	for _, s := range Shapes {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			f(t, s, Serve(t, s))
		})
	}
}

// Serve starts a server answering every request in shape s, and stops it
// when the test ends.
func Serve(t testing.TB, s Shape) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("hostile: listen: %v", err)
	}
	srv := &Server{URL: "http://" + ln.Addr().String(), reached: make(chan struct{})}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex // protects conns
		conns = map[net.Conn]struct{}{}
		stop  = make(chan struct{})
	)
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed at cleanup
			}
			srv.accepted.Add(1)
			mu.Lock()
			conns[c] = struct{}{}
			mu.Unlock()
			wg.Go(func() {
				answer(c, s, stop, func() { srv.once.Do(func() { close(srv.reached) }) })
				mu.Lock()
				delete(conns, c)
				mu.Unlock()
				c.Close()
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		close(stop)
		mu.Lock()
		for c := range conns {
			c.Close() // ends a read or write in flight
		}
		mu.Unlock()
		wg.Wait()
	})
	return srv
}

// answer reads the request's head, then writes s until the client hangs
// up or the server stops.
func answer(c net.Conn, s Shape, stop <-chan struct{}, reached func()) {
	br := bufio.NewReader(c)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		if strings.TrimRight(line, "\r\n") == "" {
			break
		}
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	write := func(p string) bool {
		if _, err := c.Write([]byte(p)); err != nil {
			return false
		}
		return true
	}
	wait := func() bool {
		select {
		case <-stop:
			return false
		case <-t.C:
			return true
		}
	}
	if s.Slow {
		for i := range len(s.Head) {
			if !write(s.Head[i:i+1]) || !wait() {
				return
			}
		}
	} else if s.Head != "" && !write(s.Head) {
		return
	}
	for first := true; wait(); first = false {
		if s.Repeat != "" && !write(s.Repeat) {
			return
		}
		if first {
			reached()
		}
	}
}

// Guard is how long a call with a one-second timeout may take before a
// test calls it hung: generous, so that a loaded machine cannot fail it.
const Guard = 10 * time.Second

// Within runs f on a goroutine and returns what it returns, failing the
// test at once if f has not returned within guard. f's goroutine is left
// to end by itself then: the server's cleanup closes its connections.
func Within[T any](t testing.TB, guard time.Duration, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(guard):
		t.Fatalf("hung: still running %v after it started", guard)
		panic("unreachable")
	}
}
