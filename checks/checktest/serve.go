package checktest

import (
	"net"
	"sync"
	"testing"
)

// Listen returns a TCP listener on a free port of 127.0.0.1, for [Serve]
// or a server of a checker's own protocol. It is closed when the test
// ends, if nothing has closed it before.
func Listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// Serve accepts connections on ln until the test ends, and runs handle on
// each, on a goroutine of its own, for a server a checker's test runs in
// process. At cleanup it closes ln and waits for every handler, which must
// return once its connection is closed or done. It returns ln's address.
func Serve(t testing.TB, ln net.Listener, handle func(net.Conn)) string {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// Accept fails once the listener is closed, at cleanup.
		for conn, err := ln.Accept(); err == nil; conn, err = ln.Accept() {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				handle(conn)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return ln.Addr().String()
}
