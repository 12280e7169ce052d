package testservice

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestClosedAddrRefuses(t *testing.T) {
	addr := ClosedAddr(t)
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host != "127.0.0.1" {
		t.Fatalf("address %q: want 127.0.0.1:port", addr)
	}
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		c.Close()
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial %s: %v, want connection refused", addr, err)
	}
}

func TestBlackholeAddrAcceptsAndNeverAnswers(t *testing.T) {
	var (
		addr string
		held net.Conn
	)
	t.Run("hangs", func(t *testing.T) {
		addr = BlackholeAddr(t)
		var err error
		held, err = net.DialTimeout("tcp", addr, time.Second) // accepted…
		if err != nil {
			t.Fatalf("dial %s: %v", addr, err)
		}
		io.WriteString(held, "hello\n")
		held.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		if _, err := held.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("read from a blackhole: %v, want a timeout", err) // …never answered
		}
	})
	if held == nil {
		return
	}
	defer held.Close()

	// The subtest's cleanup closed the listener and the held connection.
	held.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := held.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read after cleanup: %v, want the connection closed", err)
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts after cleanup", addr)
	}
}
