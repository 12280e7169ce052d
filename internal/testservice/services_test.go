package testservice

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/smtp"
	"os"
	"strings"
	"testing"
	"time"
)

// sendMail sends one message to addr, over STARTTLS trusting caFile and
// with a login when they are set.
func sendMail(t *testing.T, addr, caFile, user, password, subject string) {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			t.Fatal(err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		if err := c.StartTLS(&tls.Config{ServerName: "127.0.0.1", RootCAs: pool}); err != nil {
			t.Fatalf("STARTTLS: %v", err)
		}
	}
	if user != "" {
		if err := c.Auth(smtp.PlainAuth("", user, password, "127.0.0.1")); err != nil {
			t.Fatalf("AUTH: %v", err)
		}
	}
	if err := c.Mail("sender@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("rcpt@example.com"); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	msg := "From: sender@example.com\r\nTo: rcpt@example.com\r\nSubject: " + subject + "\r\n\r\nbody of " + subject + "\r\n"
	if _, err := w.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
}

// StartMailpit's mailpit takes mail as its options say, shows it through
// the API, and is gone when the test that started it ends.
func TestStartMailpit(t *testing.T) {
	var smtpAddr string
	t.Run("starttls and login", func(t *testing.T) {
		cert := NewCert(t, "testservice CA")
		mp := StartMailpit(t, &MailpitOptions{TLS: "starttls", Cert: cert, User: "u", Password: "p4ss"})
		smtpAddr = mp.SMTPAddr
		sendMail(t, mp.SMTPAddr, cert.CAFile, "u", "p4ss", "first")
		sendMail(t, mp.SMTPAddr, cert.CAFile, "u", "p4ss", "second")
		got := mp.WaitMessages(t, 2)
		if got[0].Subject != "first" || got[1].Subject != "second" {
			t.Errorf("subjects %q, %q; want first, second (oldest first)", got[0].Subject, got[1].Subject)
		}
		if got[0].Username != "u" || len(got[0].To) != 1 || got[0].To[0].Address != "rcpt@example.com" || !strings.Contains(got[0].Text, "body of first") {
			t.Errorf("first message %+v", got[0])
		}
		if raw := mp.Raw(t, got[1].ID); !strings.Contains(raw, "Subject: second") {
			t.Errorf("raw message lacks its subject:\n%s", raw)
		}
	})
	if smtpAddr == "" {
		return // skipped
	}
	if tcpOpen(smtpAddr) {
		t.Errorf("mailpit still listens at %s after its test ended", smtpAddr)
	}
}

// StartAlertmanager's Alertmanager lists what is posted to it, notifies
// its webhook, asks for the login when told to, and is gone when the test
// that started it ends.
func TestStartAlertmanager(t *testing.T) {
	var url string
	t.Run("basic auth", func(t *testing.T) {
		am := StartAlertmanager(t, &AlertmanagerOptions{BasicAuth: true, ResolveTimeout: time.Hour})
		url = am.URL
		body := `[{"labels": {"alertname": "VitalsTargetDown", "target": "api", "incident": "api/1"}}]`
		post := func(login bool) int {
			req, _ := http.NewRequest(http.MethodPost, am.URL+"/api/v2/alerts", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if login {
				req.SetBasicAuth(AlertmanagerUser, AlertmanagerPassword)
			}
			resp, err := am.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if code := post(false); code != http.StatusUnauthorized {
			t.Errorf("a post without the login: %d, want 401", code)
		}
		if code := post(true); code != http.StatusOK {
			t.Fatalf("a post with the login: %d, want 200", code)
		}
		api := am.Alerts(t)["api"]
		if !api.Active() || api.Labels["incident"] != "api/1" {
			t.Errorf("listed %+v, want api/1 active", api)
		}
		if !api.EndsAt.After(time.Now().Add(30 * time.Minute)) {
			t.Errorf("endsAt %v: want the hour's resolve_timeout ahead", api.EndsAt)
		}
		if got := am.WaitNotified(t, "api", "firing"); got.Fingerprint != api.Fingerprint {
			t.Errorf("notified fingerprint %s, want %s", got.Fingerprint, api.Fingerprint)
		}
	})
	if url == "" {
		return // skipped
	}
	if tcpOpen(strings.TrimPrefix(url, "http://")) {
		t.Errorf("Alertmanager still listens at %s after its test ended", url)
	}
}
