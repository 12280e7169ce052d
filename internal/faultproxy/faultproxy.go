package faultproxy

import (
	"fmt"
	"net"
	"sync"
	"time"
)

// dialTimeout bounds the connection to the target, so a forwarding
// goroutine never outlives a target that does not answer by much.
const dialTimeout = 5 * time.Second

// copyBuffer is the size of the chunks a connection is forwarded in.
const copyBuffer = 32 << 10

type mode int

const (
	forwarding  mode = iota
	refusing         // Cut: listener closed
	blackholing      // Blackhole: accept and hold, forward nothing
)

// Options configure a [Proxy]. The zero value is the default.
type Options struct {
	// DropOnRestore makes Restore close every connection that lived
	// through the fault, so that nothing a Blackhole held is delivered: a
	// partition long enough for both ends to give up. By default what was
	// held is delivered after Restore, as TCP does once a network heals.
	DropOnRestore bool
}

// Proxy forwards TCP connections from a loopback address to a target. Its
// methods are safe for concurrent use.
type Proxy struct {
	target string
	addr   string
	drop   bool // Options.DropOnRestore

	mu    sync.Mutex // protects the fields below
	ln    net.Listener
	mode  mode
	conns map[net.Conn]struct{} // accepted and upstream connections alive now
	// held is open while the proxy blackholes and closed otherwise; a
	// forwarding goroutine waits on it before it dials, writes or closes.
	held   chan struct{}
	closed bool

	wg sync.WaitGroup // every goroutine the proxy starts
}

// New listens on 127.0.0.1 on a free port and forwards every connection
// to target (host:port), until [Proxy.Close]. opts may be nil.
func New(target string, opts *Options) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p := &Proxy{target: target, addr: ln.Addr().String(), ln: ln, conns: map[net.Conn]struct{}{}}
	if opts != nil {
		p.drop = opts.DropOnRestore
	}
	p.serve(ln)
	return p, nil
}

// Addr returns the proxy's address, host:port on 127.0.0.1. It stays the
// same across Cut and Restore.
func (p *Proxy) Addr() string { return p.addr }

// Target returns the address the proxy forwards to.
func (p *Proxy) Target() string { return p.target }

// Cut closes every live connection and refuses new ones until [Proxy.Restore]:
// a client sees "connection refused", as if the server were stopped.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.releaseLocked() // the goroutines of held connections see them closed and end
	p.mode = refusing
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	p.closeConnsLocked()
}

// Blackhole makes the proxy silent, as a server that hangs or a network
// that drops every packet without resetting a connection: until
// [Proxy.Restore], nothing is forwarded in either direction on the live
// connections, which stay open, and new connections are accepted but not
// forwarded either. A client waits until its own timeout. What the client
// and the server send meanwhile is held, not lost, and is delivered after
// Restore, as TCP would once the network heals (unless
// [Options.DropOnRestore]).
//
// To hang only new connections, as a server that crashed and came back
// hung, call [Proxy.Cut] first: it closes the live ones. After a Cut,
// Blackhole listens again on the proxy's port; the error says so if it
// cannot. On a closed proxy it does nothing.
func (p *Proxy) Blackhole() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.mode == blackholing {
		return nil
	}
	p.mode = blackholing
	p.held = make(chan struct{})
	return p.relistenLocked()
}

// Restore ends a Cut or a Blackhole, and the proxy forwards again. After a
// Blackhole, the connections it held, live and new, are forwarded from
// where they stopped (a new one is connected to the target only now), or
// closed with [Options.DropOnRestore]. After a Cut the proxy listens again
// on the same port; the error says so if that port was taken in the
// meantime. On a closed proxy it does nothing.
func (p *Proxy) Restore() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.mode == forwarding {
		return nil
	}
	if p.drop {
		// Closed before they are released, so nothing held gets through.
		p.closeConnsLocked()
	}
	p.releaseLocked()
	p.mode = forwarding
	return p.relistenLocked()
}

// Close stops the proxy: the listener and every connection are closed and
// Close waits for all of the proxy's goroutines. It is safe to call more
// than once.
func (p *Proxy) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		p.releaseLocked()
		if p.ln != nil {
			p.ln.Close()
			p.ln = nil
		}
		p.closeConnsLocked()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// relistenLocked listens on the proxy's address again if a Cut closed the
// listener.
func (p *Proxy) relistenLocked() error {
	if p.ln != nil {
		return nil
	}
	var (
		ln  net.Listener
		err error
	)
	// The port was released at Cut. Listeners set SO_REUSEADDR, so
	// connections in TIME_WAIT do not block it; only another process that
	// bound it meanwhile does, and retrying briefly will not help then.
	for range 10 {
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("faultproxy: listen again on %s: %w", p.addr, err)
	}
	p.ln = ln
	p.serve(ln)
	return nil
}

// releaseLocked ends the wait of every goroutine a Blackhole holds.
func (p *Proxy) releaseLocked() {
	if p.held != nil {
		close(p.held)
		p.held = nil
	}
}

// wait blocks while the proxy blackholes. It reports whether c is still
// live afterwards: Cut and Close close connections and end the wait too.
func (p *Proxy) wait(c net.Conn) bool {
	p.mu.Lock()
	held := p.held
	p.mu.Unlock()
	if held != nil {
		<-held
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_, live := p.conns[c]
	return live
}

func (p *Proxy) closeConnsLocked() {
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// trackLocked registers c so that Cut, Blackhole and Close can close it;
// it reports false, having closed c, when the proxy is closed.
func (p *Proxy) trackLocked(c net.Conn) bool {
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

// serve starts the accept loop of ln; it ends when ln is closed.
func (p *Proxy) serve(ln net.Listener) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed by Cut, Blackhole→Restore or Close
			}
			p.accepted(c)
		}
	}()
}

func (p *Proxy) accepted(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.trackLocked(c) {
		return
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.forward(c)
	}()
}

// forward connects c to the target and copies both ways until either side
// closes or the proxy closes them. A connection accepted during a
// Blackhole waits for Restore before the target is dialled.
func (p *Proxy) forward(c net.Conn) {
	if !p.wait(c) {
		p.untrack(c)
		return
	}
	up, err := net.DialTimeout("tcp", p.target, dialTimeout)
	if err != nil {
		p.untrack(c)
		return
	}
	p.mu.Lock()
	_, live := p.conns[c] // a Cut during the dial closed c already
	if !live || !p.trackLocked(up) {
		up.Close()
		p.mu.Unlock()
		p.untrack(c)
		return
	}
	p.mu.Unlock()

	done := make(chan struct{})
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.copy(up, c)
		// Closing both ends the other copy too: the protocols under test
		// do not rely on half-closed connections.
		p.untrack(c, up)
		close(done)
	}()
	p.copy(c, up)
	p.untrack(c, up)
	<-done
}

// copy forwards src to dst until either fails. What it reads during a
// Blackhole, a chunk or the end of the stream, waits for the Blackhole to
// end, so that neither side sees the other close either; a chunk read
// before is let through.
func (p *Proxy) copy(dst, src net.Conn) {
	buf := make([]byte, copyBuffer)
	for {
		n, err := src.Read(buf)
		if !p.wait(dst) {
			return
		}
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
