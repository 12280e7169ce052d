package mqtt

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/vitalsgo/vitals/redact"
)

// ErrClosed is the error of a check run on a Checker after [Checker.Close].
var ErrClosed = errors.New("mqtt: checker closed")

// maxReconnectInterval caps paho's reconnect backoff for an owned client,
// whose whole job is to notice soon that the broker is back.
const maxReconnectInterval = 5 * time.Second

// Open returns a Checker that owns a paho client of the broker at
// brokerURL ("tcp://host:1883", "ssl://…", "ws://…"; a user and password in
// the URL are sent as credentials), for configuration-driven use. It does
// not connect: the first check does, and a check that finds the client
// disconnected connects again, so a broker that is down when Open is called
// is a failing check, not an error. Once connected, the client reconnects
// by itself. Close disconnects it.
//
// Open returns an error, without the URL's password, when brokerURL does
// not parse or the options are invalid.
func Open(brokerURL string, opts *Options) (*Checker, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := validateURL(brokerURL); err != nil {
		return nil, err
	}
	ow := &owner{redacted: redact.URL(brokerURL)}
	co := mqtt.NewClientOptions().
		AddBroker(brokerURL).
		SetClientID("vitals-" + randomHex()).
		SetCleanSession(true).
		SetProtocolVersion(4). // no silent second try with 3.1, which doubles a timeout
		SetAutoReconnect(true).
		SetMaxReconnectInterval(maxReconnectInterval).
		SetConnectTimeout(o.Timeout).
		SetConnectionLostHandler(ow.lost).
		SetOnConnectHandler(ow.connected)
	if o.Configure != nil {
		o.Configure(co)
	}
	ow.client = mqtt.NewClient(co)
	return &Checker{opts: o, owned: ow}, nil
}

// Close makes later checks fail with [ErrClosed] and waits for a loopback
// in flight, if any (see [Checker.Check]). For a Checker made by [Open] it
// then disconnects the client, waiting first for a connection attempt in
// flight (at most its connect timeout). For a Checker made by [New] it
// leaves the client alone: the caller owns it.
func (c *Checker) Close() error {
	c.closed.Store(true)
	c.run.Close()
	if c.owned != nil {
		c.owned.close()
	}
	return nil
}

// validateURL reads brokerURL as paho's AddBroker does, which drops a URL
// it cannot parse without a word.
func validateURL(raw string) error {
	s := raw
	if strings.HasPrefix(s, ":") {
		s = "127.0.0.1" + s
	}
	if !strings.Contains(s, "://") {
		s = "tcp://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		// url.Parse quotes the URL, password and all.
		return fmt.Errorf("mqtt: invalid broker URL: %w", redact.Error(err))
	}
	switch u.Scheme {
	case "tcp", "mqtt", "ssl", "tls", "mqtts", "mqtt+ssl", "tcps", "ws", "wss":
		if u.Hostname() == "" {
			return fmt.Errorf("mqtt: broker URL %s has no host", redact.URL(s))
		}
	case "unix":
	default:
		return fmt.Errorf("mqtt: broker URL %s: unsupported scheme %q", redact.URL(s), u.Scheme)
	}
	return nil
}

// owner holds the client of a Checker made by Open.
type owner struct {
	client   mqtt.Client
	redacted string // the broker URL without its password, for messages

	mu         sync.Mutex // protects the fields below
	connecting mqtt.Token // the last Connect; nil before the first
	connectErr error      // of the last Connect that failed
	lostErr    error      // why the connection was last lost; nil while connected
	closed     bool
}

func (o *owner) lost(_ mqtt.Client, err error) {
	o.mu.Lock()
	o.lostErr = err
	o.mu.Unlock()
}

func (o *owner) connected(mqtt.Client) {
	o.mu.Lock()
	o.lostErr, o.connectErr = nil, nil
	o.mu.Unlock()
}

// get returns the client once it is connected, connecting it if paho is not
// already at it, or an error when that fails or ctx ends first.
func (o *owner) get(ctx context.Context) (Client, error) {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return nil, ErrClosed
	}
	if o.client.IsConnectionOpen() {
		o.mu.Unlock()
		return o.client, nil
	}
	tok := o.connecting
	if tok != nil && isDone(tok) && tok.Error() != nil {
		o.connectErr = tok.Error() // perhaps unseen: its check gave up first
	}
	if tok == nil || isDone(tok) {
		if o.client.IsConnected() {
			// Lost after a successful connect: paho is reconnecting.
			err := fmt.Errorf("connection to MQTT broker at %s lost, reconnecting", o.redacted)
			if o.lostErr != nil {
				err = fmt.Errorf("connection to MQTT broker at %s lost (%w), reconnecting", o.redacted, o.lostErr)
			}
			o.mu.Unlock()
			return nil, err
		}
		tok = o.client.Connect()
		o.connecting = tok
	}
	last := o.connectErr
	o.mu.Unlock()

	select {
	case <-tok.Done():
	case <-ctx.Done():
		if last != nil {
			// Still connecting: the previous attempt says more than the deadline.
			return nil, fmt.Errorf("connect to MQTT broker at %s: %w (previous attempt: %w)", o.redacted, ctx.Err(), last)
		}
		return nil, fmt.Errorf("connect to MQTT broker at %s: %w", o.redacted, ctx.Err())
	}
	if err := tok.Error(); err != nil {
		o.mu.Lock()
		o.connectErr = err
		o.mu.Unlock()
		return nil, fmt.Errorf("connect to MQTT broker at %s: %w", o.redacted, err)
	}
	return o.client, nil
}

func isDone(tok mqtt.Token) bool {
	select {
	case <-tok.Done():
		return true
	default:
		return false
	}
}

func (o *owner) details() map[string]any {
	details := clientDetails(o.client)
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.lostErr != nil {
		details["connection_lost"] = o.lostErr.Error()
	}
	return details
}

func (o *owner) close() {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return
	}
	o.closed = true
	tok := o.connecting
	o.mu.Unlock()
	if r := o.client.OptionsReader(); tok != nil && !r.ConnectRetry() {
		// paho ends the attempt at its connect timeout; disconnecting
		// meanwhile would leave it running. (With ConnectRetry, set by
		// Configure, the attempt never ends and Disconnect stops it.)
		tok.WaitTimeout(r.ConnectTimeout() + time.Second)
	}
	o.client.Disconnect(250)
}
