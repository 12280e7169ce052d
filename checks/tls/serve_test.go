package tlscheck_test

import (
	"crypto/tls"
	"net"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/checks/checktest"
)

// serveTLS runs a real TLS server on 127.0.0.1 presenting cert; it
// completes each handshake and closes the connection.
func serveTLS(t *testing.T, cert tls.Certificate) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	return checktest.Serve(t, ln, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		c.(*tls.Conn).Handshake()
	})
}
