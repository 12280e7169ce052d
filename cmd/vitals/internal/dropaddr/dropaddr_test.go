package dropaddr_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/cmd/vitals/internal/dropaddr"
)

// A connection to the address is neither made nor refused: the dial ends
// with the caller's deadline, every time.
func TestNewDropsConnections(t *testing.T) {
	addr := dropaddr.New(t)
	for range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		cancel()
		if err == nil {
			c.Close()
			t.Fatal("connected")
		}
		if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
			t.Fatalf("dial: %v, want a timeout", err)
		}
	}
}
