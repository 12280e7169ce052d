package cli

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/testcert"
	"github.com/vitalsgo/vitals/vitalsgrpc"
)

// grpcs:// verifies the server's certificate unless --insecure, and
// --header travels as gRPC metadata.
func TestProbeGRPCS(t *testing.T) {
	t.Parallel()
	m := vitals.New(nil)
	if err := m.Add("dep", vitals.CheckFunc(func(context.Context) error { return nil }), vitals.OnDemand(time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	var mu sync.Mutex
	var seen []string // authorization metadata received
	record := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		md, _ := metadata.FromIncomingContext(ctx)
		mu.Lock()
		seen = append(seen, md.Get("authorization")...)
		mu.Unlock()
		return h(ctx, req)
	}
	cert, _ := testcert.SelfSigned(t, "vitals-test")
	gs := grpc.NewServer(grpc.Creds(credentials.NewServerTLSFromCert(&cert)), grpc.UnaryInterceptor(record))
	vitalsgrpc.Register(gs, m)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); gs.Serve(lis) }()
	defer func() { gs.Stop(); <-done }()
	url := "grpcs://" + lis.Addr().String() + "/readiness"

	if r := vitalsRun(t, "probe", "--timeout", "2s", url); r.code != 1 || !strings.Contains(r.stderr, "certificate") {
		t.Errorf("self-signed certificate: want exit 1 naming the certificate, got %s", r)
	}
	r := vitalsRun(t, "probe", "--insecure", "--header", "Authorization: Bearer sekrit-t", url)
	if r.code != 0 {
		t.Fatalf("--insecure: want exit 0, got %s", r)
	}
	if strings.Contains(r.stdout+r.stderr, "sekrit") {
		t.Errorf("output leaks the token: %s", r)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0] != "Bearer sekrit-t" {
		t.Errorf("authorization metadata received: %q", seen)
	}
}
