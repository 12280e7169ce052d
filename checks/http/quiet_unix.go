//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package httpcheck

import (
	"net"
	"syscall"
)

// quiet reports whether nothing waits to be read on conn, an idle kept
// connection, not even its end: a peek that does not block (one system
// call) finds it would block.
func quiet(conn net.Conn) bool {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	var b [1]byte
	var perr error
	if err := rc.Read(func(fd uintptr) bool {
		_, _, perr = syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return true // never wait for the poller
	}); err != nil {
		return false
	}
	return perr == syscall.EAGAIN || perr == syscall.EWOULDBLOCK
}

// canPeek: quiet looks at the connection.
const canPeek = true
