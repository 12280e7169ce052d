package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Kind is what a notification says of an incident.
type Kind string

// The kinds of notification.
const (
	Firing   Kind = "firing"   // the incident opened
	Reminder Kind = "reminder" // it is still open (remind_every)
	Resolved Kind = "resolved" // it closed
)

// Alert is one incident's news in a [Message].
type Alert struct {
	Kind Kind
	// Incident is the incident's key, the same in its firing, reminder and
	// resolved notifications: "<target>/<n>". Providers that deduplicate
	// (PagerDuty dedup_key, Opsgenie alias, Alertmanager labels) get it.
	Incident string
	// DedupKey is this notification's unique key:
	// "<incident>:<channel>:<kind>[:<n>]".
	DedupKey string
	Target   string
	Group    string // the target's page group
	Severity string // "critical" (default), "warning" or "info"
	// Message is what the failing result said, redacted; for a resolved
	// alert, what the passing one said.
	Message  string
	Since    time.Time // when the incident opened
	At       time.Time // when this news happened (opened, reminded, resolved)
	Reminder int       // the reminder's number, from 1; 0 for other kinds
	URL      string    // the target's page, when the monitor knows its external URL
}

// Message is what one delivery sends: the alerts of one channel that went
// out together (grouped within group_wait), oldest first.
type Message struct {
	// Key is the message's idempotency key: the same on every retry of
	// this message, and different for every other message. Channels send
	// it where the provider takes one (the webhook's Idempotency-Key).
	Key    string
	Alerts []Alert
}

// Channel delivers messages to one receiver.
type Channel interface {
	// Name is the channel's name in the configuration.
	Name() string
	// Type is the configured type: "webhook", "slack", …
	Type() string
	// Send delivers m. An error wrapping [ErrPermanent] will fail the same
	// way on every retry (the receiver refused the request as malformed or
	// unauthorised): the dispatcher dead-letters it at once. Errors never
	// quote a secret: not the URL of a webhook, a key or a password.
	Send(ctx context.Context, m Message) error
}

// Checker is a Channel that can tell at startup whether its receiver is
// reachable (email dials the SMTP server). The monitor logs a failure and
// goes on: the outbox keeps what it cannot send.
type Checker interface {
	Check(ctx context.Context) error
}

// ErrPermanent marks a delivery that retrying will not fix.
var ErrPermanent = errors.New("permanent failure")

// Config is one entry of the configuration's notify list. Which fields a
// type reads is in the README's table; secret fields (URL for webhook,
// slack and teams, Secret, RoutingKey, APIKey, Token, Password) never
// appear in an error, a log line or a message.
type Config struct {
	Name string
	Type string

	// URL is where the channel posts: the webhook, Slack or Teams URL,
	// the ntfy topic URL, the Alertmanager base URL; for PagerDuty and
	// Opsgenie, an API base other than the provider's (a proxy, a test).
	URL string
	// Headers are extra request headers (webhook, ntfy).
	Headers map[string]string
	// Secret signs webhook bodies: X-Vitals-Signature: sha256=<hex HMAC>.
	Secret string
	// Template is a Go text/template for the webhook body, executed with
	// the Message; "" for the documented JSON body.
	Template string
	// RoutingKey is the PagerDuty Events API v2 integration key.
	RoutingKey string
	// APIKey is the Opsgenie API key (Authorization: GenieKey …).
	APIKey string
	// Token is an ntfy access token (Authorization: Bearer …).
	Token string

	// SMTP, for email.
	Host     string
	Port     int      // default 587; 465 with TLS "tls"
	Username string   // "" for no auth
	Password string   //
	From     string   //
	To       []string //
	// TLS is "starttls" (default: refuse a server without it), "tls"
	// (implicit TLS, port 465) or "none" (plain; only for a local relay).
	TLS string
	// CAFile is a PEM file of the CAs that sign the SMTP server's
	// certificate; default the system's.
	CAFile string

	// Timeout bounds one delivery. Default 10s.
	Timeout time.Duration
}

// Options are what channels share.
type Options struct {
	// Logger receives what a channel has to say besides its error (a
	// template that failed and the default body sent instead). Default
	// slog.Default().
	Logger *slog.Logger
	// Client sends HTTP requests; default a client of its own. Its
	// Timeout is not used: Config.Timeout bounds each delivery.
	Client *http.Client
}

// DefaultTimeout bounds a delivery when the channel sets no timeout.
const DefaultTimeout = 10 * time.Second

// Types lists the channel types, sorted.
func Types() []string {
	return []string{"alertmanager", "email", "ntfy", "opsgenie", "pagerduty", "slack", "teams", "webhook"}
}

// New returns the channel c describes. Errors name the channel and the
// field, never a secret's value.
func New(c Config, o *Options) (Channel, error) {
	if c.Name == "" {
		return nil, errors.New("notify: a channel needs a name")
	}
	var opts Options
	if o != nil {
		opts = *o
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Client == nil {
		opts.Client = &http.Client{}
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	mk, ok := constructors[c.Type]
	if !ok {
		return nil, fmt.Errorf("notify: channel %q: unknown type %q", c.Name, c.Type)
	}
	return mk(c, opts)
}

// constructors holds each type's constructor; each type's file registers
// its own.
var constructors = map[string]func(Config, Options) (Channel, error){}
