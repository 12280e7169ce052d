package nats

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/vitalsgo/vitals/checks/internal/endpoint"
	"github.com/vitalsgo/vitals/checks/internal/lazyconn"
	"github.com/vitalsgo/vitals/redact"
)

// ErrClosed is the error of a check run on a Checker after [Checker.Close].
var ErrClosed = errors.New("nats: checker closed")

// Open returns a Checker that owns its connection to the servers in
// rawURL ("nats://host:4222", or a comma-separated list), for configuration
// driven use. It does not connect: the first check does, and a check that
// finds the connection closed dials again, so a server that is down when
// Open is called is a failing check, not an error. Between checks the
// client reconnects on its own, without limit. Close releases the
// connection.
//
// Open returns an error, without the URL's password, when rawURL does not
// parse or the options are invalid.
func Open(rawURL string, opts *Options) (*Checker, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := validateURLs(rawURL); err != nil {
		return nil, err
	}
	base := append([]nats.Option{
		nats.Name("vitals"),
		nats.Timeout(o.Timeout),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
		nats.NoCallbacksAfterClientClose(),
	}, o.ConnectOptions...)
	return &Checker{opts: o, owned: lazyconn.New(lazyconn.Config[*ownedConn]{
		Name: "NATS at " + redactURLs(rawURL),
		Dial: func(ctx context.Context) (*ownedConn, error) {
			return dialOwned(ctx, rawURL, base, o)
		},
		Alive:  func(c *ownedConn) bool { return !c.nc.IsClosed() },
		Close:  func(c *ownedConn) error { c.nc.Close(); return nil },
		Closed: ErrClosed,
	})}, nil
}

// Close closes the connection of a Checker made by [Open], cancelling a
// connection attempt in flight. Checks after Close fail with [ErrClosed];
// a second Close returns nil. For a Checker made by [New], Close does
// nothing: the caller owns the connection.
func (c *Checker) Close() error {
	if c.owned == nil {
		return nil
	}
	return c.owned.Close()
}

// ownedConn is the connection of a Checker made by Open.
type ownedConn struct {
	nc *nats.Conn
	js jetstream.JetStream // with Options.JetStream
}

// dialOwned dials rawURL; ctx ends the attempt and, later, the connection's
// sockets, when the Checker is closed.
func dialOwned(ctx context.Context, rawURL string, base []nats.Option, o Options) (*ownedConn, error) {
	dialer := &recordingDialer{ctx: ctx, d: net.Dialer{Timeout: o.Timeout}}
	nc, err := nats.Connect(rawURL, append(base, nats.SetCustomDialer(dialer))...)
	if errors.Is(err, nats.ErrNoServers) {
		// nats.go drops "connection refused" for this catch-all.
		if dialErr := dialer.lastErr(); dialErr != nil {
			err = fmt.Errorf("%w (%w)", err, dialErr)
		}
	}
	if err != nil {
		return nil, err
	}
	c := &ownedConn{nc: nc}
	if o.JetStream {
		if c.js, err = newJetStream(nc, o.JetStreamDomain); err != nil {
			nc.Close()
			return nil, err
		}
	}
	return c, nil
}

// validateURLs checks each URL of a comma-separated list as nats.Connect
// reads it, so that a typo fails Open rather than every check.
func validateURLs(raw string) error {
	if strings.TrimSpace(raw) == "" {
		return errors.New("nats: empty URL")
	}
	for _, s := range strings.Split(raw, ",") {
		if err := endpoint.BrokerURL("nats", "URL", strings.TrimSpace(s), "nats", schemes...); err != nil {
			return err
		}
	}
	return nil
}

// schemes are the URL schemes nats.go dials.
var schemes = []string{"nats", "tls", "ws", "wss"}

func redactURLs(raw string) string {
	parts := strings.Split(raw, ",")
	for i, p := range parts {
		parts[i] = redact.URL(strings.TrimSpace(p))
	}
	return strings.Join(parts, ",")
}

// recordingDialer remembers the last dial error, which nats.Connect hides
// behind [nats.ErrNoServers].
type recordingDialer struct {
	ctx context.Context // of the Checker; its end closes the connections
	d   net.Dialer

	mu  sync.Mutex // protects err
	err error
}

func (r *recordingDialer) Dial(network, addr string) (net.Conn, error) {
	c, err := r.d.DialContext(r.ctx, network, addr)
	if err != nil {
		r.mu.Lock()
		r.err = err
		r.mu.Unlock()
		return nil, err
	}
	return lazyconn.CloseOnDone(r.ctx, c), nil
}

func (r *recordingDialer) lastErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}
