package tlscheck_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	tlscheck "github.com/vitalsgo/vitals/checks/tls"
	"github.com/vitalsgo/vitals/internal/testcert"
)

const day = 24 * time.Hour

func TestCertificates(t *testing.T) {
	ca := testcert.NewCA(t, "vitals test CA")
	now := time.Now()
	tests := []struct {
		name       string
		cert       tls.Certificate
		serverName string
		status     vitals.Status
		msg        string
		daysLeft   int
	}{
		{"valid", ca.Issue(t, testcert.Localhost(now.Add(-day), now.Add(90*day+time.Hour))), "", vitals.StatusPass, "valid for 90 days", 90},
		{"valid by name", ca.Issue(t, testcert.Localhost(now.Add(-day), now.Add(90*day+time.Hour))), "localhost", vitals.StatusPass, "localhost", 90},
		{"expiring soon", ca.Issue(t, testcert.Localhost(now.Add(-80*day), now.Add(5*day+time.Hour))), "", vitals.StatusWarn, "expires in 5 days", 5},
		{"expired", ca.Issue(t, testcert.Localhost(now.Add(-90*day), now.Add(-2*day-time.Hour))), "", vitals.StatusFail, "expired 2 days ago", -3},
		{"not yet valid", ca.Issue(t, testcert.Localhost(now.Add(day), now.Add(90*day))), "", vitals.StatusFail, "not valid before", 0},
		{"wrong host", ca.Issue(t, testcert.Leaf{NotBefore: now.Add(-day), NotAfter: now.Add(90 * day), DNSNames: []string{"other.example"}}), "", vitals.StatusFail, "not valid for this host name", 0},
		{"wrong server name", ca.Issue(t, testcert.Localhost(now.Add(-day), now.Add(90*day))), "api.example", vitals.StatusFail, "not valid for this host name", 0},
		{"self-signed", (*testcert.CA)(nil).Issue(t, testcert.Localhost(now.Add(-day), now.Add(90*day))), "", vitals.StatusFail, "self-signed and not trusted", 0},
		{"unknown CA", testcert.NewCA(t, "other CA").Issue(t, testcert.Localhost(now.Add(-day), now.Add(90*day))), "", vitals.StatusFail, "unknown authority", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serveTLS(t, tt.cert)
			r := checktest.CheckNew(t, tlscheck.New, addr, &tlscheck.Options{RootCAs: ca.Pool(), ServerName: tt.serverName})
			if r.Status != tt.status || !strings.Contains(r.Message, tt.msg) {
				t.Fatalf("result = %v %q, want %v containing %q", r.Status, r.Message, tt.status, tt.msg)
			}
			if r.Details["subject"] != "CN=vitals test server" || r.Details["not_after"] == nil || r.Details["tls_version"] != "TLS 1.3" {
				t.Fatalf("details = %v", r.Details)
			}
			if tt.daysLeft != 0 && (r.Observed != tt.daysLeft || r.Unit != "days") {
				t.Fatalf("observed %v %s, want %d days", r.Observed, r.Unit, tt.daysLeft)
			}
			var host x509.HostnameError
			var unknown x509.UnknownAuthorityError
			switch {
			case strings.Contains(tt.msg, "host name") && !errors.As(r.Err, &host),
				strings.Contains(tt.msg, "trusted") && !errors.As(r.Err, &unknown),
				strings.Contains(tt.msg, "unknown authority") && !errors.As(r.Err, &unknown):
				t.Fatalf("Err = %T %v, want the x509 verification error", r.Err, r.Err)
			}
		})
	}
}

func TestWarnDays(t *testing.T) {
	ca := testcert.NewCA(t, "vitals test CA")
	now := time.Now()
	addr := serveTLS(t, ca.Issue(t, testcert.Localhost(now.Add(-day), now.Add(20*day+time.Hour))))
	if r := checktest.CheckNew(t, tlscheck.New, addr, &tlscheck.Options{RootCAs: ca.Pool()}); r.Status != vitals.StatusPass {
		t.Fatalf("20 days left, default window 14: %v %q", r.Status, r.Message)
	}
	if r := checktest.CheckNew(t, tlscheck.New, addr, &tlscheck.Options{RootCAs: ca.Pool(), WarnDays: 30}); r.Status != vitals.StatusWarn {
		t.Fatalf("20 days left, window 30: %v %q", r.Status, r.Message)
	}
}

func TestInsecureSkipVerifyStillChecksDates(t *testing.T) {
	now := time.Now()
	good := serveTLS(t, (*testcert.CA)(nil).Issue(t, testcert.Localhost(now.Add(-day), now.Add(90*day))))
	if r := checktest.CheckNew(t, tlscheck.New, good, &tlscheck.Options{InsecureSkipVerify: true}); r.Status != vitals.StatusPass {
		t.Fatalf("self-signed, verification skipped: %v %q", r.Status, r.Message)
	}
	expired := serveTLS(t, (*testcert.CA)(nil).Issue(t, testcert.Localhost(now.Add(-90*day), now.Add(-day))))
	if r := checktest.CheckNew(t, tlscheck.New, expired, &tlscheck.Options{InsecureSkipVerify: true}); r.Status != vitals.StatusFail {
		t.Fatalf("expired, verification skipped: %v %q", r.Status, r.Message)
	}
}

func TestRootsFromTLSConfig(t *testing.T) {
	ca := testcert.NewCA(t, "vitals test CA")
	now := time.Now()
	addr := serveTLS(t, ca.Issue(t, testcert.Localhost(now.Add(-day), now.Add(90*day))))
	// InsecureSkipVerify in the base config must not turn verification off.
	r := checktest.CheckNew(t, tlscheck.New, addr, &tlscheck.Options{TLSConfig: &tls.Config{RootCAs: ca.Pool(), InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}})
	if r.Status != vitals.StatusPass {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
	if r := checktest.CheckNew(t, tlscheck.New, addr, &tlscheck.Options{TLSConfig: &tls.Config{InsecureSkipVerify: true}}); r.Status != vitals.StatusFail {
		t.Fatalf("system roots: %v %q, want fail", r.Status, r.Message)
	}
}

// TestConformance runs the checker suite against a TLS server of the
// test's own; TLS has no password to get wrong.
func TestConformance(t *testing.T) {
	ca := testcert.NewCA(t, "vitals test CA")
	now := time.Now()
	checktest.Run(t, checktest.Config{
		Name: "the test TLS server",
		Addr: serveTLS(t, ca.Issue(t, testcert.Localhost(now.Add(-day), now.Add(90*day)))),
		New: func(addr string) (vitals.Checker, error) {
			return tlscheck.New(addr, &tlscheck.Options{RootCAs: ca.Pool()})
		},
		Details: []string{"subject", "not_after", "tls_version"},
	})
}

func TestInvalidOptions(t *testing.T) {
	for _, addr := range []string{"localhost", "localhost:", ":443"} {
		if _, err := tlscheck.New(addr, nil); err == nil {
			t.Errorf("New(%q): no error", addr)
		}
	}
	if _, err := tlscheck.New("localhost:443", &tlscheck.Options{WarnDays: -1}); err == nil {
		t.Error("negative WarnDays: no error")
	}
}
