package checktest

import (
	"net"
	"sync"
	"testing"
)

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
