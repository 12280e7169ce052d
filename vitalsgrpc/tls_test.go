package vitalsgrpc_test

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/testcert"
	"github.com/vitalsgo/vitals/vitalsgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// serveTLS serves a passing monitor's health over TLS with cfg on
// 127.0.0.1 and returns the address.
func serveTLS(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	m := vitals.New(nil)
	add(t, m, "db", newSwitch(vitals.StatusPass))
	runOnce(t, m)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer(grpc.Creds(credentials.NewTLS(cfg)))
	vitalsgrpc.Register(gs, m)
	var wg sync.WaitGroup
	wg.Go(func() { gs.Serve(lis) })
	t.Cleanup(func() {
		gs.Stop()
		wg.Wait()
		m.Close()
	})
	return lis.Addr().String()
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
		opts    vitalsgrpc.CheckerOptions
		want    vitals.Status
		message string // a substring of the message
	}{
		{"private CA trusted", plain, vitalsgrpc.CheckerOptions{Service: "db", TLSConfig: &tls.Config{RootCAs: serverCA}}, vitals.StatusPass, `service "db": SERVING`},
		{"default is TLS with the system roots", plain, vitalsgrpc.CheckerOptions{}, vitals.StatusFail, "certificate"},
		{"InsecureSkipVerify", plain, vitalsgrpc.CheckerOptions{InsecureSkipVerify: true}, vitals.StatusPass, "SERVING"},
		{"wrong server name", plain, vitalsgrpc.CheckerOptions{TLSConfig: &tls.Config{RootCAs: serverCA, ServerName: "payments.internal"}}, vitals.StatusFail, "certificate"},
		{"plaintext to a TLS server", plain, vitalsgrpc.CheckerOptions{Insecure: true}, vitals.StatusFail, "Unavailable"},
		{"client certificate", mutual, vitalsgrpc.CheckerOptions{TLSConfig: &tls.Config{RootCAs: serverCA, Certificates: []tls.Certificate{clientCert}}}, vitals.StatusPass, "SERVING"},
		// The server rejects the handshake after the client has finished
		// it, so the transport's words depend on timing; the status does not.
		{"client certificate missing", mutual, vitalsgrpc.CheckerOptions{TLSConfig: &tls.Config{RootCAs: serverCA}}, vitals.StatusFail, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := vitalsgrpc.NewChecker(tt.addr, &tt.opts)
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
	c, err := vitalsgrpc.NewChecker(addr, &vitalsgrpc.CheckerOptions{TLSConfig: cfg, InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if cfg.InsecureSkipVerify {
		t.Fatal("NewChecker turned off verification in the caller's TLSConfig")
	}
	if r := checkWithin(c, 10*time.Second); r.Status != vitals.StatusPass {
		t.Fatalf("with InsecureSkipVerify: %v %q", r.Status, r.Message)
	}
}
