package nats

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

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
	dialer := &recordingDialer{d: net.Dialer{Timeout: o.Timeout}}
	nopts := append([]nats.Option{
		nats.Name("vitals"),
		nats.Timeout(o.Timeout),
		nats.SetCustomDialer(dialer),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
		nats.NoCallbacksAfterClientClose(),
	}, o.ConnectOptions...)
	return &Checker{opts: o, owned: &owner{
		url:      rawURL,
		redacted: redactURLs(rawURL),
		nopts:    nopts,
		dialer:   dialer,
		js:       o.JetStream,
		domain:   o.JetStreamDomain,
	}}, nil
}

// Close closes the connection of a Checker made by [Open], waiting for a
// connection attempt in flight to end (at most Options.Timeout per
// server). Checks after Close fail with [ErrClosed]. For a Checker made by
// [New], Close does nothing: the caller owns the connection.
func (c *Checker) Close() error {
	if c.owned == nil {
		return nil
	}
	return c.owned.close()
}

// validateURLs checks each URL of a comma-separated list as nats.Connect
// reads it, so that a typo fails Open rather than every check.
func validateURLs(raw string) error {
	if strings.TrimSpace(raw) == "" {
		return errors.New("nats: empty URL")
	}
	for _, s := range strings.Split(raw, ",") {
		s = strings.TrimSpace(s)
		if !strings.Contains(s, "://") {
			s = "nats://" + s
		}
		u, err := url.Parse(s)
		if err != nil {
			// url.Parse quotes the URL, password and all.
			return fmt.Errorf("nats: invalid URL: %w", redact.Error(err))
		}
		switch u.Scheme {
		case "nats", "tls", "ws", "wss":
		default:
			return fmt.Errorf("nats: URL %s: unsupported scheme %q", redact.URL(s), u.Scheme)
		}
		if u.Hostname() == "" {
			return fmt.Errorf("nats: URL %s has no host", redact.URL(s))
		}
	}
	return nil
}

func redactURLs(raw string) string {
	parts := strings.Split(raw, ",")
	for i, p := range parts {
		parts[i] = redact.URL(strings.TrimSpace(p))
	}
	return strings.Join(parts, ",")
}

// owner holds the connection of a Checker made by Open. Connecting runs in a
// goroutine of its own so that a check can give up at its deadline while the
// attempt, bounded by the connect timeout, finishes for the next check.
type owner struct {
	url      string
	redacted string // url without passwords, for messages
	nopts    []nats.Option
	dialer   *recordingDialer
	js       bool   // Options.JetStream
	domain   string // Options.JetStreamDomain

	wg sync.WaitGroup // the connect goroutine

	mu      sync.Mutex // protects the fields below
	conn    *nats.Conn
	jsCtx   jetstream.JetStream
	dialing chan struct{} // closed when the attempt in flight ends; nil when none
	dialErr error         // of the last attempt, without the URL
	closed  bool
}

// get returns a connection that the client has not closed, dialing one if
// needed, or an error when that fails or ctx ends first.
func (o *owner) get(ctx context.Context) (Conn, jetstream.JetStream, error) {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return nil, nil, ErrClosed
	}
	if o.conn != nil && !o.conn.IsClosed() {
		conn, js := o.conn, o.jsCtx
		o.mu.Unlock()
		return conn, js, nil
	}
	o.conn, o.jsCtx = nil, nil // closed for good: the client gave up
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
			return nil, nil, fmt.Errorf("connect to NATS at %s: %w (previous attempt: %w)", o.redacted, ctx.Err(), last)
		}
		return nil, nil, fmt.Errorf("connect to NATS at %s: %w", o.redacted, ctx.Err())
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case o.closed:
		return nil, nil, ErrClosed
	case o.conn == nil:
		return nil, nil, fmt.Errorf("connect to NATS at %s: %w", o.redacted, o.dialErr)
	}
	return o.conn, o.jsCtx, nil
}

func (o *owner) dial() {
	defer o.wg.Done()
	o.dialer.reset()
	conn, err := nats.Connect(o.url, o.nopts...)
	if errors.Is(err, nats.ErrNoServers) {
		// nats.go drops "connection refused" for this catch-all.
		if dialErr := o.dialer.lastErr(); dialErr != nil {
			err = fmt.Errorf("%w (%w)", err, dialErr)
		}
	}
	var js jetstream.JetStream
	if err == nil && o.js {
		if js, err = newJetStream(conn, o.domain); err != nil {
			conn.Close()
		}
	}

	o.mu.Lock()
	defer o.mu.Unlock()
	close(o.dialing)
	o.dialing = nil
	if err != nil {
		o.dialErr = err
		return
	}
	if o.closed {
		conn.Close()
		return
	}
	o.conn, o.jsCtx, o.dialErr = conn, js, nil
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
	if conn != nil {
		conn.Close()
	}
	o.wg.Wait()
	return nil
}

// recordingDialer remembers the last dial error, which nats.Connect hides
// behind [nats.ErrNoServers].
type recordingDialer struct {
	d net.Dialer

	mu  sync.Mutex // protects err
	err error
}

func (r *recordingDialer) Dial(network, addr string) (net.Conn, error) {
	c, err := r.d.Dial(network, addr)
	if err != nil {
		r.mu.Lock()
		r.err = err
		r.mu.Unlock()
	}
	return c, err
}

func (r *recordingDialer) reset() {
	r.mu.Lock()
	r.err = nil
	r.mu.Unlock()
}

func (r *recordingDialer) lastErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}
