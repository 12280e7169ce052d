package main

import (
	"io"
	"net"
	"sync"
)

// proxy forwards one replica's connections to PostgreSQL, so that the
// harness can cut that replica alone from the database. While cut, its
// live connections are closed and new ones are accepted and held without
// a byte either way (a black hole, as a partition looks to the client),
// until the proxy is restored.
type proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex // protects the fields below
	cut   bool
	conns map[net.Conn]bool // every accepted connection still open
	wg    sync.WaitGroup
}

func newProxy(target string) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// Addr is where the replica connects.
func (p *proxy) Addr() string { return p.ln.Addr().String() }

func (p *proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.conns[c] = true
		cut := p.cut
		p.mu.Unlock()
		if cut {
			continue // held until restore or Close closes it
		}
		p.wg.Add(1)
		go p.forward(c)
	}
}

func (p *proxy) forward(c net.Conn) {
	defer p.wg.Done()
	defer p.drop(c)
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	p.mu.Lock()
	p.conns[up] = true
	p.mu.Unlock()
	defer p.drop(up)
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, c); done <- struct{}{} }()
	go func() { io.Copy(c, up); done <- struct{}{} }()
	<-done
	c.Close()
	up.Close()
	<-done
}

func (p *proxy) drop(c net.Conn) {
	c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

// setCut cuts the proxy (true) or restores it (false); either way every
// open connection is closed.
func (p *proxy) setCut(cut bool) {
	p.mu.Lock()
	p.cut = cut
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
	p.mu.Unlock()
}

// Close stops the proxy and closes its connections.
func (p *proxy) Close() {
	p.ln.Close()
	p.setCut(true)
	p.wg.Wait()
}

// fakeAddr is a listener that only has an address, for sizing a file.
type fakeAddr string

func (a fakeAddr) Accept() (net.Conn, error) { return nil, net.ErrClosed }
func (a fakeAddr) Close() error              { return nil }
func (a fakeAddr) Addr() net.Addr            { return addr(a) }

type addr string

func (a addr) Network() string { return "tcp" }
func (a addr) String() string  { return string(a) }
