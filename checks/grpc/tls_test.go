package grpccheck_test

import (
	"crypto/tls"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/vitalsgo/vitals"
	grpccheck "github.com/vitalsgo/vitals/checks/grpc"
	"github.com/vitalsgo/vitals/internal/testcert"
)

// serveTLS serves a health server answering SERVING for "" and "db" over
// TLS with cfg on 127.0.0.1 and returns the address.
func serveTLS(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	hs, addr := serveHealth(t, grpc.Creds(credentials.NewTLS(cfg)))
	hs.SetServingStatus("db", serving)
	return addr
}

// TestCheckerTLS checks servers that use TLS, one with a private CA and
// one that also requires a client certificate, with each transport option.
func TestCheckerTLS(t *testing.T) {
	serverCert, serverCA := testcert.SelfSigned(t, "health server")
	clientCert, clientCA := testcert.SelfSigned(t, "health client")
	plain := serveTLS(t, &tls.Config{Certificates: []tls.Certificate{serverCert}})
	mutual := serveTLS(t, &tls.Config{
		Certificates: []tls.Certificate{serverCert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    clientCA,
	})

	tests := []struct {
		name    string
		addr    string
		opts    grpccheck.Options
		want    vitals.Status
		message string // a substring of the message
	}{
		{"private CA trusted", plain, grpccheck.Options{Service: "db", TLSConfig: &tls.Config{RootCAs: serverCA}}, vitals.StatusPass, `service "db": SERVING`},
		{"default is TLS with the system roots", plain, grpccheck.Options{}, vitals.StatusFail, "certificate"},
		{"InsecureSkipVerify", plain, grpccheck.Options{InsecureSkipVerify: true}, vitals.StatusPass, "SERVING"},
		{"wrong server name", plain, grpccheck.Options{TLSConfig: &tls.Config{RootCAs: serverCA, ServerName: "payments.internal"}}, vitals.StatusFail, "certificate"},
		{"plaintext to a TLS server", plain, grpccheck.Options{Insecure: true}, vitals.StatusFail, "Unavailable"},
		{"client certificate", mutual, grpccheck.Options{TLSConfig: &tls.Config{RootCAs: serverCA, Certificates: []tls.Certificate{clientCert}}}, vitals.StatusPass, "SERVING"},
		// The server rejects the handshake after the client has finished
		// it, so the transport's words depend on timing; the status does not.
		{"client certificate missing", mutual, grpccheck.Options{TLSConfig: &tls.Config{RootCAs: serverCA}}, vitals.StatusFail, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := grpccheck.Open(tt.addr, &tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			r := checkWithin(c, 10*time.Second)
			if r.Status != tt.want || !strings.Contains(r.Message, tt.message) {
				t.Fatalf("result = %v %q, want %v containing %q", r.Status, r.Message, tt.want, tt.message)
			}
		})
	}
}

// The caller's TLSConfig is cloned: InsecureSkipVerify applies to the
// checker's copy and leaves the caller's config, perhaps shared with its
// other clients, verifying.
func TestCheckerTLSConfigCloned(t *testing.T) {
	serverCert, _ := testcert.SelfSigned(t, "health server")
	addr := serveTLS(t, &tls.Config{Certificates: []tls.Certificate{serverCert}})
	cfg := &tls.Config{RootCAs: x509.NewCertPool()} // trusts nothing
	c, err := grpccheck.Open(addr, &grpccheck.Options{TLSConfig: cfg, InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if cfg.InsecureSkipVerify {
		t.Fatal("Open turned off verification in the caller's TLSConfig")
	}
	if r := checkWithin(c, 10*time.Second); r.Status != vitals.StatusPass {
		t.Fatalf("with InsecureSkipVerify: %v %q", r.Status, r.Message)
	}
}
