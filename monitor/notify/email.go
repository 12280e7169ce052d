package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"time"
)

func init() { constructors["email"] = newEmail }

// The TLS modes of an email channel (Config.TLS).
const (
	smtpStartTLS = "starttls"
	smtpTLS      = "tls"
	smtpNoTLS    = "none"
)

// email sends one mail per [Message] through an SMTP server with net/smtp.
//
// Every step (dial, TLS handshake, each command) runs under one deadline,
// the context's or Config.Timeout, whichever is sooner, set on the
// connection itself: net/smtp takes no context, and a server that accepts
// and never answers would otherwise hold the send forever.
type email struct {
	name    string
	host    string // the server's name: TLS verification, PLAIN auth
	addr    string // host:port
	mode    string // smtpStartTLS, smtpTLS or smtpNoTLS
	tls     *tls.Config
	auth    smtp.Auth // nil without a username
	secrets []string  // what errors must not quote: the password, the PLAIN token
	from    *mail.Address
	to      []*mail.Address
	timeout time.Duration
	logger  *slog.Logger
}

var _ Checker = (*email)(nil)

func newEmail(c Config, o Options) (Channel, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("notify: channel %q (email): "+format, append([]any{c.Name}, args...)...)
	}
	e := &email{name: c.Name, host: c.Host, mode: strings.ToLower(c.TLS), timeout: c.Timeout, logger: o.Logger}
	if e.host == "" {
		return nil, bad("host is required")
	}
	if e.mode == "" {
		e.mode = smtpStartTLS
	}
	port := c.Port
	switch e.mode {
	case smtpStartTLS, smtpNoTLS:
		if port == 0 {
			port = 587
		}
	case smtpTLS:
		if port == 0 {
			port = 465
		}
	default:
		return nil, bad("tls is %q: want starttls, tls or none", c.TLS)
	}
	if port < 1 || port > 65535 {
		return nil, bad("port %d is out of range", port)
	}
	e.addr = net.JoinHostPort(e.host, strconv.Itoa(port))

	var err error
	if e.from, err = mail.ParseAddress(c.From); err != nil {
		return nil, bad("from %q: %v", c.From, err)
	}
	if len(c.To) == 0 {
		return nil, bad("to needs at least one address")
	}
	for _, s := range c.To {
		a, err := mail.ParseAddress(s)
		if err != nil {
			return nil, bad("to %q: %v", s, err)
		}
		e.to = append(e.to, a)
	}

	if e.mode != smtpNoTLS {
		e.tls = &tls.Config{ServerName: e.host, MinVersion: tls.VersionTLS12}
		if c.CAFile != "" {
			pem, err := os.ReadFile(c.CAFile)
			if err != nil {
				return nil, bad("ca_file: %v", err)
			}
			e.tls.RootCAs = x509.NewCertPool()
			if !e.tls.RootCAs.AppendCertsFromPEM(pem) {
				return nil, bad("ca_file %s holds no PEM certificate", c.CAFile)
			}
		}
	}

	if c.Username != "" {
		// As net/smtp's PlainAuth insists at every send: a password goes
		// in the clear only to the machine itself. Refusing here says so
		// at startup instead of at the first alert.
		if e.mode == smtpNoTLS && !smtpLoopback(e.host) {
			return nil, bad("tls none sends the password in the clear: only allowed to a loopback host, not %q", e.host)
		}
		e.auth = smtp.PlainAuth("", c.Username, c.Password, e.host)
		if c.Password != "" {
			e.secrets = append(e.secrets, c.Password, smtpPlainToken(c.Username, c.Password))
		}
	}
	return e, nil
}

func (e *email) Name() string { return e.name }
func (e *email) Type() string { return "email" }

// Send delivers m as one mail to every recipient. A recipient the server
// refuses for good (5xx to RCPT) is logged and left out while the others get
// the mail; only when it refuses all of them is that the error. Retries of m
// carry the same Message-ID, so a receiver can drop the duplicates.
func (e *email) Send(ctx context.Context, m Message) error {
	if len(m.Alerts) == 0 {
		return nil
	}
	body := emailBody(e.from, e.to, m, time.Now())
	return e.session(ctx, func(ctx context.Context, c *smtp.Client) error {
		if err := c.Mail(e.from.Address); err != nil {
			return e.fail(ctx, "MAIL FROM", err)
		}
		accepted := 0
		for _, to := range e.to {
			err := c.Rcpt(to.Address)
			if err == nil {
				accepted++
				continue
			}
			if !smtpPermanent(err) {
				return e.fail(ctx, "RCPT TO", err)
			}
			e.logger.Warn("notify: email recipient refused",
				"channel", e.name, "to", to.Address, "error", e.redact(err.Error()))
		}
		if accepted == 0 {
			return &smtpError{text: fmt.Sprintf("email %q: %s: every recipient was refused", e.name, e.addr), errs: []error{ErrPermanent}}
		}
		w, err := c.Data()
		if err != nil {
			return e.fail(ctx, "DATA", err)
		}
		if _, err := w.Write(body); err != nil {
			w.Close()
			return e.fail(ctx, "DATA", err)
		}
		// The server's answer to the final dot is the delivery's answer.
		if err := w.Close(); err != nil {
			return e.fail(ctx, "DATA", err)
		}
		return nil
	})
}

// Check dials the server, greets it, starts TLS as configured and, when
// the channel has a username, logs in, then quits: what a send does before
// its first mail command, so that a wrong host, port, certificate or
// password shows at startup.
func (e *email) Check(ctx context.Context) error {
	return e.session(ctx, func(context.Context, *smtp.Client) error { return nil })
}

// session runs fn on a client that has greeted the server, started TLS
// and logged in as configured, then quits. All of it, fn included, runs
// under one deadline set on the connection.
func (e *email) session(ctx context.Context, fn func(context.Context, *smtp.Client) error) error {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", e.addr)
	if err != nil {
		return e.fail(ctx, "dial", err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline() // always set: WithTimeout above
	if err := conn.SetDeadline(deadline); err != nil {
		return e.fail(ctx, "dial", err)
	}
	// A cancelled context (shutdown) ends the session at once, not at the
	// deadline: the past deadline fails whatever read or write is waiting.
	raw := conn // the TCP connection, under TLS too: conn may change below
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(smtpPast) })
	defer stop()

	if e.mode == smtpTLS {
		tc := tls.Client(conn, e.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			return e.fail(ctx, "TLS handshake", err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, e.host)
	if err != nil {
		return e.fail(ctx, "greeting", err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return e.fail(ctx, "EHLO", err)
	}
	if e.mode == smtpStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return &smtpError{
				text: fmt.Sprintf(`email %q: %s does not offer STARTTLS: set tls "tls" for a server with implicit TLS (port 465), or "none" for a local relay`, e.name, e.addr),
				errs: []error{ErrPermanent},
			}
		}
		if err := c.StartTLS(e.tls); err != nil {
			return e.fail(ctx, "STARTTLS", err)
		}
	}
	if e.auth != nil {
		if ok, _ := c.Extension("AUTH"); !ok {
			return &smtpError{
				text: fmt.Sprintf("email %q: %s does not offer AUTH, and a username is configured", e.name, e.addr),
				errs: []error{ErrPermanent},
			}
		}
		if err := c.Auth(e.auth); err != nil {
			return e.fail(ctx, "AUTH", err)
		}
	}
	if err := fn(ctx, c); err != nil {
		return err
	}
	if err := c.Quit(); err != nil {
		// The mail was accepted at the final dot; a lost goodbye does not
		// make it undelivered.
		e.logger.Debug("notify: email QUIT failed", "channel", e.name, "error", e.redact(err.Error()))
	}
	return nil
}

// smtpError is an email channel's error: its text has no secret in it, and
// it unwraps to ErrPermanent when retrying cannot help, to the context's
// error when that ended the session, and to the cause when the cause's
// text had no secret to remove.
type smtpError struct {
	text string
	errs []error
}

func (e *smtpError) Error() string   { return e.text }
func (e *smtpError) Unwrap() []error { return e.errs }

// smtpPast is a deadline long gone, to fail a connection's waiting I/O.
var smtpPast = time.Unix(1, 0)

// fail describes err, which step of the session at e.addr returned. A
// server's 5xx reply is permanent; its 4xx replies, network errors and
// timeouts are worth retrying.
func (e *email) fail(ctx context.Context, step string, err error) error {
	raw := err.Error()
	text := e.redact(raw)
	out := &smtpError{text: fmt.Sprintf("email %q: %s: %s: %s", e.name, e.addr, step, text)}
	if smtpPermanent(err) {
		out.errs = append(out.errs, ErrPermanent)
	}
	cerr := ctx.Err()
	if cerr == nil && errors.Is(err, os.ErrDeadlineExceeded) {
		// The connection's deadline is the context's, and may pass a
		// moment before the context's own timer fires.
		cerr = context.DeadlineExceeded
	}
	if cerr != nil && !errors.Is(err, cerr) {
		out.text += " (" + cerr.Error() + ")"
		out.errs = append(out.errs, cerr)
	}
	if text == raw {
		out.errs = append(out.errs, err)
	}
	return out
}

// smtpPermanent reports whether err is a server's 5xx reply.
func smtpPermanent(err error) bool {
	var tp *textproto.Error
	return errors.As(err, &tp) && tp.Code >= 500
}

// redact removes the password, and the PLAIN token that carries it, from s:
// a server may quote what it was sent.
func (e *email) redact(s string) string {
	for _, secret := range e.secrets {
		s = strings.ReplaceAll(s, secret, "[redacted]")
	}
	return s
}

// smtpLoopback reports whether net/smtp's PlainAuth sends a password to
// host without TLS: the same three names it accepts.
func smtpLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// smtpPlainToken is what AUTH PLAIN sends for user and password.
func smtpPlainToken(user, password string) string {
	return base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + password))
}
