package amqp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/lazyconn"
	"github.com/vitalsgo/vitals/checks/internal/nonce"
	"github.com/vitalsgo/vitals/checks/internal/report"
	"github.com/vitalsgo/vitals/checks/internal/timeout"
)

// DefaultTimeout is what a zero Options.Timeout means.
const DefaultTimeout = 5 * time.Second

// Conn is the part of an [*amqp.Connection] the checker uses.
type Conn interface {
	IsClosed() bool
	Channel() (*amqp.Channel, error)
}

var _ Conn = (*amqp.Connection)(nil)

// Options configure a [Checker]. A nil *Options means all defaults.
type Options struct {
	// Timeout bounds a check whose ctx has no deadline (the monitor always
	// sets one), and the dial and handshake of a Checker made by [Open].
	// Zero means DefaultTimeout, 5s.
	Timeout time.Duration

	// Loopback also declares a temporary queue (server-named, exclusive,
	// auto-delete, expiring after a minute unused), publishes a unique
	// message to it through the default exchange and waits for the message
	// to be delivered, proving that the broker routes messages and not
	// only opens channels. Off by default.
	Loopback bool

	// Config is what [Open] dials with: TLS, SASL, vhost, heartbeat. When
	// its Dial is nil, Open dials with a Timeout deadline on the TCP
	// connection and the handshake; when its Properties are nil, Open names
	// the connection "vitals" for the broker's management UI. New ignores
	// it.
	Config *amqp.Config
}

func (o *Options) withDefaults() (Options, error) {
	var out Options
	if o != nil {
		out = *o
	}
	var err error
	out.Timeout, err = timeout.Option("amqp", out.Timeout, DefaultTimeout)
	return out, err
}

// Checker checks an AMQP 0-9-1 broker such as RabbitMQ through a
// connection: that it is open and that the broker opens a channel on it,
// and optionally that a message goes through.
type Checker struct {
	conn  Conn                               // set by New; nil for Open
	owned *lazyconn.Client[*amqp.Connection] // set by Open
	opts  Options

	wg sync.WaitGroup // broker round trips, which amqp091-go cannot cancel

	mu       sync.Mutex    // protects inflight
	inflight chan struct{} // closed when the round trip in flight returns; nil when none
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker of conn, a connection the caller owns and keeps
// open; usually an *amqp.Connection, whose server properties (product,
// version, cluster name) then go into the Details. It returns an error
// for invalid options.
//
// amqp091-go's Channel takes no context, so when the broker does not answer
// before the check's deadline the check fails and the request goes on in
// the background until the broker answers or the connection dies (its
// heartbeat notices a dead broker). The next check waits for it first,
// within its own deadline: one stuck request at a time, never more.
func New(conn Conn, opts *Options) (*Checker, error) {
	if conn == nil {
		return nil, errors.New("amqp: nil connection")
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Checker{conn: conn, opts: o}, nil
}

// Check reports StatusPass when the connection is open and the broker opens
// (and closes) a channel on it before ctx ends, and, with Options.Loopback,
// delivers a message back. Observed is the time the broker took to open the
// channel, in milliseconds.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	ctx, cancel := timeout.Bound(ctx, c.opts.Timeout)
	defer cancel()
	conn := c.conn
	if c.owned != nil {
		var err error
		if conn, err = c.owned.Get(ctx); err != nil {
			return vitals.Failf("%w", err)
		}
	}
	details := serverDetails(conn)
	if conn.IsClosed() {
		return vitals.Result{Status: vitals.StatusFail, Message: "AMQP connection is closed", Details: details}
	}
	rt, err := c.roundTrip(ctx, conn)
	if err != nil {
		if c.owned != nil && ctx.Err() != nil {
			// The broker left a request unanswered: the owned connection
			// is of no more use, and closing it frees the goroutine.
			c.owned.Discard(conn.(*amqp.Connection))
		}
		return vitals.Result{Status: vitals.StatusFail, Message: err.Error(), Err: err, Details: details}
	}
	details["channel_open_ms"] = report.Ms(rt.open)
	if c.opts.Loopback {
		details["loopback_ms"] = report.Ms(rt.loopback)
	}
	return vitals.Result{
		Status:   vitals.StatusPass,
		Message:  passMessage(details, rt.open),
		Details:  details,
		Observed: report.Ms(rt.open),
		Unit:     "ms",
	}
}

func passMessage(details map[string]any, open time.Duration) string {
	server := "AMQP broker"
	if p, ok := details["server_product"].(string); ok {
		server = p
		if v, ok := details["server_version"].(string); ok {
			server += " " + v
		}
	}
	if addr, ok := details["addr"].(string); ok {
		server += " at " + addr
	}
	return fmt.Sprintf("%s opened a channel in %v", server, open.Round(10*time.Microsecond))
}

// serverDetails reads what the broker said about itself in the handshake.
func serverDetails(conn Conn) map[string]any {
	details := map[string]any{}
	ac, ok := conn.(*amqp.Connection)
	if !ok || ac == nil {
		return details
	}
	for prop, key := range map[string]string{
		"product":      "server_product",
		"version":      "server_version",
		"platform":     "server_platform",
		"cluster_name": "cluster_name",
	} {
		if v, ok := ac.Properties[prop].(string); ok && v != "" {
			details[key] = v
		}
	}
	if a := ac.RemoteAddr(); a != nil {
		details["addr"] = a.String()
	}
	return details
}

type roundTrip struct {
	open, loopback time.Duration
}

// roundTrip runs the broker requests in a goroutine so that the check can
// return at ctx's end even though Channel and Channel.Close cannot be
// cancelled. A request still in flight from an earlier check is waited for
// first, so at most one is ever outstanding.
func (c *Checker) roundTrip(ctx context.Context, conn Conn) (roundTrip, error) {
	c.mu.Lock()
	for c.inflight != nil {
		prev := c.inflight
		c.mu.Unlock()
		select {
		case <-prev:
		case <-ctx.Done():
			return roundTrip{}, fmt.Errorf("AMQP broker has not answered the previous check's request yet: %w", ctx.Err())
		}
		c.mu.Lock()
	}
	done := make(chan struct{})
	c.inflight = done
	c.wg.Add(1)
	c.mu.Unlock()

	type outcome struct {
		rt  roundTrip
		err error
	}
	out := make(chan outcome, 1)
	go func() {
		defer c.wg.Done()
		rt, err := channelRoundTrip(ctx, conn, c.opts.Loopback)
		out <- outcome{rt, err}
		c.mu.Lock()
		c.inflight = nil
		c.mu.Unlock()
		close(done)
	}()
	select {
	case o := <-out:
		return o.rt, o.err
	case <-ctx.Done():
		return roundTrip{}, fmt.Errorf("open AMQP channel: broker did not answer: %w", ctx.Err())
	}
}

func channelRoundTrip(ctx context.Context, conn Conn, withLoopback bool) (rt roundTrip, err error) {
	start := time.Now()
	ch, err := conn.Channel()
	if err != nil {
		return rt, fmt.Errorf("open AMQP channel: %w", err)
	}
	rt.open = time.Since(start)
	defer func() {
		if cerr := ch.Close(); cerr != nil && err == nil && !errors.Is(cerr, amqp.ErrClosed) {
			err = fmt.Errorf("close AMQP channel: %w", cerr)
		}
	}()
	if withLoopback {
		rt.loopback, err = loopback(ctx, ch)
	}
	return rt, err
}

// queueExpiry is how long the broker keeps a loopback queue that lost its
// consumer without being deleted, e.g. when the connection broke mid-check.
const queueExpiry = int32(time.Minute / time.Millisecond)

// loopback publishes a unique message to a fresh queue and waits for it.
// Closing the channel cancels the consumer, which deletes the auto-delete
// queue.
func loopback(ctx context.Context, ch *amqp.Channel) (time.Duration, error) {
	q, err := ch.QueueDeclare("", false, true, true, false, amqp.Table{"x-expires": queueExpiry})
	if err != nil {
		return 0, fmt.Errorf("loopback: declare queue: %w", err)
	}
	deliveries, err := ch.Consume(q.Name, "", true, true, false, false, nil)
	if err != nil {
		return 0, fmt.Errorf("loopback: consume %s: %w", q.Name, err)
	}
	body := []byte(nonce.Hex(16))

	start := time.Now()
	err = ch.PublishWithContext(ctx, "", q.Name, true, false, amqp.Publishing{
		ContentType: "text/plain",
		MessageId:   string(body),
		Body:        body,
		Expiration:  "60000",
	})
	if err != nil {
		return 0, fmt.Errorf("loopback: publish to %s: %w", q.Name, err)
	}
	for {
		select {
		case d, ok := <-deliveries:
			if !ok {
				return 0, fmt.Errorf("loopback: channel closed before the message came back")
			}
			if bytes.Equal(d.Body, body) {
				return time.Since(start), nil
			}
		case <-ctx.Done():
			return 0, fmt.Errorf("loopback: message did not come back from %s: %w", q.Name, ctx.Err())
		}
	}
}
