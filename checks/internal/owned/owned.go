// Package owned holds the client a checker's Open makes and its Close
// closes. A checker made by New owns nothing: its client is the
// application's, and Close leaves it alone.
package owned

import "sync/atomic"

// Client is the client, pool or transport a checker's Open made. The zero
// value owns nothing, as for a checker made by New. A Client must not be
// copied.
type Client struct {
	close  func() error
	closed atomic.Bool // set by the first Close of an owned client
}

// Adopt ends a checker package's Open, once Open has made dep: it returns
// newFn(dep, opts), the package's New, with the checker's Client (which
// owner returns) set to close dep with closeFn. When newFn fails, Adopt
// closes dep itself, since no checker will.
func Adopt[D, O, C any](newFn func(D, *O) (*C, error), dep D, opts *O, closeFn func() error, owner func(*C) *Client) (*C, error) {
	c, err := newFn(dep, opts)
	if err != nil {
		closeFn()
		return nil, err
	}
	owner(c).close = closeFn
	return c, nil
}

// Close closes the owned client the first time it is called and returns
// what closing it returned; later calls, and calls on a Client that owns
// nothing, do nothing and return nil.
func (o *Client) Close() error {
	if o.close == nil || o.closed.Swap(true) {
		return nil
	}
	return o.close()
}

// Closed reports whether Close has closed an owned client. A checker's
// check then fails with the package's ErrClosed rather than use a closed
// client.
func (o *Client) Closed() bool {
	return o.closed.Load()
}
