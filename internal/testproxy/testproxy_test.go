package testproxy_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/faultproxy"
	"github.com/vitalsgo/vitals/internal/testproxy"
)

// echoServer is a real TCP server on loopback that echoes each line back.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	conns := map[net.Conn]struct{}{}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = struct{}{}
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				io.Copy(c, c)
				c.Close()
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// roundTrip sends a line through addr and reads it back.
func roundTrip(t *testing.T, c net.Conn, line string) error {
	t.Helper()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		return err
	}
	got, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if got != line+"\n" {
		t.Fatalf("echo = %q, want %q", got, line)
	}
	return nil
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// connected dials p and checks that a line goes through.
func connected(t *testing.T, p *testproxy.Proxy) net.Conn {
	t.Helper()
	c := dial(t, p.Addr())
	if err := roundTrip(t, c, "before"); err != nil {
		t.Fatal(err)
	}
	return c
}

// wantClosed asserts that c was closed: a read ends at once, not at a
// timeout.
func wantClosed(t *testing.T, c net.Conn, what string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("%s: read %v, want the connection closed", what, err)
	}
}

func TestForwards(t *testing.T) {
	p := testproxy.Start(t, echoServer(t))
	if p.Addr() == "" || p.Target() == "" {
		t.Fatal("empty address")
	}
	c := dial(t, p.Addr())
	for _, line := range []string{"one", "two"} {
		if err := roundTrip(t, c, line); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCutClosesLiveAndRefusesNew(t *testing.T) {
	p := testproxy.Start(t, echoServer(t))
	live := connected(t, p)

	p.Cut()
	if err := roundTrip(t, live, "during"); err == nil {
		t.Fatal("a live connection still works after Cut")
	}
	_, err := net.DialTimeout("tcp", p.Addr(), 2*time.Second)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial after Cut: %v, want connection refused", err)
	}

	p.Restore()
	if err := roundTrip(t, dial(t, p.Addr()), "after"); err != nil {
		t.Fatalf("after Restore: %v", err)
	}
}

// wantSilent asserts that nothing, neither data nor the end of the
// stream, arrives on c for a short while.
func wantSilent(t *testing.T, c net.Conn, what string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	n, err := c.Read(make([]byte, 1))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("%s: read %d bytes, %v; want a timeout", what, n, err)
	}
}

// wantLine asserts that line is the next thing c receives.
func wantLine(t *testing.T, r *bufio.Reader, c net.Conn, line string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	got, err := r.ReadString('\n')
	if err != nil || got != line+"\n" {
		t.Fatalf("read %q, %v; want %q", got, err, line)
	}
}

func TestBlackholeHoldsLiveAndNewConnections(t *testing.T) {
	p := testproxy.Start(t, echoServer(t))
	live := connected(t, p)

	p.Blackhole()
	p.Blackhole() // idempotent
	io.WriteString(live, "during\n")
	wantSilent(t, live, "live connection in a blackhole")
	held := dial(t, p.Addr()) // accepted…
	io.WriteString(held, "hello\n")
	wantSilent(t, held, "new connection in a blackhole") // …but never answered

	// Both connections carry on, and what was sent meanwhile arrives.
	p.Restore()
	for _, tt := range []struct {
		c    net.Conn
		line string
	}{{live, "during"}, {held, "hello"}} {
		wantLine(t, bufio.NewReader(tt.c), tt.c, tt.line)
		if err := roundTrip(t, tt.c, "after"); err != nil {
			t.Fatalf("after Restore: %v", err)
		}
	}
	if err := roundTrip(t, dial(t, p.Addr()), "new"); err != nil {
		t.Fatalf("after Restore: %v", err)
	}
}

// With faultproxy's DropOnRestore (what the detection benchmark uses), the
// same blackhole ends differently: Restore closes the connections it held,
// live and new, without delivering what they sent, and new ones work. The
// engine is tested here, through the wrapper the checkers' tests use, and
// directly where the wrapper has no say.
func TestDropOnRestore(t *testing.T) {
	fp, err := faultproxy.New(echoServer(t), &faultproxy.Options{DropOnRestore: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fp.Close)
	live := dial(t, fp.Addr())
	if err := roundTrip(t, live, "before"); err != nil {
		t.Fatal(err)
	}

	if err := fp.Blackhole(); err != nil {
		t.Fatal(err)
	}
	io.WriteString(live, "during\n")
	wantSilent(t, live, "live connection in a blackhole")
	held := dial(t, fp.Addr())
	io.WriteString(held, "hello\n")
	wantSilent(t, held, "new connection in a blackhole")

	if err := fp.Restore(); err != nil {
		t.Fatal(err)
	}
	wantClosed(t, live, "live connection after Restore")
	wantClosed(t, held, "held connection after Restore")
	if err := roundTrip(t, dial(t, fp.Addr()), "new"); err != nil {
		t.Fatalf("after Restore: %v", err)
	}
}

// TestBlackholeHoldsClose: a blackhole hides from each side that the other
// closed, until Restore delivers the rest of the stream and its end.
func TestBlackholeHoldsClose(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	p := testproxy.Start(t, ln.Addr().String())
	client := dial(t, p.Addr())
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()

	p.Blackhole()
	io.WriteString(server, "last words\n")
	server.Close()
	wantSilent(t, client, "client after the server closed in a blackhole")

	p.Restore()
	r := bufio.NewReader(client)
	wantLine(t, r, client, "last words")
	if _, err := r.ReadByte(); err != io.EOF {
		t.Fatalf("read after the last line: %v, want EOF", err)
	}
}

// TestBlackholeEndsInCutOrClose: a Cut or Close during a Blackhole
// closes the connections it holds, live and new, and ends their goroutines
// (goleak in TestMain checks it) without waiting for a Restore.
func TestBlackholeEndsInCutOrClose(t *testing.T) {
	tests := []struct {
		name     string
		end      func(*testproxy.Proxy)
		forwards bool // after Restore
	}{
		{"Cut", (*testproxy.Proxy).Cut, true},
		{"Close", (*testproxy.Proxy).Close, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testproxy.Start(t, echoServer(t))
			live := connected(t, p)
			p.Blackhole()
			io.WriteString(live, "during\n")
			held := dial(t, p.Addr())
			wantSilent(t, held, "new connection in a blackhole")

			tt.end(p)
			wantClosed(t, live, "live connection after "+tt.name)
			wantClosed(t, held, "held connection after "+tt.name)
			if !tt.forwards {
				return
			}
			p.Restore()
			if err := roundTrip(t, dial(t, p.Addr()), "after"); err != nil {
				t.Fatalf("after Restore: %v", err)
			}
		})
	}
}

// TestCutThenBlackhole: the live connections close, the new ones hang.
func TestCutThenBlackhole(t *testing.T) {
	p := testproxy.Start(t, echoServer(t))
	live := connected(t, p)
	p.Cut()
	p.Cut() // idempotent
	p.Blackhole()
	if err := roundTrip(t, live, "during"); err == nil {
		t.Fatal("a live connection still works after Cut and Blackhole")
	}
	c := dial(t, p.Addr()) // listening again, but silent
	io.WriteString(c, "x\n")
	wantSilent(t, c, "new connection in a blackhole")
	p.Restore()
	p.Restore() // idempotent
	wantLine(t, bufio.NewReader(c), c, "x")
	if err := roundTrip(t, dial(t, p.Addr()), "y"); err != nil {
		t.Fatal(err)
	}
}

func TestTargetDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	target := ln.Addr().String()
	ln.Close()
	p := testproxy.Start(t, target)
	wantClosed(t, dial(t, p.Addr()), "through a proxy to a closed port")
}

func TestCloseStopsEverything(t *testing.T) {
	p := testproxy.Start(t, echoServer(t))
	c := connected(t, p)
	p.Close() // goleak in TestMain checks that its goroutines are gone
	p.Close()
	if err := roundTrip(t, c, "y"); err == nil {
		t.Fatal("connection still forwarded after Close")
	}
	if _, err := net.DialTimeout("tcp", p.Addr(), time.Second); err == nil {
		t.Fatal("proxy still accepts after Close")
	}
	p.Cut()
	p.Blackhole()
	p.Restore() // no-ops after Close
}
