package grpccheck_test

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	grpccheck "github.com/vitalsgo/vitals/checks/grpc"
)

// serve runs a gRPC server with opts on a free port of 127.0.0.1 until the
// test ends and returns its address; see serveOn.
func serve(t testing.TB, hs healthpb.HealthServer, opts ...grpc.ServerOption) string {
	t.Helper()
	lis := checktest.Listen(t)
	serveOn(t, lis, hs, opts...)
	return lis.Addr().String()
}

// serveOn runs a gRPC server with opts on lis until the test ends. It
// serves hs as the health service; nil serves a server without one.
func serveOn(t testing.TB, lis net.Listener, hs healthpb.HealthServer, opts ...grpc.ServerOption) {
	gs := grpc.NewServer(opts...)
	if hs != nil {
		healthpb.RegisterHealthServer(gs, hs)
	}
	var wg sync.WaitGroup
	wg.Go(func() { gs.Serve(lis) })
	t.Cleanup(func() {
		gs.Stop()
		wg.Wait()
	})
}

// serveHealth serves grpc-go's health server, which answers SERVING for
// "" until told otherwise, and returns it and its address.
func serveHealth(t testing.TB, opts ...grpc.ServerOption) (*health.Server, string) {
	t.Helper()
	hs := health.NewServer()
	return hs, serve(t, hs, opts...)
}

// open returns a plaintext Checker for target, closed when the test ends.
func open(t testing.TB, target string, opts *grpccheck.Options) *grpccheck.Checker {
	t.Helper()
	if opts == nil {
		opts = &grpccheck.Options{}
	}
	opts.Insecure = true
	c, err := grpccheck.Open(target, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func checkWithin(c vitals.Checker, d time.Duration) vitals.Result {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return c.Check(ctx)
}
