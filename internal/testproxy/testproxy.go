package testproxy

import (
	"testing"

	"github.com/vitalsgo/vitals/internal/faultproxy"
)

// Proxy forwards TCP connections from a loopback address to a target: a
// [faultproxy.Proxy] whose faults fail the test that started it when they
// cannot be set. Its methods are safe for concurrent use; Blackhole and
// Restore must be called from the test goroutine.
type Proxy struct {
	*faultproxy.Proxy
	t testing.TB
}

// Start listens on 127.0.0.1 on a free port and forwards every connection
// to target (host:port). The proxy is closed when the test ends. Start
// fails the test if it cannot listen.
func Start(t testing.TB, target string) *Proxy {
	t.Helper()
	p, err := faultproxy.New(target, nil)
	if err != nil {
		t.Fatalf("testproxy: %v", err)
	}
	t.Cleanup(p.Close)
	return &Proxy{Proxy: p, t: t}
}

// Blackhole is [faultproxy.Proxy.Blackhole]; it fails the test if the
// proxy cannot listen again after a Cut.
func (p *Proxy) Blackhole() {
	p.t.Helper()
	if err := p.Proxy.Blackhole(); err != nil {
		p.t.Fatalf("testproxy: %v", err)
	}
}

// Restore is [faultproxy.Proxy.Restore]; it fails the test if the proxy
// cannot listen again on its port after a Cut.
func (p *Proxy) Restore() {
	p.t.Helper()
	if err := p.Proxy.Restore(); err != nil {
		p.t.Fatalf("testproxy: %v", err)
	}
}
