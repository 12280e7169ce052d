package testservice

import (
	"crypto/x509"
	"encoding/pem"
	"path/filepath"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/testcert"
)

// Cert is a test CA and a certificate it signed for 127.0.0.1 and
// localhost, as PEM files: CertFile and KeyFile for a server
// ([MailpitOptions.Cert]), CAFile for the client that must trust it.
type Cert struct {
	CAFile, CertFile, KeyFile string
}

// NewCert makes a CA named caName and a server certificate it signs,
// valid from an hour ago for a day, in files of the test's own.
func NewCert(t testing.TB, caName string) Cert {
	t.Helper()
	dir := t.TempDir()
	ca := testcert.NewCA(t, caName)
	now := time.Now()
	leaf := ca.Issue(t, testcert.Localhost(now.Add(-time.Hour), now.Add(24*time.Hour)))
	key, err := x509.MarshalPKCS8PrivateKey(leaf.PrivateKey)
	if err != nil {
		t.Fatalf("testservice: %v", err)
	}
	c := Cert{
		CAFile:   filepath.Join(dir, "ca.pem"),
		CertFile: filepath.Join(dir, "cert.pem"),
		KeyFile:  filepath.Join(dir, "key.pem"),
	}
	writePEM(t, c.CAFile, "CERTIFICATE", ca.Cert.Raw)
	writePEM(t, c.CertFile, "CERTIFICATE", leaf.Leaf.Raw)
	writePEM(t, c.KeyFile, "PRIVATE KEY", key)
	return c
}

func writePEM(t testing.TB, path, typ string, der []byte) {
	t.Helper()
	writeFile(t, path, string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})))
}
