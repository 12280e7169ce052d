package tcp

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/endpoint"
	"github.com/vitalsgo/vitals/checks/internal/report"
)

// Options configure [New]. A nil *Options means all defaults.
type Options struct {
	// Network is "tcp", "tcp4" or "tcp6". Default "tcp".
	Network string
	// Dialer dials the address; its Timeout, LocalAddr and Resolver apply.
	// Default a zero net.Dialer. The check's context bounds every dial.
	Dialer *net.Dialer
	// WarnAfter reports StatusWarn when connecting takes longer.
	// Default 0: never.
	WarnAfter time.Duration
}

// Checker dials a TCP address.
type Checker struct {
	addr      string
	network   string
	dialer    *net.Dialer
	warnAfter time.Duration
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker for addr, host:port. It returns an error when addr
// is not host:port, Network is not a TCP network or WarnAfter is negative.
func New(addr string, opts *Options) (*Checker, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if _, err := endpoint.HostPort("tcp", addr); err != nil {
		return nil, err
	}
	switch o.Network {
	case "":
		o.Network = "tcp"
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, fmt.Errorf("tcp: network %q is not tcp, tcp4 or tcp6", o.Network)
	}
	if o.WarnAfter < 0 {
		return nil, fmt.Errorf("tcp: negative WarnAfter %v", o.WarnAfter)
	}
	if o.Dialer == nil {
		o.Dialer = &net.Dialer{}
	}
	return &Checker{addr: addr, network: o.Network, dialer: o.Dialer, warnAfter: o.WarnAfter}, nil
}

// Check connects to the address and closes the connection.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	start := time.Now()
	conn, err := c.dialer.DialContext(ctx, c.network, c.addr)
	took := time.Since(start)
	ms := float64(took.Microseconds()) / 1000
	d := map[string]any{"address": c.addr, "connect_ms": ms}
	if err != nil {
		return report.Fail(d, "connect to %s: %w", c.addr, err)
	}
	d["remote"] = conn.RemoteAddr().String()
	conn.Close()
	return report.Timed(d, took, c.warnAfter, "connected to "+c.addr, "slow connect to "+c.addr)
}
