package nats

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/lazyconn"
	"github.com/vitalsgo/vitals/checks/internal/nonce"
	"github.com/vitalsgo/vitals/checks/internal/report"
	"github.com/vitalsgo/vitals/checks/internal/timeout"
)

// Defaults for the zero values of [Options].
const (
	DefaultTimeout        = 5 * time.Second
	DefaultReconnectGrace = 10 * time.Second
)

// Conn is the part of a [*nats.Conn] the checker uses.
type Conn interface {
	Status() nats.Status
	FlushWithContext(ctx context.Context) error
	LastError() error
	ConnectedUrlRedacted() string
	ConnectedServerId() string
	ConnectedServerVersion() string
	NewInbox() string
	SubscribeSync(subj string) (*nats.Subscription, error)
	Publish(subj string, data []byte) error
}

var _ Conn = (*nats.Conn)(nil)

// Options configure a [Checker]. A nil *Options means all defaults.
type Options struct {
	// Timeout bounds a check whose ctx has no deadline (the monitor always
	// sets one) and each connection attempt of a Checker made by [Open].
	// Zero means DefaultTimeout, 5s.
	Timeout time.Duration

	// ReconnectGrace is how long a connection that the client is
	// re-establishing (status RECONNECTING, DISCONNECTED or CONNECTING)
	// reports StatusWarn before it reports StatusFail, counted from the
	// first check that saw it down. The client buffers publishes while it
	// reconnects, so a short outage degrades the service rather than
	// breaking it; a long one is a failure. Zero means
	// DefaultReconnectGrace, 10s.
	ReconnectGrace time.Duration

	// JetStream also asks the server for the account's JetStream usage
	// (memory, storage, streams, consumers and their limits) and fails
	// when JetStream does not answer. It needs a *nats.Conn.
	JetStream bool

	// JetStreamDomain is the JetStream domain to ask, if not the
	// connection's own. Only with JetStream.
	JetStreamDomain string

	// Loopback also subscribes to a fresh inbox subject, publishes a unique
	// message to it and waits for the message to come back, proving that
	// the server routes messages and not only answers pings. Off by
	// default.
	Loopback bool

	// ConnectOptions are applied by [Open] after its own: a client name of
	// "vitals", unlimited reconnects one second apart and the connect
	// timeout Timeout. Use them for credentials, TLS and the like. New
	// ignores them.
	ConnectOptions []nats.Option
}

// Checker checks a NATS connection: that it is connected, how long a round
// trip to the server takes, and optionally JetStream and message delivery.
type Checker struct {
	conn  Conn                         // set by New; nil for Open
	js    jetstream.JetStream          // set by New when Options.JetStream
	owned *lazyconn.Client[*ownedConn] // set by Open
	opts  Options

	mu        sync.Mutex // protects downSince
	downSince time.Time  // when a check first saw the connection down; zero while connected
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker of conn, a connection the caller owns and keeps
// open; usually a *nats.Conn. It returns an error for invalid options, or
// when Options.JetStream is set and conn is not a *nats.Conn.
func New(conn Conn, opts *Options) (*Checker, error) {
	if conn == nil {
		return nil, errors.New("nats: nil connection")
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Checker{conn: conn, opts: o}
	if o.JetStream {
		nc, ok := conn.(*nats.Conn)
		if !ok {
			return nil, fmt.Errorf("nats: Options.JetStream needs a *nats.Conn, not %T", conn)
		}
		if c.js, err = newJetStream(nc, o.JetStreamDomain); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (o *Options) withDefaults() (Options, error) {
	var out Options
	if o != nil {
		out = *o
	}
	var err error
	if out.Timeout, err = timeout.Option("nats", out.Timeout, DefaultTimeout); err != nil {
		return out, err
	}
	switch {
	case out.ReconnectGrace < 0:
		return out, fmt.Errorf("nats: negative ReconnectGrace %v", out.ReconnectGrace)
	case out.JetStreamDomain != "" && !out.JetStream:
		return out, errors.New("nats: JetStreamDomain is set but JetStream is not")
	}
	if out.ReconnectGrace == 0 {
		out.ReconnectGrace = DefaultReconnectGrace
	}
	return out, nil
}

func newJetStream(nc *nats.Conn, domain string) (jetstream.JetStream, error) {
	var (
		js  jetstream.JetStream
		err error
	)
	if domain != "" {
		js, err = jetstream.NewWithDomain(nc, domain)
	} else {
		js, err = jetstream.New(nc)
	}
	if err != nil {
		return nil, fmt.Errorf("nats: jetstream: %w", err)
	}
	return js, nil
}

// Check reports StatusPass when the connection is up and the server answers a
// ping (and, as configured, JetStream and a loopback message) before ctx
// ends. Observed is the ping's round-trip time in milliseconds. A
// connection the client is re-establishing is StatusWarn for
// Options.ReconnectGrace, then StatusFail; a closed one is StatusFail.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	// FlushWithContext refuses a ctx without a deadline, and rightly: a
	// check must end.
	ctx, cancel := timeout.Bound(ctx, c.opts.Timeout)
	defer cancel()
	conn, js := c.conn, c.js
	if c.owned != nil {
		oc, err := c.owned.Get(ctx)
		if err != nil {
			return vitals.Failf("%w", err)
		}
		conn, js = oc.nc, oc.js
	}
	if r, ok := c.checkStatus(conn); !ok {
		return r
	}
	return c.checkServer(ctx, conn, js)
}

// checkStatus reports whether conn is connected, and otherwise the result.
func (c *Checker) checkStatus(conn Conn) (vitals.Result, bool) {
	st := conn.Status()
	c.mu.Lock()
	defer c.mu.Unlock()
	if st == nats.CONNECTED {
		c.downSince = time.Time{}
		return vitals.Result{}, true
	}
	details := map[string]any{"status": st.String()}
	cause := ""
	if err := conn.LastError(); err != nil {
		cause = ": " + err.Error()
		details["last_error"] = err.Error()
	}
	switch st {
	case nats.RECONNECTING, nats.DISCONNECTED, nats.CONNECTING:
		now := time.Now()
		if c.downSince.IsZero() {
			c.downSince = now
		}
		down := now.Sub(c.downSince)
		details["down_for_ms"] = report.Ms(down)
		if down < c.opts.ReconnectGrace {
			return vitals.Result{Status: vitals.StatusWarn, Details: details,
				Message: fmt.Sprintf("connection to NATS lost, reconnecting%s", cause)}, false
		}
		return vitals.Result{Status: vitals.StatusFail, Details: details,
			Message: fmt.Sprintf("connection to NATS lost %v ago, still reconnecting%s", down.Round(time.Millisecond), cause)}, false
	default: // CLOSED, DRAINING_SUBS, DRAINING_PUBS
		return vitals.Result{Status: vitals.StatusFail, Details: details,
			Message: fmt.Sprintf("NATS connection is %s%s", st, cause)}, false
	}
}

// checkServer does the round trips on a connected conn.
func (c *Checker) checkServer(ctx context.Context, conn Conn, js jetstream.JetStream) vitals.Result {
	// conn.RTT would do, but it waits up to 10s whatever ctx says.
	start := time.Now()
	if err := conn.FlushWithContext(ctx); err != nil {
		return vitals.Failf("ping NATS server: %w", err)
	}
	rtt := time.Since(start)
	details := map[string]any{
		"url":            conn.ConnectedUrlRedacted(),
		"server_id":      conn.ConnectedServerId(),
		"server_version": conn.ConnectedServerVersion(),
		"rtt_ms":         report.Ms(rtt),
	}
	if s, ok := conn.(interface{ Stats() nats.Statistics }); ok {
		details["reconnects"] = s.Stats().Reconnects
	}
	if js != nil {
		if err := jetStreamDetails(ctx, js, details); err != nil {
			return vitals.Result{Status: vitals.StatusFail, Message: err.Error(), Err: err, Details: details}
		}
	}
	if c.opts.Loopback {
		d, err := loopback(ctx, conn)
		if err != nil {
			return vitals.Result{Status: vitals.StatusFail, Message: err.Error(), Err: err, Details: details}
		}
		details["loopback_ms"] = report.Ms(d)
	}
	return vitals.Result{
		Status:   vitals.StatusPass,
		Message:  fmt.Sprintf("connected to NATS %s at %s", conn.ConnectedServerVersion(), conn.ConnectedUrlRedacted()),
		Details:  details,
		Observed: report.Ms(rtt),
		Unit:     "ms",
	}
}

func jetStreamDetails(ctx context.Context, js jetstream.JetStream, details map[string]any) error {
	info, err := js.AccountInfo(ctx)
	if err != nil {
		if errors.Is(err, jetstream.ErrJetStreamNotEnabled) || errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount) {
			return fmt.Errorf("JetStream is not enabled: %w", err)
		}
		return fmt.Errorf("JetStream account info: %w", err)
	}
	details["jetstream_memory_bytes"] = info.Memory
	details["jetstream_storage_bytes"] = info.Store
	details["jetstream_streams"] = info.Streams
	details["jetstream_consumers"] = info.Consumers
	details["jetstream_max_memory_bytes"] = info.Limits.MaxMemory // -1: unlimited
	details["jetstream_max_storage_bytes"] = info.Limits.MaxStore
	if info.Domain != "" {
		details["jetstream_domain"] = info.Domain
	}
	return nil
}

// loopback sends a unique message to a fresh inbox subject and waits for
// it. The server handles one connection's SUB and PUB in order, so the
// subscription is in place before the message arrives.
func loopback(ctx context.Context, conn Conn) (time.Duration, error) {
	subj := conn.NewInbox()
	sub, err := conn.SubscribeSync(subj)
	if err != nil {
		return 0, fmt.Errorf("loopback: subscribe: %w", err)
	}
	defer sub.Unsubscribe() //nolint:errcheck // nothing to do if the connection is gone
	payload := []byte(nonce.Hex(16))

	start := time.Now()
	if err := conn.Publish(subj, payload); err != nil {
		return 0, fmt.Errorf("loopback: publish: %w", err)
	}
	for {
		msg, err := sub.NextMsgWithContext(ctx)
		if err != nil {
			return 0, fmt.Errorf("loopback: no message back on %s: %w", subj, err)
		}
		if bytes.Equal(msg.Data, payload) {
			return time.Since(start), nil
		}
	}
}
