// Package lazyconn holds the connection of a checker that owns its client:
// dialled by the first check, dialled again by a check that finds it dead,
// and closed by the checker's Close.
//
// Dialling runs in a goroutine of its own, so that a check can give up at
// its deadline while the attempt goes on for the next check; only one
// attempt is in flight at a time, however many checks wait for it. Close
// cancels the attempt's context and waits for it, so no goroutine outlives
// the checker.
package lazyconn

import (
	"context"
	"fmt"
	"sync"
)

// Config says how to dial and drop a connection of type C.
type Config[C comparable] struct {
	// Name names the server in messages, without a password: "AMQP broker
	// at 127.0.0.1:5672". Errors read "connect to <Name>: …".
	Name string

	// Dial connects. Its context ends when the Client is closed; Dial
	// should bound itself with the checker's own timeout besides.
	Dial func(ctx context.Context) (C, error)

	// Alive reports whether a connection can still serve a check. Nil
	// means it can until it is discarded.
	Alive func(C) bool

	// Close closes the connection the Client holds at Close, and one
	// dialled after Close. The dial's context is cancelled only after it
	// returns, so that it can say goodbye to the server first.
	Close func(C) error

	// Discard closes a connection given up on, by [Client.Discard], at
	// once: the server may not be answering. Nil means Close.
	Discard func(C)

	// Closed is the error of Get after Close: the checker's ErrClosed.
	Closed error
}

// Client is a lazily dialled, re-dialled connection. Its methods are safe
// for concurrent use.
type Client[C comparable] struct {
	cfg    Config[C]
	ctx    context.Context // of every dial; cancelled by Close
	cancel context.CancelFunc

	wg sync.WaitGroup // the dial goroutine

	mu      sync.Mutex // protects the fields below
	conn    C
	ok      bool          // conn is set
	dialing chan struct{} // closed when the dial in flight ends; nil when none
	dialErr error         // of the last dial
	closed  bool
}

// New returns a Client that has not dialled yet.
func New[C comparable](cfg Config[C]) *Client[C] {
	ctx, cancel := context.WithCancel(context.Background())
	return &Client[C]{cfg: cfg, ctx: ctx, cancel: cancel}
}

// Get returns a live connection, dialling one if there is none, or an
// error when the dial fails, ctx ends first, or the Client is closed.
func (c *Client[C]) Get(ctx context.Context) (C, error) {
	var zero C
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return zero, c.cfg.Closed
	}
	if c.ok && (c.cfg.Alive == nil || c.cfg.Alive(c.conn)) {
		conn := c.conn
		c.mu.Unlock()
		return conn, nil
	}
	c.conn, c.ok = zero, false
	if c.dialing == nil {
		c.dialing = make(chan struct{})
		c.wg.Add(1)
		go c.dial()
	}
	done := c.dialing
	c.mu.Unlock()

	select {
	case <-done:
	case <-ctx.Done():
		c.mu.Lock()
		last := c.dialErr
		c.mu.Unlock()
		if last != nil {
			// Still dialling: the previous attempt says more than the deadline.
			return zero, fmt.Errorf("connect to %s: %w (previous attempt: %w)", c.cfg.Name, ctx.Err(), last)
		}
		return zero, fmt.Errorf("connect to %s: %w", c.cfg.Name, ctx.Err())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return zero, c.cfg.Closed
	case !c.ok:
		return zero, fmt.Errorf("connect to %s: %w", c.cfg.Name, c.dialErr)
	}
	return c.conn, nil
}

func (c *Client[C]) dial() {
	defer c.wg.Done()
	conn, err := c.cfg.Dial(c.ctx)

	c.mu.Lock()
	defer c.mu.Unlock()
	close(c.dialing)
	c.dialing = nil
	if err != nil {
		c.dialErr = err
		return
	}
	if c.closed {
		c.cfg.Close(conn) //nolint:errcheck // nobody is left to tell
		return
	}
	c.conn, c.ok, c.dialErr = conn, true, nil
}

// Discard closes conn if it is still the Client's connection, so that the
// next Get dials afresh: a check whose request went unanswered calls it.
func (c *Client[C]) Discard(conn C) {
	c.mu.Lock()
	if !c.ok || c.conn != conn {
		c.mu.Unlock()
		return
	}
	var zero C
	c.conn, c.ok = zero, false
	c.mu.Unlock()
	if c.cfg.Discard != nil {
		c.cfg.Discard(conn)
		return
	}
	c.cfg.Close(conn) //nolint:errcheck // the connection is abandoned
}

// Close cancels a dial in flight, closes the connection, and waits for the
// dial goroutine. Gets after Close return Config.Closed. Close is
// idempotent: a second call returns nil.
func (c *Client[C]) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	conn, ok := c.conn, c.ok
	var zero C
	c.conn, c.ok = zero, false
	c.mu.Unlock()
	var err error
	if ok {
		err = c.cfg.Close(conn)
	}
	c.cancel()
	c.wg.Wait()
	return err
}
