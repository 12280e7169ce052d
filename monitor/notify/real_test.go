package notify_test

// The email and alertmanager channels are tested against real receivers,
// not stand-ins: each test starts its own mailpit or Alertmanager process
// (the binaries scripts/services installs, found by internal/testservice)
// with a configuration of its own, on free loopback ports, and reads back
// through the receiver's API what it was sent.

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/internal/testcert"
	"github.com/vitalsgo/vitals/internal/testservice"
)

// processLimit bounds a receiver's life: a test that hangs still ends it.
const processLimit = 3 * time.Minute

// syncBuffer collects a process's output, written by exec's goroutines.
type syncBuffer struct {
	mu sync.Mutex // protects b
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startProcess runs bin with args until the test ends (or processLimit):
// then it is interrupted, killed if it lingers, and waited for. Its output
// is logged if the test failed.
func startProcess(t *testing.T, name, bin string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), processLimit)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// mailpit reads MP_* settings from the environment; the test's
	// flags are all it should see.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MP_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait() // interrupted: an error is expected
		if t.Failed() {
			t.Logf("%s output:\n%s", name, out.String())
		}
	})
}

// freeAddr is a loopback address nothing listens on, for a server to take.
func freeAddr(t *testing.T) string { return testservice.ClosedAddr(t) }

// testHTTPClient is a client whose connections are closed when the test
// ends, so that goleak finds none of their goroutines.
func testHTTPClient(t *testing.T) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// getJSON GETs url into v, failing the test on any error or a status
// other than 200.
func getJSON(t *testing.T, c *http.Client, url string, v any) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", url, resp.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v in %s", url, err, body)
	}
}

// httpOK reports whether GET url answers 200.
func httpOK(c *http.Client, url string) bool {
	resp, err := c.Get(url)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// tcpOpen reports whether addr accepts connections.
func tcpOpen(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// smtpCert is a CA and a certificate it signed for 127.0.0.1 and
// localhost, written as PEM files for mailpit and the channel's CAFile.
type smtpCert struct {
	caFile, certFile, keyFile string
}

func newSMTPCert(t *testing.T, caName string) smtpCert {
	t.Helper()
	dir := t.TempDir()
	ca := testcert.NewCA(t, caName)
	now := time.Now()
	leaf := ca.Issue(t, testcert.Localhost(now.Add(-time.Hour), now.Add(24*time.Hour)))
	key, err := x509.MarshalPKCS8PrivateKey(leaf.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	c := smtpCert{
		caFile:   filepath.Join(dir, "ca.pem"),
		certFile: filepath.Join(dir, "cert.pem"),
		keyFile:  filepath.Join(dir, "key.pem"),
	}
	writePEM(t, c.caFile, "CERTIFICATE", ca.Cert.Raw)
	writePEM(t, c.certFile, "CERTIFICATE", leaf.Leaf.Raw)
	writePEM(t, c.keyFile, "PRIVATE KEY", key)
	return c
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// mailpitOpts says how a test's mailpit takes mail.
type mailpitOpts struct {
	// tls is "" (plain SMTP, no STARTTLS offered), "starttls" (offered
	// and required before MAIL) or "tls" (implicit TLS only).
	tls  string
	cert smtpCert
	// user and password, when set, are the only login it accepts, and it
	// takes no mail without one.
	user, password string
	// allowRecipients, when set, is a regular expression of the only
	// recipients it takes; it refuses others with 550.
	allowRecipients string
}

// mailpit is a running mailpit of a test's own.
type mailpit struct {
	smtpAddr string
	api      string // http://host:port
	client   *http.Client
}

func startMailpit(t *testing.T, o mailpitOpts) *mailpit {
	t.Helper()
	bin := testservice.Mailpit(t)
	dir := t.TempDir()
	m := &mailpit{smtpAddr: freeAddr(t), client: testHTTPClient(t)}
	httpAddr := freeAddr(t)
	m.api = "http://" + httpAddr
	args := []string{
		"--smtp", m.smtpAddr, "--listen", httpAddr,
		"--database", filepath.Join(dir, "mail.db"),
		"--disable-version-check", "--smtp-disable-rdns",
	}
	switch o.tls {
	case "starttls":
		args = append(args, "--smtp-tls-cert", o.cert.certFile, "--smtp-tls-key", o.cert.keyFile, "--smtp-require-starttls")
	case "tls":
		args = append(args, "--smtp-tls-cert", o.cert.certFile, "--smtp-tls-key", o.cert.keyFile, "--smtp-require-tls")
	}
	if o.user != "" {
		auth := filepath.Join(dir, "smtp-auth")
		if err := os.WriteFile(auth, []byte(o.user+":"+o.password+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--smtp-auth-file", auth)
		if o.tls == "" {
			args = append(args, "--smtp-auth-allow-insecure")
		}
	}
	if o.allowRecipients != "" {
		args = append(args, "--smtp-allowed-recipients", o.allowRecipients)
	}
	startProcess(t, "mailpit", bin, args...)
	monitortest.PollFor(t, 30*time.Second, 50*time.Millisecond, "mailpit to answer on "+m.smtpAddr+" and "+m.api,
		func() bool { return httpOK(m.client, m.api+"/readyz") && tcpOpen(m.smtpAddr) })
	return m
}

// mailAddress is net/mail.Address as mailpit's API shows it.
type mailAddress struct{ Name, Address string }

// mail is a message as mailpit's /api/v1/message/{ID} shows it.
type mail struct {
	ID, MessageID, Subject, Username, Text string
	From                                   mailAddress
	To                                     []mailAddress
}

// messages returns what mailpit holds, newest first.
func (m *mailpit) messages(t *testing.T) []mail {
	t.Helper()
	var list struct{ Messages []mail }
	getJSON(t, m.client, m.api+"/api/v1/messages", &list)
	return list.Messages
}

// waitMessages waits until mailpit holds n messages and returns them in
// full, oldest first.
func (m *mailpit) waitMessages(t *testing.T, n int) []mail {
	t.Helper()
	var list []mail
	monitortest.Poll(t, 50*time.Millisecond, fmt.Sprintf("%d messages in mailpit", n), func() bool {
		list = m.messages(t)
		return len(list) >= n
	})
	if len(list) != n {
		t.Fatalf("mailpit holds %d messages, want %d", len(list), n)
	}
	out := make([]mail, n)
	for i, s := range list {
		getJSON(t, m.client, m.api+"/api/v1/message/"+s.ID, &out[n-1-i])
	}
	return out
}

// raw returns the message as it was received, headers and all.
func (m *mailpit) raw(t *testing.T, id string) string {
	t.Helper()
	resp, err := m.client.Get(m.api + "/api/v1/message/" + id + "/raw")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("raw message %s: %s, %v", id, resp.Status, err)
	}
	return string(b)
}
