package target

import (
	"context"
	"fmt"
	"net"
	"time"
)

// tcpTarget is healthy when its address accepts a connection.
type tcpTarget struct {
	addr    string
	shown   string
	timeout time.Duration
}

func newTCP(rest, shown string, o Options) (*tcpTarget, error) {
	addr, err := hostPort(rest, shown)
	if err != nil {
		return nil, err
	}
	if o.Insecure {
		return nil, usagef("--insecure does not apply to tcp:// targets")
	}
	return &tcpTarget{addr: addr, shown: shown, timeout: o.Timeout}, nil
}

func (t *tcpTarget) String() string { return t.shown }

func (t *tcpTarget) Close() {}

func (t *tcpTarget) Probe(ctx context.Context) Outcome {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	start := time.Now()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", t.addr)
	elapsed := time.Since(start)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		// The port neither accepted nor refused: packets are dropped.
		return Outcome{Status: Unreachable, Reason: fmt.Sprintf("no connection to %s within %v", t.addr, t.timeout), Duration: elapsed}
	}
	if err != nil {
		return Outcome{Status: Unreachable, Reason: clean(err.Error()), Duration: elapsed}
	}
	conn.Close()
	return Outcome{Status: Healthy, Reason: "connected to " + t.addr + " in " + elapsed.Round(time.Microsecond).String(), Duration: elapsed}
}

func (t *tcpTarget) Wait(ctx context.Context, interval time.Duration, onAttempt func(Attempt)) error {
	return poll(ctx, t, interval, onAttempt)
}
