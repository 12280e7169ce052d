package amqp

import (
	"context"
	"net"
	"strings"
	"testing"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/rs/zerolog"
)

// faultProxy is an in-process toxiproxy between a client and a real server.
// Cut closes the listener and every proxied connection, as a network
// partition or a server crash would; Restore listens again on the same
// address, so a client that reconnects finds the server back.
type faultProxy struct {
	t *testing.T
	p *toxiproxy.Proxy
}

func startProxy(t *testing.T, upstream string) *faultProxy {
	t.Helper()
	srv := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop())
	p := toxiproxy.NewProxy(srv, t.Name(), "127.0.0.1:0", upstream)
	if err := p.Start(); err != nil {
		t.Fatalf("start proxy to %s: %v", upstream, err)
	}
	t.Cleanup(p.Stop)
	return &faultProxy{t: t, p: p}
}

// Addr is the address clients dial instead of the server's.
func (f *faultProxy) Addr() string { return f.p.Listen }

func (f *faultProxy) Cut() { f.p.Stop() }

func (f *faultProxy) Restore() {
	f.t.Helper()
	if err := f.p.Start(); err != nil {
		f.t.Fatalf("restore proxy on %s: %v", f.p.Listen, err)
	}
}

// Stall makes the proxy swallow everything the server sends, on open
// connections and new ones, while the connections stay up: a server that
// hangs, or a network that drops packets without resetting connections.
func (f *faultProxy) Stall() {
	f.t.Helper()
	const toxic = `{"name":"stall","type":"timeout","stream":"downstream","attributes":{"timeout":0}}`
	if _, err := f.p.Toxics.AddToxicJson(strings.NewReader(toxic)); err != nil {
		f.t.Fatalf("stall proxy: %v", err)
	}
}

// Unstall undoes Stall. What was swallowed stays lost.
func (f *faultProxy) Unstall() {
	f.t.Helper()
	if err := f.p.Toxics.RemoveToxic(context.Background(), "stall"); err != nil {
		f.t.Fatalf("unstall proxy: %v", err)
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// blackhole returns the address of a listener that accepts connections and
// never answers, like a server that hangs or a firewall that drops replies.
func blackhole(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var conns []net.Conn
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c) // held open, never read
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}
