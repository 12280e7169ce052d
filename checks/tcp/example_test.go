package tcp_test

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/tcp"
)

func ExampleNew() {
	// A port that accepts connections, opened here for the example.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()

	c, err := tcp.New(ln.Addr().String(), &tcp.Options{WarnAfter: 100 * time.Millisecond})
	if err != nil {
		panic(err)
	}
	r := c.Check(context.Background())
	// Pass, or Warn on a machine too busy to connect within WarnAfter.
	fmt.Println("connected:", r.Status != vitals.StatusFail)
	// Output: connected: true
}
