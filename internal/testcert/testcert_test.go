package testcert_test

import (
	"crypto/x509"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/testcert"
)

func TestIssuedVerifiesAgainstCA(t *testing.T) {
	ca := testcert.NewCA(t, "test CA")
	now := time.Now()
	cert := ca.Issue(t, testcert.Localhost(now.Add(-time.Hour), now.Add(time.Hour)))
	for _, name := range []string{"localhost", "127.0.0.1"} {
		if _, err := cert.Leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: ca.Pool()}); err != nil {
			t.Errorf("verify for %s: %v", name, err)
		}
	}
	if _, err := cert.Leaf.Verify(x509.VerifyOptions{DNSName: "other.example", Roots: ca.Pool()}); err == nil {
		t.Error("a certificate for localhost verified for other.example")
	}
	other := testcert.NewCA(t, "other CA")
	if _, err := cert.Leaf.Verify(x509.VerifyOptions{Roots: other.Pool()}); err == nil {
		t.Error("a certificate verified against a CA that did not sign it")
	}
	self := (*testcert.CA)(nil).Issue(t, testcert.Localhost(now.Add(-time.Hour), now.Add(time.Hour)))
	if _, err := self.Leaf.Verify(x509.VerifyOptions{Roots: ca.Pool()}); err == nil {
		t.Error("a self-signed leaf verified against the CA")
	}
}

func TestSelfSignedServesBothSides(t *testing.T) {
	cert, pool := testcert.SelfSigned(t, "peer")
	for _, usage := range []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth} {
		if _, err := cert.Leaf.Verify(x509.VerifyOptions{DNSName: "127.0.0.1", Roots: pool, KeyUsages: []x509.ExtKeyUsage{usage}}); err != nil {
			t.Errorf("verify for usage %v: %v", usage, err)
		}
	}
}
