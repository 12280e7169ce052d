package lazyconn

import (
	"context"
	"net"
)

// CloseOnDone returns conn, closed when ctx ends: a client library's dial
// function wraps its sockets with it, so that [Client.Close], which
// cancels the dial's context, ends a handshake the server leaves
// unanswered. Closing the returned conn unregisters it, so a client that
// reconnects often does not pile registrations up on a long-lived ctx.
func CloseOnDone(ctx context.Context, conn net.Conn) net.Conn {
	c := &closeOnDone{Conn: conn}
	c.stop = context.AfterFunc(ctx, func() { conn.Close() })
	return c
}

type closeOnDone struct {
	net.Conn
	stop func() bool
}

func (c *closeOnDone) Close() error {
	c.stop()
	return c.Conn.Close()
}
