package faultproxy

import (
	"errors"
	"net"
	"sync"
	"time"
)

type mode int

const (
	forwarding mode = iota
	refusing
	blackholing
)

// Proxy forwards connections from its loopback address to a target.
// Its methods are safe for concurrent use.
type Proxy struct {
	target string
	addr   string

	mu     sync.Mutex // protects the fields below
	ln     net.Listener
	mode   mode
	conns  map[net.Conn]struct{} // live client and upstream connections
	held   chan struct{}         // open while blackholing; closed by Restore or Close
	closed bool

	wg sync.WaitGroup // every goroutine the proxy starts
}

// New listens on a free port of 127.0.0.1 and forwards every connection to
// target (host:port).
func New(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{target: target, addr: ln.Addr().String(), ln: ln, conns: map[net.Conn]struct{}{}}
	p.serve(ln)
	return p, nil
}

// Addr returns the proxy's address; it stays the same across faults.
func (p *Proxy) Addr() string { return p.addr }

// Cut closes every live connection and refuses new ones until Restore.
func (p *Proxy) Cut() error { return p.set(refusing) }

// Blackhole makes the path silent, as a hung server or a network that
// drops packets: until Restore, live connections stay open but nothing is
// forwarded either way, and new connections are accepted and never
// answered. A client waits for its own timeout.
func (p *Proxy) Blackhole() error { return p.set(blackholing) }

// Restore ends a fault: every connection that lived through it is closed
// (what a blackhole held is not delivered) and new ones are forwarded again.
func (p *Proxy) Restore() error { return p.set(forwarding) }

func (p *Proxy) set(m mode) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errors.New("faultproxy: closed")
	}
	if p.mode == m {
		return nil
	}
	if m == blackholing {
		p.mode = m
		p.held = make(chan struct{})
		return p.listenLocked()
	}
	// Close before releasing, so that nothing a blackhole held gets through.
	p.closeConnsLocked()
	p.releaseLocked()
	p.mode = m
	if m == refusing {
		if p.ln != nil {
			p.ln.Close()
			p.ln = nil
		}
		return nil
	}
	return p.listenLocked()
}

// listenLocked listens again on the proxy's address if a Cut closed the
// listener.
func (p *Proxy) listenLocked() error {
	if p.ln != nil {
		return nil
	}
	// The port was released at Cut; listeners set SO_REUSEADDR, so only
	// another process that bound it meanwhile stops us.
	var err error
	for range 20 {
		var ln net.Listener
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			p.ln = ln
			p.serve(ln)
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return err
}

// Close stops the proxy, closes every connection and waits for its
// goroutines.
func (p *Proxy) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		if p.ln != nil {
			p.ln.Close()
			p.ln = nil
		}
		p.closeConnsLocked()
		p.releaseLocked()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// releaseLocked ends the wait of every copy a blackhole holds.
func (p *Proxy) releaseLocked() {
	if p.held != nil {
		close(p.held)
		p.held = nil
	}
}

// hold blocks while the proxy blackholes.
func (p *Proxy) hold() {
	p.mu.Lock()
	held := p.held
	p.mu.Unlock()
	if held != nil {
		<-held
	}
}

func (p *Proxy) closeConnsLocked() {
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// track registers c so that faults and Close can close it; it reports
// false, having closed c, when the proxy closed meanwhile.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		c.Close()
		delete(p.conns, c)
	}
}

func (p *Proxy) serve(ln net.Listener) {
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed by Cut or Close
			}
			if !p.track(c) {
				continue
			}
			p.mu.Lock()
			hold := p.mode == blackholing
			p.mu.Unlock()
			if hold {
				continue // kept open, never read: Restore or Close closes it
			}
			p.wg.Go(func() { p.forward(c) })
		}
	})
}

func (p *Proxy) forward(c net.Conn) {
	up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		p.untrack(c)
		return
	}
	if !p.track(up) {
		p.untrack(c)
		return
	}
	done := make(chan struct{})
	p.wg.Go(func() {
		p.copy(up, c)
		p.untrack(c, up) // closing both ends the other copy too
		close(done)
	})
	p.copy(c, up)
	p.untrack(c, up)
	<-done
}

// copy forwards src to dst until either fails. What it reads during a
// blackhole waits for the blackhole to end, and by then Restore has closed
// both connections, so it is never delivered.
func (p *Proxy) copy(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		p.hold()
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
