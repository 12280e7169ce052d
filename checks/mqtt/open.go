package mqtt

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/vitalsgo/vitals/checks/internal/endpoint"
	"github.com/vitalsgo/vitals/checks/internal/lazyconn"
	"github.com/vitalsgo/vitals/checks/internal/nonce"
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
		SetClientID("vitals-" + nonce.Hex(12)).
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
	ow.options = mqtt.NewOptionsReader(co)
	ow.conn = lazyconn.New(lazyconn.Config[mqtt.Client]{
		Name: "MQTT broker at " + ow.redacted,
		Dial: func(ctx context.Context) (mqtt.Client, error) { return dialClient(ctx, co) },
		// A client that has connected once reconnects by itself: it is
		// kept while paho is at it, and the check says why it waits.
		Alive:  func(c mqtt.Client) bool { return c.IsConnected() },
		Close:  func(c mqtt.Client) error { c.Disconnect(250); return nil },
		Closed: ErrClosed,
	})
	return &Checker{opts: o, owned: ow}, nil
}

// dialClient makes a client with co and connects it. paho's Connect takes no
// context: when ctx ends (the Checker is closed) connect waits for the
// attempt, which ends at its connect timeout, before it disconnects the
// client, since disconnecting meanwhile would leave the attempt running.
// (With ConnectRetry, set by Configure, the attempt never ends and
// Disconnect stops it.)
func dialClient(ctx context.Context, co *mqtt.ClientOptions) (mqtt.Client, error) {
	client := mqtt.NewClient(co)
	tok := client.Connect()
	select {
	case <-tok.Done():
		if err := tok.Error(); err != nil {
			return nil, err
		}
		return client, nil
	case <-ctx.Done():
		if r := client.OptionsReader(); !r.ConnectRetry() {
			tok.WaitTimeout(r.ConnectTimeout() + time.Second)
		}
		client.Disconnect(0)
		return nil, ctx.Err()
	}
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
		return c.owned.conn.Close()
	}
	return nil
}

// validateURL reads brokerURL as paho's AddBroker does, which drops a URL
// it cannot parse without a word.
func validateURL(raw string) error {
	if strings.HasPrefix(raw, ":") {
		raw = "127.0.0.1" + raw
	}
	return endpoint.BrokerURL("mqtt", "broker URL", raw, "tcp", schemes...)
}

// schemes are the URL schemes paho dials.
var schemes = []string{"tcp", "mqtt", "ssl", "tls", "mqtts", "mqtt+ssl", "tcps", "ws", "wss", "unix"}

// owner holds the client of a Checker made by Open.
type owner struct {
	conn     *lazyconn.Client[mqtt.Client]
	options  mqtt.ClientOptionsReader // of every client it makes, for Details
	redacted string                   // the broker URL without its password, for messages

	mu      sync.Mutex // protects lostErr
	lostErr error      // why the connection was last lost; nil while connected
}

func (o *owner) lost(_ mqtt.Client, err error) {
	o.mu.Lock()
	o.lostErr = err
	o.mu.Unlock()
}

func (o *owner) connected(mqtt.Client) {
	o.mu.Lock()
	o.lostErr = nil
	o.mu.Unlock()
}

// get returns the client once it is connected, connecting it if it is not,
// or an error when that fails, ctx ends first, or paho is reconnecting a
// connection it lost.
func (o *owner) get(ctx context.Context) (Client, error) {
	client, err := o.conn.Get(ctx)
	if err != nil || client.IsConnectionOpen() {
		return client, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.lostErr != nil {
		return nil, fmt.Errorf("connection to MQTT broker at %s lost (%w), reconnecting", o.redacted, o.lostErr)
	}
	return nil, fmt.Errorf("connection to MQTT broker at %s lost, reconnecting", o.redacted)
}

func (o *owner) details() map[string]any {
	details := optionDetails(&o.options)
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.lostErr != nil {
		details["connection_lost"] = o.lostErr.Error()
	}
	return details
}
