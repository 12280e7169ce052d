package testservice

import (
	"net"
	"sync"
	"testing"
)

// ClosedAddr returns a loopback address, host:port on 127.0.0.1, where
// nothing listens: connecting to it is refused at once, as with a server
// that is down. It fails the test if it cannot find a free port.
//
// The port is free when ClosedAddr returns, so a test can also use it to
// start a server of its own there.
func ClosedAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testservice: listen: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// BlackholeAddr returns the address, host:port on 127.0.0.1, of a listener
// that accepts connections and never reads or answers them: a server that
// hangs, or a firewall that drops replies. A client waits until its own
// timeout or its context ends. The listener, its goroutine and every
// connection it accepted are closed and waited for when the test ends, so
// tests that run goleak stay clean.
//
// To make a real server hang part-way through a test, put a
// testproxy.Proxy in front of it and call its Blackhole method instead.
func BlackholeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testservice: listen: %v", err)
	}
	var (
		mu    sync.Mutex // protects conns
		conns []net.Conn
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed at cleanup
			}
			mu.Lock()
			conns = append(conns, c) // held open, never read
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}
