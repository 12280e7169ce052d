package mqtt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/blocking"
	"github.com/vitalsgo/vitals/checks/internal/nonce"
	"github.com/vitalsgo/vitals/checks/internal/report"
	"github.com/vitalsgo/vitals/checks/internal/timeout"
	"github.com/vitalsgo/vitals/redact"
)

// Defaults for the zero values of [Options].
const (
	DefaultTimeout     = 5 * time.Second
	DefaultTopicPrefix = "vitals/loopback"
)

// Client is the part of an [mqtt.Client] the checker uses.
type Client interface {
	IsConnectionOpen() bool
	Publish(topic string, qos byte, retained bool, payload any) mqtt.Token
	Subscribe(topic string, qos byte, callback mqtt.MessageHandler) mqtt.Token
	Unsubscribe(topics ...string) mqtt.Token
}

var _ Client = mqtt.Client(nil)

// Options configure a [Checker]. A nil *Options means all defaults.
type Options struct {
	// Timeout bounds a check whose ctx has no deadline (the monitor always
	// sets one), and each connection attempt of a Checker made by [Open].
	// Zero means DefaultTimeout, 5s.
	Timeout time.Duration

	// Loopback also subscribes to a unique topic under TopicPrefix with QoS
	// 1, publishes a unique payload to it with QoS 1 and waits for the
	// message, proving that the broker routes messages; the time from
	// publish to delivery is the Result's Observed value. Without it the
	// check reads the client's connection state only, which paho keeps up
	// to date with its keepalive pings. Off by default.
	Loopback bool

	// TopicPrefix is where loopback topics go: TopicPrefix + "/" + a
	// random id. Zero means DefaultTopicPrefix, "vitals/loopback". It must
	// not contain the wildcards '+' or '#'.
	TopicPrefix string

	// Configure, when set, adjusts the client options [Open] builds before
	// it makes the client: credentials, TLS, keepalive. Open's own settings
	// are a random "vitals-" client ID, a clean session, MQTT 3.1.1,
	// auto-reconnect at most 5s apart and a connect timeout of Timeout.
	// Replacing the connection handlers loses the cause of a lost
	// connection in the check's message. New ignores it.
	Configure func(*mqtt.ClientOptions)
}

func (o *Options) withDefaults() (Options, error) {
	var out Options
	if o != nil {
		out = *o
	}
	var err error
	if out.Timeout, err = timeout.Option("mqtt", out.Timeout, DefaultTimeout); err != nil {
		return out, err
	}
	if strings.ContainsAny(out.TopicPrefix, "+#") {
		return out, fmt.Errorf("mqtt: TopicPrefix %q contains a wildcard", out.TopicPrefix)
	}
	if out.TopicPrefix == "" {
		out.TopicPrefix = DefaultTopicPrefix
	}
	out.TopicPrefix = strings.TrimSuffix(out.TopicPrefix, "/")
	return out, nil
}

// Checker checks an MQTT broker through a paho client: that the client is
// connected and, optionally, that a message goes through the broker.
type Checker struct {
	client Client // set by New; nil for Open
	owned  *owner // set by Open
	opts   Options
	// run holds the loopback: paho's Subscribe and Publish take no context
	// and wait up to the client's WriteTimeout (30s by default) for its
	// workers when the connection drops under them.
	run    blocking.Runner
	closed atomic.Bool // set by Close
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker of client, a connected client the caller owns;
// usually an mqtt.Client, whose broker URLs (without passwords) and client
// ID then go into the Details. It returns an error for invalid options.
func New(client Client, opts *Options) (*Checker, error) {
	if client == nil {
		return nil, errors.New("mqtt: nil client")
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Checker{client: client, opts: o}, nil
}

// Check reports StatusPass when the client's connection to the broker is
// open and, with Options.Loopback, a message comes back before ctx ends.
//
// Check returns by ctx's deadline. paho's Subscribe and Publish take no
// context: when the connection drops under them they wait up to the
// client's WriteTimeout (30s by default) before they give up. The loopback
// therefore runs on a goroutine the Checker owns, one at a time: a check
// that starts while one is outstanding waits for that one's result until
// its own deadline. [Checker.Close] waits for it.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	if c.closed.Load() {
		return vitals.Result{Status: vitals.StatusFail, Message: ErrClosed.Error(), Err: ErrClosed}
	}
	ctx, cancel := timeout.Bound(ctx, c.opts.Timeout)
	defer cancel()
	client := c.client
	if c.owned != nil {
		var err error
		if client, err = c.owned.get(ctx); err != nil {
			return vitals.Result{Status: vitals.StatusFail, Message: err.Error(), Err: err, Details: c.owned.details()}
		}
	}
	details := clientDetails(client)
	if !client.IsConnectionOpen() {
		msg := "not connected to the MQTT broker"
		if r, ok := client.(interface{ IsConnected() bool }); ok && r.IsConnected() {
			// paho's IsConnected also counts a connection it is re-establishing.
			msg += " (the client is reconnecting)"
		}
		return vitals.Result{Status: vitals.StatusFail, Message: msg, Details: details}
	}
	if !c.opts.Loopback {
		return vitals.Result{Status: vitals.StatusPass, Message: "connected to the MQTT broker", Details: details}
	}
	return c.run.Do(ctx, "MQTT loopback", func() vitals.Result {
		// ctx is the first caller's: the work ends with it, or as soon
		// after as paho lets go of a Subscribe or Publish.
		topic := c.opts.TopicPrefix + "/" + nonce.Hex(12)
		rtt, err := loopback(ctx, client, topic)
		if err != nil {
			return vitals.Result{Status: vitals.StatusFail, Message: err.Error(), Err: err, Details: details}
		}
		details["loopback_ms"] = report.Ms(rtt)
		return vitals.Result{
			Status:   vitals.StatusPass,
			Message:  fmt.Sprintf("connected to the MQTT broker; a QoS 1 message came back in %v", rtt.Round(10*time.Microsecond)),
			Details:  details,
			Observed: report.Ms(rtt),
			Unit:     "ms",
		}
	})
}

func clientDetails(client Client) map[string]any {
	r, ok := client.(interface {
		OptionsReader() mqtt.ClientOptionsReader
	})
	if !ok {
		return map[string]any{}
	}
	opts := r.OptionsReader()
	return optionDetails(&opts)
}

// optionDetails are the broker URLs, without passwords, and the client ID
// of a client's options.
func optionDetails(opts *mqtt.ClientOptionsReader) map[string]any {
	details := map[string]any{}
	var brokers []string
	for _, u := range opts.Servers() {
		brokers = append(brokers, redact.URL(u.String()))
	}
	details["brokers"] = brokers
	details["client_id"] = opts.ClientID()
	return details
}

// loopback subscribes to topic, publishes a unique payload to it and waits
// for the payload to come back.
func loopback(ctx context.Context, client Client, topic string) (time.Duration, error) {
	payload := []byte(nonce.Hex(12))
	// paho calls the handler from its own goroutine, possibly after the
	// check has returned and more than once (QoS 1 may redeliver): it must
	// never block.
	got := make(chan []byte, 4)
	handler := func(_ mqtt.Client, m mqtt.Message) {
		select {
		case got <- m.Payload():
		default:
		}
	}
	sub := client.Subscribe(topic, 1, handler)
	if err := wait(ctx, sub); err != nil {
		return 0, fmt.Errorf("loopback: subscribe to %s: %w", topic, err)
	}
	if st, ok := sub.(*mqtt.SubscribeToken); ok && st.Result()[topic] == subscribeFailure {
		return 0, fmt.Errorf("loopback: the broker refused a subscription to %s", topic)
	}
	// UNSUBACK is not worth waiting for; the topic is never used again.
	defer client.Unsubscribe(topic)

	start := time.Now()
	if err := wait(ctx, client.Publish(topic, 1, false, payload)); err != nil {
		return 0, fmt.Errorf("loopback: publish to %s: %w", topic, err)
	}
	for {
		select {
		case p := <-got:
			if bytes.Equal(p, payload) {
				return time.Since(start), nil
			}
		case <-ctx.Done():
			return 0, fmt.Errorf("loopback: message did not come back on %s: %w", topic, ctx.Err())
		}
	}
}

// subscribeFailure is the SUBACK return code of a refused subscription.
const subscribeFailure = 0x80

// wait waits for tok to complete or ctx to end.
func wait(ctx context.Context, tok mqtt.Token) error {
	select {
	case <-tok.Done():
		return tok.Error()
	case <-ctx.Done():
		return ctx.Err()
	}
}
