package amqp

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/vitalsgo/vitals/redact"
)

// ErrClosed is the error of a check run on a Checker after [Checker.Close].
var ErrClosed = errors.New("amqp: checker closed")

// Open returns a Checker that owns its connection to the broker at rawURL
// ("amqp://user:pass@host:5672/vhost"), for configuration-driven use. It
// does not connect: the first check does, and a check that finds the
// connection closed dials again, so a broker that is down when Open is
// called is a failing check, not an error, and the checker recovers when
// the broker is back. A check whose request the broker leaves unanswered
// past the deadline closes the connection, and the next check dials a new
// one. Close releases the connection.
//
// Open returns an error, without the URL's password, when rawURL does not
// parse or the options are invalid.
func Open(rawURL string, opts *Options) (*Checker, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if _, err := amqp.ParseURI(rawURL); err != nil {
		return nil, fmt.Errorf("amqp: invalid URL %s: %w", redact.URL(rawURL), redact.Error(err))
	}
	var cfg amqp.Config
	if o.Config != nil {
		cfg = *o.Config
	}
	if cfg.Dial == nil {
		cfg.Dial = amqp.DefaultDial(o.Timeout)
	}
	if cfg.Properties == nil {
		cfg.Properties = amqp.NewConnectionProperties()
		cfg.Properties.SetClientConnectionName("vitals")
	}
	return &Checker{opts: o, owned: &owner{
		url:      rawURL,
		redacted: redact.URL(rawURL),
		cfg:      cfg,
	}}, nil
}

// Close closes the connection of a Checker made by [Open] and waits for its
// goroutines: a dial in flight ends within Options.Timeout. Checks after
// Close fail with [ErrClosed]. For a Checker made by [New], Close does
// nothing: the caller owns the connection, and a request still in flight
// ends when the broker answers or the connection closes.
func (c *Checker) Close() error {
	if c.owned == nil {
		return nil
	}
	err := c.owned.close()
	c.wg.Wait()
	return err
}

// owner holds the connection of a Checker made by Open. Dialing runs in a
// goroutine of its own so that a check can give up at its deadline while the
// attempt, bounded by the dial timeout, finishes for the next check.
type owner struct {
	url      string
	redacted string // url without its password, for messages
	cfg      amqp.Config

	wg sync.WaitGroup // the dial goroutine

	mu      sync.Mutex // protects the fields below
	conn    *amqp.Connection
	dialing chan struct{} // closed when the dial in flight ends; nil when none
	dialErr error         // of the last dial, without the URL
	closed  bool
}

// get returns an open connection, dialing one if needed, or an error when
// that fails or ctx ends first.
func (o *owner) get(ctx context.Context) (Conn, error) {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return nil, ErrClosed
	}
	if o.conn != nil && !o.conn.IsClosed() {
		conn := o.conn
		o.mu.Unlock()
		return conn, nil
	}
	o.conn = nil
	if o.dialing == nil {
		o.dialing = make(chan struct{})
		o.wg.Add(1)
		go o.dial()
	}
	done := o.dialing
	o.mu.Unlock()

	select {
	case <-done:
	case <-ctx.Done():
		o.mu.Lock()
		last := o.dialErr
		o.mu.Unlock()
		if last != nil {
			// Still dialing: the previous attempt says more than the deadline.
			return nil, fmt.Errorf("connect to AMQP broker at %s: %w (previous attempt: %w)", o.redacted, ctx.Err(), last)
		}
		return nil, fmt.Errorf("connect to AMQP broker at %s: %w", o.redacted, ctx.Err())
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case o.closed:
		return nil, ErrClosed
	case o.conn == nil:
		return nil, fmt.Errorf("connect to AMQP broker at %s: %w", o.redacted, o.dialErr)
	}
	return o.conn, nil
}

func (o *owner) dial() {
	defer o.wg.Done()
	conn, err := amqp.DialConfig(o.url, o.cfg)

	o.mu.Lock()
	defer o.mu.Unlock()
	close(o.dialing)
	o.dialing = nil
	if err != nil {
		o.dialErr = dialError(err)
		return
	}
	if o.closed {
		conn.Close()
		return
	}
	o.conn, o.dialErr = conn, nil
}

// dialError words a failed dial; a refused login says so in the broker's
// terms, since amqp091-go's own text ("username or password not allowed")
// does not name the error.
func dialError(err error) error {
	var aerr *amqp.Error
	if errors.As(err, &aerr) && aerr.Code == amqp.AccessRefused {
		return fmt.Errorf("authentication failed (ACCESS_REFUSED): %w", err)
	}
	return err
}

// discard closes conn, if it is still the owned connection, so that the
// next check dials afresh.
func (o *owner) discard(conn Conn) {
	o.mu.Lock()
	if o.conn == nil || Conn(o.conn) != conn {
		o.mu.Unlock()
		return
	}
	ac := o.conn
	o.conn = nil
	o.mu.Unlock()
	// A broker that does not answer would hold Close for the handshake;
	// the deadline makes it close the socket at once.
	ac.CloseDeadline(time.Now()) //nolint:errcheck // the connection is abandoned
}

func (o *owner) close() error {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return nil
	}
	o.closed = true
	conn := o.conn
	o.conn = nil
	o.mu.Unlock()
	var err error
	if conn != nil && !conn.IsClosed() {
		if err = conn.CloseDeadline(time.Now().Add(time.Second)); errors.Is(err, amqp.ErrClosed) {
			err = nil
		}
	}
	o.wg.Wait()
	return err
}
