package faultproxy

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// echoServer answers every line with the same line.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	conns := make(chan net.Conn, 16)
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns <- c
			go func() {
				sc := bufio.NewScanner(c)
				for sc.Scan() {
					c.Write([]byte(sc.Text() + "\n"))
				}
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		close(conns)
		for c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// roundTrip sends a line through addr and returns the answer, or the error.
func roundTrip(addr string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line), err
}

func TestFaults(t *testing.T) {
	p, err := New(echoServer(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	if got, err := roundTrip(p.Addr()); err != nil || got != "ping" {
		t.Fatalf("forwarding: got %q, %v; want ping", got, err)
	}
	p.Cut()
	if _, err := roundTrip(p.Addr()); err == nil {
		t.Fatal("after Cut the echo still answered")
	}
	if err := p.Restore(); err != nil {
		t.Fatal(err)
	}
	if got, err := roundTrip(p.Addr()); err != nil || got != "ping" {
		t.Fatalf("after Restore: got %q, %v; want ping", got, err)
	}
	if err := p.Blackhole(); err != nil {
		t.Fatal(err)
	}
	_, err = roundTrip(p.Addr())
	if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		t.Fatalf("during Blackhole: err = %v, want a timeout (accepted, never answered)", err)
	}
	if err := p.Restore(); err != nil {
		t.Fatal(err)
	}
	if got, err := roundTrip(p.Addr()); err != nil || got != "ping" {
		t.Fatalf("after Blackhole and Restore: got %q, %v; want ping", got, err)
	}
}

// With DropOnRestore, a connection that was open during a Blackhole stays
// open and goes silent, as over a network that drops packets (unlike Cut),
// and Restore closes it without delivering what it held. Package testproxy's
// tests cover the default, which delivers it.
func TestDropOnRestore(t *testing.T) {
	p, err := New(echoServer(t), &Options{DropOnRestore: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	echo := func() (string, error) {
		c.SetDeadline(time.Now().Add(300 * time.Millisecond))
		if _, err := c.Write([]byte("ping\n")); err != nil {
			return "", err
		}
		return r.ReadString('\n')
	}
	if got, err := echo(); err != nil || got != "ping\n" {
		t.Fatalf("before the fault: %q, %v", got, err)
	}
	if err := p.Blackhole(); err != nil {
		t.Fatal(err)
	}
	_, err = echo()
	if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		t.Fatalf("a live connection during Blackhole: err = %v, want a timeout, not a closed connection", err)
	}
	if err := p.Restore(); err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(time.Second))
	if line, err := r.ReadString('\n'); err == nil {
		t.Fatalf("after Restore the held connection delivered %q; want it closed", line)
	}
	if got, err := roundTrip(p.Addr()); err != nil || got != "ping" {
		t.Fatalf("a new connection after Restore: %q, %v", got, err)
	}
}
