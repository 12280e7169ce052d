package grpccheck_test

import (
	"context"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/vitalsgo/vitals/checks/checktest"
	grpccheck "github.com/vitalsgo/vitals/checks/grpc"
)

// token is the bearer token the conformance server accepts.
const token = "conformance-token"

// requireToken refuses a call without "authorization: Bearer <token>", as
// a server behind an authenticating interceptor does; its answer does not
// quote what it was sent.
func requireToken(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	if got := md.Get("authorization"); len(got) != 1 || got[0] != "Bearer "+token {
		return nil, status.Error(codes.Unauthenticated, "invalid bearer token")
	}
	return h(ctx, req)
}

// TestConformance runs the checker suite against grpc-go's health server,
// in process, with a bearer token as the credentials.
func TestConformance(t *testing.T) {
	_, addr := serveHealth(t, grpc.UnaryInterceptor(requireToken))
	openWith := func(addr, bearer string) (checktest.Checker, error) {
		return grpccheck.Open(addr, &grpccheck.Options{
			Insecure: true,
			Metadata: map[string]string{"authorization": "Bearer " + bearer},
		})
	}
	checktest.Run(t, checktest.Config{
		Name:             "the in-process gRPC health server",
		Addr:             addr,
		Open:             func(addr string) (checktest.Checker, error) { return openWith(addr, token) },
		OpenWithPassword: openWith,
		Details:          []string{"target", "service", "status"},
	})
}

// TestConformanceConnectivityOnly runs the suite in the mode that only
// connects, against a server without the health service.
func TestConformanceConnectivityOnly(t *testing.T) {
	checktest.Run(t, checktest.Config{
		Name: "a gRPC server without the health service",
		Addr: serve(t, nil),
		Open: func(addr string) (checktest.Checker, error) {
			return grpccheck.Open(addr, &grpccheck.Options{Insecure: true, ConnectivityOnly: true})
		},
		Details: []string{"target", "state"},
	})
}
