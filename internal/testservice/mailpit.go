package testservice

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// MailpitOptions say how a mailpit of [StartMailpit] takes mail; nil or
// the zero value is plain SMTP without login.
type MailpitOptions struct {
	// TLS is "" (plain SMTP, no STARTTLS offered), "starttls" (offered
	// and required before MAIL) or "tls" (implicit TLS only), with Cert.
	TLS  string
	Cert Cert
	// User and Password, when set, are the only login it accepts, and it
	// takes no mail without one.
	User, Password string
	// AllowRecipients, when set, is a regular expression of the only
	// recipients it takes; it refuses others with 550.
	AllowRecipients string
}

// Mailpit is a mailpit: one a test started, or the shared one.
type Mailpit struct {
	// SMTPAddr is where it takes mail, host:port.
	SMTPAddr string
	// API is its HTTP API's base URL, http://host:port.
	API    string
	client *http.Client
}

// StartMailpit starts a mailpit of the test's own on free loopback ports,
// with an empty mailbox, and returns once it answers on both. It skips
// the test, or fails it, as [MailpitBin] does when there is no binary.
func StartMailpit(t testing.TB, o *MailpitOptions) *Mailpit {
	t.Helper()
	if o == nil {
		o = &MailpitOptions{}
	}
	bin := MailpitBin(t)
	if bin == "" {
		return nil // skipped (only a stand-in testing.TB gets here)
	}
	dir := t.TempDir()
	m := &Mailpit{SMTPAddr: ClosedAddr(t), client: HTTPClient(t)}
	httpAddr := ClosedAddr(t)
	m.API = "http://" + httpAddr
	args := []string{
		"--smtp", m.SMTPAddr, "--listen", httpAddr,
		"--database", filepath.Join(dir, "mail.db"),
		"--disable-version-check", "--smtp-disable-rdns",
	}
	switch o.TLS {
	case "":
	case "starttls":
		args = append(args, "--smtp-tls-cert", o.Cert.CertFile, "--smtp-tls-key", o.Cert.KeyFile, "--smtp-require-starttls")
	case "tls":
		args = append(args, "--smtp-tls-cert", o.Cert.CertFile, "--smtp-tls-key", o.Cert.KeyFile, "--smtp-require-tls")
	default:
		t.Fatalf("testservice: MailpitOptions.TLS %q: want \"\", starttls or tls", o.TLS)
	}
	if o.User != "" {
		auth := filepath.Join(dir, "smtp-auth")
		writeFile(t, auth, o.User+":"+o.Password+"\n")
		args = append(args, "--smtp-auth-file", auth)
		if o.TLS == "" {
			args = append(args, "--smtp-auth-allow-insecure")
		}
	}
	if o.AllowRecipients != "" {
		args = append(args, "--smtp-allowed-recipients", o.AllowRecipients)
	}
	startProcess(t, "mailpit", bin, args...)
	waitFor(t, startLimit, "mailpit to answer on "+m.SMTPAddr+" and "+m.API, func() bool {
		return httpOK(m.client, m.get("/readyz")) && tcpOpen(m.SMTPAddr)
	})
	return m
}

// SharedMailpit is the mailpit scripts/services starts, a plain local
// relay at [SMTPAddr] with its API at [MailpitAPI]. It requires both as
// [Require] does. Its mailbox holds other tests' mail too.
func SharedMailpit(t testing.TB) *Mailpit {
	t.Helper()
	Require(t, "mailpit (SMTP)", SMTPAddr)
	Require(t, "mailpit (HTTP API)", MailpitAPIAddr)
	return &Mailpit{SMTPAddr: SMTPAddr, API: MailpitAPI, client: HTTPClient(t)}
}

// get is a GET of the API's path.
func (m *Mailpit) get(path string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, m.API+path, nil)
	return req
}

// MailAddress is a net/mail.Address as mailpit's API shows it.
type MailAddress struct{ Name, Address string }

// Mail is a message as mailpit's API shows it: GET /api/v1/messages has
// the summary fields, /api/v1/message/{ID} Text too.
type Mail struct {
	ID, MessageID, Subject string
	// Username is the SMTP login it came with.
	Username string
	// Text is the plain-text body.
	Text string
	From MailAddress
	To   []MailAddress
}

// Messages returns the summaries of what mailpit holds, newest first.
func (m *Mailpit) Messages(t testing.TB) []Mail {
	t.Helper()
	var list struct{ Messages []Mail }
	getJSON(t, m.client, m.get("/api/v1/messages"), &list)
	return list.Messages
}

// Message returns the message with the ID in full.
func (m *Mailpit) Message(t testing.TB, id string) Mail {
	t.Helper()
	var out Mail
	getJSON(t, m.client, m.get("/api/v1/message/"+id), &out)
	return out
}

// WaitMessages waits (30s at most) until mailpit holds n messages, and
// returns them in full, oldest first. It fails the test if it holds more.
func (m *Mailpit) WaitMessages(t testing.TB, n int) []Mail {
	t.Helper()
	var list []Mail
	waitFor(t, 30*time.Second, fmt.Sprintf("%d messages in mailpit", n), func() bool {
		list = m.Messages(t)
		return len(list) >= n
	})
	if len(list) != n {
		t.Fatalf("mailpit holds %d messages, want %d", len(list), n)
	}
	out := make([]Mail, n)
	for i, s := range list {
		out[n-1-i] = m.Message(t, s.ID)
	}
	return out
}

// Raw returns the message with the ID as it was received, headers and all.
func (m *Mailpit) Raw(t testing.TB, id string) string {
	t.Helper()
	resp, err := m.client.Do(m.get("/api/v1/message/" + id + "/raw"))
	if err != nil {
		t.Fatalf("raw message %s: %v", id, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("raw message %s: %s, %v", id, resp.Status, err)
	}
	return string(b)
}
