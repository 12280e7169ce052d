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
	live := dial(t, p.Addr())
	if err := roundTrip(t, live, "before"); err != nil {
		t.Fatal(err)
	}

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

func TestBlackholeAcceptsAndNeverAnswers(t *testing.T) {
	p := testproxy.Start(t, echoServer(t))
	live := dial(t, p.Addr())
	if err := roundTrip(t, live, "before"); err != nil {
		t.Fatal(err)
	}

	p.Blackhole()
	if err := roundTrip(t, live, "during"); err == nil {
		t.Fatal("a live connection still works after Blackhole")
	}
	held := dial(t, p.Addr()) // accepted…
	held.SetDeadline(time.Now().Add(200 * time.Millisecond))
	io.WriteString(held, "hello\n")
	_, err := held.Read(make([]byte, 1)) // …but never answered
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read in a blackhole: %v, want a timeout", err)
	}

	p.Restore()
	held.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := held.Read(make([]byte, 1)); err == nil {
		t.Fatal("Restore left a blackholed connection open")
	}
	if err := roundTrip(t, dial(t, p.Addr()), "after"); err != nil {
		t.Fatalf("after Restore: %v", err)
	}
}

func TestCutThenBlackholeThenRestore(t *testing.T) {
	p := testproxy.Start(t, echoServer(t))
	p.Cut()
	p.Cut() // idempotent
	p.Blackhole()
	c := dial(t, p.Addr()) // listening again, but silent
	c.SetDeadline(time.Now().Add(100 * time.Millisecond))
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read: %v, want a timeout", err)
	}
	p.Restore()
	p.Restore() // idempotent
	if err := roundTrip(t, dial(t, p.Addr()), "x"); err != nil {
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
	c := dial(t, p.Addr())
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read through a proxy to a closed port: %v, want the connection closed", err)
	}
}

func TestCloseStopsEverything(t *testing.T) {
	p := testproxy.Start(t, echoServer(t))
	c := dial(t, p.Addr())
	if err := roundTrip(t, c, "x"); err != nil {
		t.Fatal(err)
	}
	p.Close() // goleak in TestMain checks that its goroutines are gone
	p.Close()
	if err := roundTrip(t, c, "y"); err == nil {
		t.Fatal("connection still forwarded after Close")
	}
	if _, err := net.DialTimeout("tcp", p.Addr(), time.Second); err == nil {
		t.Fatal("proxy still accepts after Close")
	}
	p.Cut()
	p.Restore() // no-ops after Close
}
