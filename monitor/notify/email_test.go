package notify_test

// The email and alertmanager channels are tested against real receivers,
// not stand-ins: each test starts its own mailpit or Alertmanager process
// (internal/testservice starts them from the binaries scripts/services
// installs) with a configuration of its own, on free loopback ports, and
// reads back through the receiver's API what it was sent.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/notify"
)

const (
	smtpUser     = "vitals"
	smtpPassword = "s3cret-Pa55-word"
)

var (
	since = time.Date(2026, 12, 6, 4, 58, 0, 0, time.UTC)
	at    = time.Date(2026, 12, 6, 5, 3, 30, 0, time.UTC)
)

// firingMessage is a grouped firing message of three targets.
func firingMessage() notify.Message {
	alert := func(target, group, msg string) notify.Alert {
		return notify.Alert{
			Kind: notify.Firing, Incident: target + "/1", DedupKey: target + "/1:ops:firing",
			Target: target, Group: group, Severity: "critical", Message: msg,
			Since: since, At: since, URL: "https://status.example.com/targets/" + target,
		}
	}
	return notify.Message{Key: "msg-firing-1", Alerts: []notify.Alert{
		alert("api", "backend", "GET /healthz: 503 Service Unavailable"),
		alert("db", "backend", "dial tcp 10.0.0.5:5432: connection refused"),
		alert("cache", "", "timeout after 2s"),
	}}
}

func resolvedMessage() notify.Message {
	m := firingMessage()
	m.Key = "msg-resolved-1"
	for i := range m.Alerts {
		a := &m.Alerts[i]
		a.Kind, a.At, a.Message = notify.Resolved, at, "ok"
		a.DedupKey = a.Incident + ":ops:resolved"
	}
	return m
}

// wantMessageID is the documented derivation: the first 16 bytes of
// SHA-256(Key) in hex, ".vitals@" and the From address's domain.
func wantMessageID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16]) + ".vitals@example.com"
}

func emailConfig(smtpAddr string) notify.Config {
	host, port, _ := net.SplitHostPort(smtpAddr)
	p, _ := strconv.Atoi(port)
	return notify.Config{
		Name: "ops", Type: "email", Host: host, Port: p,
		From: "Vitals <vitals@example.com>", To: []string{"oncall@example.com", "Team Lead <lead@example.org>"},
		Timeout: 10 * time.Second,
	}
}

func newChannel(t *testing.T, c notify.Config) notify.Channel {
	t.Helper()
	ch, err := notify.New(c, &notify.Options{Client: testservice.HTTPClient(t)})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return ch
}

// TestEmailFiringAndResolved sends a grouped firing message and its
// resolve through STARTTLS with a login, as a provider's submission port
// takes them, and reads both back from mailpit.
func TestEmailFiringAndResolved(t *testing.T) {
	cert := testservice.NewCert(t, "vitals test CA")
	mp := testservice.StartMailpit(t, &testservice.MailpitOptions{TLS: "starttls", Cert: cert, User: smtpUser, Password: smtpPassword})
	c := emailConfig(mp.SMTPAddr)
	c.Username, c.Password, c.CAFile = smtpUser, smtpPassword, cert.CAFile
	ch := newChannel(t, c) // TLS "" is starttls

	if err := ch.(notify.Checker).Check(t.Context()); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if err := ch.Send(t.Context(), firingMessage()); err != nil {
		t.Fatalf("Send firing: %v", err)
	}
	if err := ch.Send(t.Context(), resolvedMessage()); err != nil {
		t.Fatalf("Send resolved: %v", err)
	}
	got := mp.WaitMessages(t, 2)
	firing, resolved := got[0], got[1]

	if want := "[FIRING] 3 targets: api, db, cache"; firing.Subject != want {
		t.Errorf("firing subject %q, want %q", firing.Subject, want)
	}
	if want := "[RESOLVED] 3 targets: api, db, cache"; resolved.Subject != want {
		t.Errorf("resolved subject %q, want %q", resolved.Subject, want)
	}
	for _, m := range got {
		if m.From.Address != "vitals@example.com" || m.From.Name != "Vitals" {
			t.Errorf("%s: From %+v", m.Subject, m.From)
		}
		var to []string
		for _, a := range m.To {
			to = append(to, a.Address)
		}
		if strings.Join(to, ",") != "oncall@example.com,lead@example.org" {
			t.Errorf("%s: To %v", m.Subject, to)
		}
		if m.Username != smtpUser {
			t.Errorf("%s: mailpit saw login %q, want %q", m.Subject, m.Username, smtpUser)
		}
	}
	if want := wantMessageID("msg-firing-1"); firing.MessageID != want {
		t.Errorf("firing Message-ID %q, want %q", firing.MessageID, want)
	}
	if want := wantMessageID("msg-resolved-1"); resolved.MessageID != want {
		t.Errorf("resolved Message-ID %q, want %q", resolved.MessageID, want)
	}

	for _, want := range []string{
		"vitals: 3 firing",
		"[FIRING] api", "group:    backend", "severity: critical",
		"message:  GET /healthz: 503 Service Unavailable",
		"since:    2026-12-06 04:58:00 UTC",
		"url:      https://status.example.com/targets/api",
		"incident: api/1",
		"[FIRING] db", "dial tcp 10.0.0.5:5432: connection refused",
		"[FIRING] cache", "timeout after 2s",
	} {
		if !strings.Contains(firing.Text, want) {
			t.Errorf("firing body lacks %q:\n%s", want, firing.Text)
		}
	}
	for _, want := range []string{"vitals: 3 resolved", "[RESOLVED] api", "resolved: 2026-12-06 05:03:30 UTC", "down for: 5m30s"} {
		if !strings.Contains(resolved.Text, want) {
			t.Errorf("resolved body lacks %q:\n%s", want, resolved.Text)
		}
	}
	raw := mp.Raw(t, firing.ID)
	for _, want := range []string{"Message-ID: <" + wantMessageID("msg-firing-1") + ">", "Date: ", "Auto-Submitted: auto-generated", "Content-Type: text/plain; charset=utf-8"} {
		if !strings.Contains(raw, want+"") {
			t.Errorf("raw message lacks %q:\n%s", want, raw)
		}
	}
}

// TestEmailRetryKeepsMessageID: a retry of a message carries the same
// Message-ID, so a receiver can drop the duplicate; another message has
// another.
func TestEmailRetryKeepsMessageID(t *testing.T) {
	mp := testservice.StartMailpit(t, nil)
	c := emailConfig(mp.SMTPAddr)
	c.TLS = "none"
	ch := newChannel(t, c)
	m := firingMessage()
	for range 2 {
		if err := ch.Send(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	m.Key = "msg-firing-2"
	if err := ch.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	got := mp.WaitMessages(t, 3)
	if got[0].MessageID != got[1].MessageID || got[0].MessageID != wantMessageID("msg-firing-1") {
		t.Errorf("retry Message-IDs %q and %q, want both %q", got[0].MessageID, got[1].MessageID, wantMessageID("msg-firing-1"))
	}
	if got[2].MessageID == got[0].MessageID {
		t.Errorf("another message has the same Message-ID %q", got[2].MessageID)
	}
}

// TestEmailRefusedRecipients: a recipient the server refuses for good is
// left out and the others get the mail; when it refuses them all, the send
// fails for good.
func TestEmailRefusedRecipients(t *testing.T) {
	mp := testservice.StartMailpit(t, &testservice.MailpitOptions{AllowRecipients: `@example\.com$`})
	c := emailConfig(mp.SMTPAddr)
	// mailpit's Received header names the first recipient it accepted:
	// the refused one comes first.
	c.To = []string{"Team Lead <lead@example.org>", "oncall@example.com"}
	c.TLS = "none"
	var log testservice.SyncBuffer
	ch, err := notify.New(c, &notify.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(t.Context(), firingMessage()); err != nil {
		t.Fatalf("Send with one recipient refused: %v", err)
	}
	if !strings.Contains(log.String(), "to=lead@example.org") {
		t.Errorf("the refused recipient is not logged: %q", log.String())
	}
	got := mp.WaitMessages(t, 1)[0]
	if len(got.To) != 2 {
		t.Errorf("To header %v: want both recipients named", got.To)
	}
	var delivered []string
	for _, line := range strings.Split(mp.Raw(t, got.ID), "\r\n") {
		if strings.Contains(line, "for <") {
			delivered = append(delivered, strings.TrimSpace(line))
		}
	}
	if len(delivered) != 1 || !strings.Contains(delivered[0], "oncall@example.com") {
		t.Errorf("mailpit received it for %v, want oncall@example.com only", delivered)
	}

	c.To = []string{"lead@example.org"}
	err = newChannel(t, c).Send(t.Context(), firingMessage())
	if err == nil || !errors.Is(err, notify.ErrPermanent) || !strings.Contains(err.Error(), "every recipient was refused") {
		t.Errorf("Send with every recipient refused: %v; want a permanent error", err)
	}
}

// TestEmailImplicitTLS sends over TLS from the first byte (port 465's way).
func TestEmailImplicitTLS(t *testing.T) {
	cert := testservice.NewCert(t, "vitals test CA")
	mp := testservice.StartMailpit(t, &testservice.MailpitOptions{TLS: "tls", Cert: cert, User: smtpUser, Password: smtpPassword})
	c := emailConfig(mp.SMTPAddr)
	c.TLS, c.CAFile, c.Username, c.Password = "tls", cert.CAFile, smtpUser, smtpPassword
	ch := newChannel(t, c)
	if err := ch.(notify.Checker).Check(t.Context()); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if err := ch.Send(t.Context(), resolvedMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := mp.WaitMessages(t, 1)[0].Subject; got != "[RESOLVED] 3 targets: api, db, cache" {
		t.Errorf("subject %q", got)
	}
}

// TestEmailWrongPassword: the server's refusal is permanent, and neither
// the error nor the login token carrying the password is quoted.
func TestEmailWrongPassword(t *testing.T) {
	cert := testservice.NewCert(t, "vitals test CA")
	mp := testservice.StartMailpit(t, &testservice.MailpitOptions{TLS: "starttls", Cert: cert, User: smtpUser, Password: smtpPassword})
	c := emailConfig(mp.SMTPAddr)
	c.CAFile, c.Username, c.Password = cert.CAFile, smtpUser, "wrong-Pa55-word"
	ch := newChannel(t, c)

	for name, err := range sendAndCheck(t, ch) {
		if err == nil {
			t.Fatalf("%s with a wrong password succeeded", name)
		}
		if !errors.Is(err, notify.ErrPermanent) {
			t.Errorf("%s: %v: not permanent", name, err)
		}
		if !strings.Contains(err.Error(), "AUTH") {
			t.Errorf("%s: %v does not say the login failed", name, err)
		}
		if strings.Contains(err.Error(), "wrong-Pa55-word") {
			t.Errorf("%s: the error quotes the password: %v", name, err)
		}
	}
	if n := len(mp.Messages(t)); n != 0 {
		t.Errorf("mailpit took %d messages without a login", n)
	}
}

// TestEmailRefusesServerWithoutSTARTTLS: under TLS "starttls" a server
// that does not offer it gets neither the password nor the mail.
func TestEmailRefusesServerWithoutSTARTTLS(t *testing.T) {
	mp := testservice.StartMailpit(t, &testservice.MailpitOptions{User: smtpUser, Password: smtpPassword})
	c := emailConfig(mp.SMTPAddr)
	c.Username, c.Password = smtpUser, smtpPassword
	ch := newChannel(t, c)
	for name, err := range sendAndCheck(t, ch) {
		if err == nil {
			t.Fatalf("%s to a server without STARTTLS succeeded", name)
		}
		if !strings.Contains(err.Error(), "does not offer STARTTLS") || !errors.Is(err, notify.ErrPermanent) {
			t.Errorf("%s: %v: want a permanent error saying the server does not offer STARTTLS", name, err)
		}
	}
	if n := len(mp.Messages(t)); n != 0 {
		t.Errorf("mailpit took %d messages", n)
	}
}

// TestEmailWrongCA: a server whose certificate the configured CA did not
// sign is not sent to.
func TestEmailWrongCA(t *testing.T) {
	cert := testservice.NewCert(t, "vitals test CA")
	other := testservice.NewCert(t, "another CA")
	mp := testservice.StartMailpit(t, &testservice.MailpitOptions{TLS: "starttls", Cert: cert})
	c := emailConfig(mp.SMTPAddr)
	c.CAFile = other.CAFile
	err := newChannel(t, c).Send(t.Context(), firingMessage())
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("Send to a server with a certificate of another CA: %v", err)
	}
}

// TestEmailServerHangs: a server that accepts and never answers fails the
// send and the check at the channel's timeout, or at once when the
// context is cancelled; retrying may help, so the error is not permanent.
func TestEmailServerHangs(t *testing.T) {
	hung := testservice.BlackholeAddr(t)
	for name, run := range map[string]func(context.Context, notify.Channel) error{
		"Send":  func(ctx context.Context, ch notify.Channel) error { return ch.Send(ctx, firingMessage()) },
		"Check": func(ctx context.Context, ch notify.Channel) error { return ch.(notify.Checker).Check(ctx) },
	} {
		c := emailConfig(hung)
		c.TLS, c.Timeout = "none", 500*time.Millisecond
		// The test's context has no deadline: a deadline error can only
		// be the channel's own timeout (a hang ends the test binary).
		err := run(t.Context(), newChannel(t, c))
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, notify.ErrPermanent) {
			t.Errorf("%s: %v: want a retryable deadline error", name, err)
		}

		c.Timeout = time.Minute
		ctx, cancel := context.WithCancel(t.Context())
		stop := time.AfterFunc(200*time.Millisecond, cancel)
		err = run(ctx, newChannel(t, c))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s cancelled after 200ms (timeout a minute): %v; want the cancellation's error", name, err)
		}
		stop.Stop()
		cancel()
	}
}

// TestEmailCheck: Check passes against a server that is up and fails,
// retryably, against one that is down.
func TestEmailCheck(t *testing.T) {
	mp := testservice.StartMailpit(t, nil)
	up := emailConfig(mp.SMTPAddr)
	up.TLS = "none"
	if err := newChannel(t, up).(notify.Checker).Check(t.Context()); err != nil {
		t.Errorf("Check against mailpit: %v", err)
	}
	down := emailConfig(testservice.ClosedAddr(t))
	down.TLS = "none"
	err := newChannel(t, down).(notify.Checker).Check(t.Context())
	if err == nil || errors.Is(err, notify.ErrPermanent) || !strings.Contains(err.Error(), "dial") {
		t.Errorf("Check against a closed port: %v; want a retryable dial error", err)
	}
}

// TestEmailLocalRelay sends through the shared mailpit scripts/services
// starts, as a plain local relay without TLS or login.
func TestEmailLocalRelay(t *testing.T) {
	shared := testservice.SharedMailpit(t)
	c := emailConfig(shared.SMTPAddr)
	c.TLS = "none"
	m := firingMessage()
	m.Key = "relay-" + time.Now().Format(time.RFC3339Nano)
	if err := newChannel(t, c).Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, got := range shared.Messages(t) {
		if got.MessageID == wantMessageID(m.Key) {
			found = true
			if got.Subject != "[FIRING] 3 targets: api, db, cache" {
				t.Errorf("subject %q", got.Subject)
			}
		}
	}
	if !found {
		t.Errorf("no message with Message-ID %s in the shared mailpit", wantMessageID(m.Key))
	}
}

// TestEmailConfig: a configuration that cannot work is refused at New,
// naming the field and never the password.
func TestEmailConfig(t *testing.T) {
	notPEM := writeFile(t, t.TempDir(), "ca.pem", "not a certificate")
	tests := []struct {
		name string
		edit func(*notify.Config)
		want string
	}{
		{"no host", func(c *notify.Config) { c.Host = "" }, "host is required"},
		{"unknown tls", func(c *notify.Config) { c.TLS = "ssl" }, `tls is "ssl"`},
		{"bad port", func(c *notify.Config) { c.Port = 70000 }, "port 70000"},
		{"bad from", func(c *notify.Config) { c.From = "not an address" }, "from"},
		{"no recipients", func(c *notify.Config) { c.To = nil }, "to needs"},
		{"bad recipient", func(c *notify.Config) { c.To = []string{"ops@example.com", "nobody"} }, `to "nobody"`},
		{"missing ca file", func(c *notify.Config) { c.CAFile = "/nonexistent/ca.pem" }, "ca_file"},
		{"ca file without PEM", func(c *notify.Config) { c.CAFile = notPEM }, "no PEM certificate"},
		{"login in the clear to another host", func(c *notify.Config) {
			c.Host, c.TLS, c.Username, c.Password = "mail.example.com", "none", smtpUser, smtpPassword
		}, "in the clear"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := emailConfig("127.0.0.1:587")
			c.Password = smtpPassword
			tt.edit(&c)
			_, err := notify.New(c, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: %v; want an error saying %q", err, tt.want)
			}
			if strings.Contains(err.Error(), smtpPassword) {
				t.Errorf("the error quotes the password: %v", err)
			}
		})
	}
	// A login in the clear to the machine itself is what a local relay
	// may ask for; net/smtp allows it too.
	c := emailConfig("127.0.0.1:25")
	c.TLS, c.Username, c.Password = "none", smtpUser, smtpPassword
	if _, err := notify.New(c, nil); err != nil {
		t.Errorf("New with a login over plain SMTP to 127.0.0.1: %v", err)
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// sendAndCheck returns the errors of a Send of a firing message and of a
// Check through ch, by name.
func sendAndCheck(t *testing.T, ch notify.Channel) map[string]error {
	return map[string]error{
		"Send":  ch.Send(t.Context(), firingMessage()),
		"Check": ch.(notify.Checker).Check(t.Context()),
	}
}
