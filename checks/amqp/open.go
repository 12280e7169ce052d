package amqp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/vitalsgo/vitals/checks/internal/lazyconn"
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
	url := rawURL
	base := cfg.Dial
	return &Checker{opts: o, owned: lazyconn.New(lazyconn.Config[*amqp.Connection]{
		Name: "AMQP broker at " + redact.URL(rawURL),
		Dial: func(ctx context.Context) (*amqp.Connection, error) {
			c := cfg
			c.Dial = func(network, addr string) (net.Conn, error) {
				conn, err := base(network, addr)
				if err != nil {
					return nil, err
				}
				return lazyconn.CloseOnDone(ctx, conn), nil
			}
			conn, err := amqp.DialConfig(url, c)
			if err != nil {
				return nil, dialError(err)
			}
			return conn, nil
		},
		Alive: func(conn *amqp.Connection) bool { return !conn.IsClosed() },
		Close: func(conn *amqp.Connection) error {
			if conn.IsClosed() {
				return nil
			}
			if err := conn.CloseDeadline(time.Now().Add(time.Second)); err != nil && !errors.Is(err, amqp.ErrClosed) {
				return err
			}
			return nil
		},
		Discard: func(conn *amqp.Connection) {
			// A broker that does not answer would hold Close for the
			// handshake; the deadline makes it close the socket at once.
			conn.CloseDeadline(time.Now()) //nolint:errcheck // the connection is abandoned
		},
		Closed: ErrClosed,
	})}, nil
}

// Close closes the connection of a Checker made by [Open], cancelling a
// dial in flight, and waits for its goroutines. Checks after Close fail
// with [ErrClosed]; a second Close returns nil. For a Checker made by
// [New], Close does nothing: the caller owns the connection, and a request
// still in flight ends when the broker answers or the connection closes.
func (c *Checker) Close() error {
	if c.owned == nil {
		return nil
	}
	err := c.owned.Close()
	c.wg.Wait()
	return err
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
