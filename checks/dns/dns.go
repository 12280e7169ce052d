package dns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/report"
)

// Options configure [New]. A nil *Options means all defaults.
type Options struct {
	// Resolver resolves the name. Default net.DefaultResolver.
	Resolver *net.Resolver
	// Network selects address families: "ip" (both), "ip4" or "ip6".
	// Default "ip".
	Network string
	// MinResults is the fewest addresses that pass. Default 1.
	MinResults int
	// Expect lists addresses (e.g. "10.0.0.5", "::1") that must all be
	// among the results. Default none.
	Expect []string
	// WarnAfter reports StatusWarn when the lookup takes longer.
	// Default 0: never.
	WarnAfter time.Duration
}

// Checker resolves one host name.
type Checker struct {
	host      string
	resolver  *net.Resolver
	network   string
	min       int
	expect    []netip.Addr
	warnAfter time.Duration
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker for host. It returns an error when host is empty,
// Network is not an IP network, an expected address does not parse, or a
// number is negative.
func New(host string, opts *Options) (*Checker, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if strings.TrimSpace(host) == "" {
		return nil, errors.New("dns: host is empty")
	}
	switch o.Network {
	case "":
		o.Network = "ip"
	case "ip", "ip4", "ip6":
	default:
		return nil, fmt.Errorf("dns: network %q is not ip, ip4 or ip6", o.Network)
	}
	if o.MinResults < 0 {
		return nil, fmt.Errorf("dns: negative MinResults %d", o.MinResults)
	}
	if o.WarnAfter < 0 {
		return nil, fmt.Errorf("dns: negative WarnAfter %v", o.WarnAfter)
	}
	if o.MinResults == 0 {
		o.MinResults = 1
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	c := &Checker{host: host, resolver: o.Resolver, network: o.Network, min: o.MinResults, warnAfter: o.WarnAfter}
	for _, s := range o.Expect {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("dns: expected address: %w", err)
		}
		c.expect = append(c.expect, a.Unmap())
	}
	return c, nil
}

// Check resolves the host.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	start := time.Now()
	addrs, err := c.resolver.LookupNetIP(ctx, c.network, c.host)
	took := time.Since(start)
	ms := float64(took.Microseconds()) / 1000
	d := map[string]any{"host": c.host, "lookup_ms": ms}
	if err != nil {
		return report.Fail(d, "resolve %s: %w", c.host, err)
	}
	found := make([]string, len(addrs))
	for i, a := range addrs {
		addrs[i] = a.Unmap()
		found[i] = addrs[i].String()
	}
	d["addresses"] = found
	var missing []string
	for _, want := range c.expect {
		if !slices.Contains(addrs, want) {
			missing = append(missing, want.String())
		}
	}
	r := report.Timed(d, took, c.warnAfter, c.host+" resolved to "+strings.Join(found, ", "), "slow lookup of "+c.host)
	// A short or incomplete answer fails, however fast it came.
	switch {
	case len(addrs) < c.min:
		r.Status = vitals.StatusFail
		r.Message = fmt.Sprintf("%s resolved to %d addresses, want at least %d", c.host, len(addrs), c.min)
	case len(missing) > 0:
		r.Status = vitals.StatusFail
		r.Message = fmt.Sprintf("%s resolved to %s, missing expected %s", c.host, strings.Join(found, ", "), strings.Join(missing, ", "))
	}
	return r
}
