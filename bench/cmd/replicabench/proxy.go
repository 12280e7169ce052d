package main

import (
	"net"

	"github.com/vitalsgo/vitals/internal/faultproxy"
)

// Each replica reaches PostgreSQL through a faultproxy, so that the
// harness can cut that replica alone from the database.

// newProxy returns a replica's proxy to target. Restored, it closes every
// connection that lived through the cut: nothing held is delivered late.
func newProxy(target string) (*faultproxy.Proxy, error) {
	return faultproxy.New(target, &faultproxy.Options{DropOnRestore: true})
}

// partition cuts p as a network partition looks to the client: its live
// connections are closed, and new ones are accepted and held without a
// byte either way until heal.
func partition(p *faultproxy.Proxy) error {
	p.Cut()
	return p.Blackhole()
}

// heal ends a partition: every held connection is closed, and new ones
// are forwarded.
func heal(p *faultproxy.Proxy) error { return p.Restore() }

// fakeAddr is a listener that only has an address, for writing a file.
type fakeAddr string

func (a fakeAddr) Accept() (net.Conn, error) { return nil, net.ErrClosed }
func (a fakeAddr) Close() error              { return nil }
func (a fakeAddr) Addr() net.Addr            { return addr(a) }

type addr string

func (a addr) Network() string { return "tcp" }
func (a addr) String() string  { return string(a) }
