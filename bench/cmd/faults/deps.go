package main

import (
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"sync"
	"time"
)

// listener is a real TCP dependency on 127.0.0.1: healthy ones greet every
// connection with a byte, blackholed ones accept and never answer, holding
// what they accepted until closed.
type listener struct {
	ln    net.Listener
	greet bool

	mu    sync.Mutex // protects conns
	conns []net.Conn
	wg    sync.WaitGroup
}

func listen(greet bool) (*listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	l := &listener{ln: ln, greet: greet}
	l.wg.Add(1)
	go l.serve()
	return l, nil
}

func (l *listener) Addr() string { return l.ln.Addr().String() }

func (l *listener) serve() {
	defer l.wg.Done()
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return
		}
		if l.greet {
			c.Write([]byte{'+'})
			c.Close()
			continue
		}
		// Held silent until the client gives up: read (and drop) until it
		// closes, so the connections of abandoned runs do not pile up in
		// this process and pass for the monitor's memory.
		l.mu.Lock()
		l.conns = append(l.conns, c)
		l.mu.Unlock()
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			io.Copy(io.Discard, c)
			c.Close()
			l.forget(c)
		}()
	}
}

func (l *listener) forget(c net.Conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i := slices.Index(l.conns, c); i >= 0 {
		l.conns = slices.Delete(l.conns, i, i+1)
	}
}

func (l *listener) Close() {
	l.ln.Close()
	l.mu.Lock()
	for _, c := range l.conns {
		c.Close()
	}
	l.mu.Unlock()
	l.wg.Wait()
}

// greeting dials addr and reads its one-byte greeting within ctx, as a
// client library's ping does: against a blackhole it waits for ctx.
func greeting(ctx context.Context, addr string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	var b [1]byte
	if _, err := io.ReadFull(c, b[:]); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	if b[0] != '+' {
		return errors.New("bad greeting")
	}
	return nil
}
