package checktest_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
)

// pinger is a checker of a line protocol: it dials, sends "PING" and
// wants "PONG". It is what the suite expects of a checker, in few lines.
type pinger struct {
	addr string

	mu     sync.Mutex // protects closed
	closed bool
}

func (p *pinger) Check(ctx context.Context) (out vitals.Result) {
	defer func(start time.Time) { out.Duration = time.Since(start) }(time.Now())
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		return vitals.Failf("pinger: %w", errors.New("closed"))
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", p.addr)
	if err != nil {
		return vitals.Failf("connect to %s: %w", p.addr, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	fmt.Fprintln(conn, "PING")
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return vitals.Failf("ping %s: %w", p.addr, err)
	}
	r := vitals.Result{Status: vitals.StatusPass}
	r.Details = map[string]any{"reply": line}
	return r
}

func (p *pinger) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	return nil
}

// serve answers PONG to every line until the test ends.
func serve(t *testing.T) string {
	return checktest.Serve(t, checktest.Listen(t), func(conn net.Conn) {
		for s := bufio.NewScanner(conn); s.Scan(); {
			fmt.Fprintln(conn, "PONG")
		}
	})
}

func TestRun(t *testing.T) {
	checktest.Run(t, checktest.Config{
		Name: "the PONG server",
		Addr: serve(t),
		Open: func(addr string) (checktest.Checker, error) {
			return &pinger{addr: addr}, nil
		},
		Details: []string{"reply"},
	})
}
