//go:build linux

package dropaddr

import (
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// probeTimeout is how long New waits to see a SYN dropped.
const probeTimeout = 20 * time.Millisecond

// New returns host:port on 127.0.0.1 where connecting hangs until the
// caller's timeout. The socket and the connections that fill its queue are
// closed when the test ends.
func New(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("dropaddr: socket: %v", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("dropaddr: bind: %v", err)
	}
	// Backlog 0: one connection fills the queue, and nothing accepts it.
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatalf("dropaddr: listen: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("dropaddr: getsockname: %v", err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))
	// Fill the queue, then make sure the next SYN is dropped: the last
	// ACK of a filling connection may still be on its way.
	for range 3 {
		c, err := net.DialTimeout("tcp", addr, probeTimeout)
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				return addr
			}
			t.Fatalf("dropaddr: dial %s: %v", addr, err)
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Skipf("dropaddr: connections to a full listen queue at %s are not dropped here", addr)
	return ""
}
