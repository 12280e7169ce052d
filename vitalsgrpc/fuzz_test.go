package vitalsgrpc_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalsgrpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// FuzzServiceName asks Health/Check for arbitrary service names: it
// answers a name exactly when List has it, with List's status, and
// NotFound for any other name, however near (another case, a group's
// name with a suffix, a disabled check).
func FuzzServiceName(f *testing.F) {
	for _, s := range services {
		f.Add(s)
	}
	for _, s := range []string{"DB", "readiness/", " db", "db\x00", "Readiness", "grpc.health.v1.Health", "liveness,readiness"} {
		f.Add(s)
	}
	m := vitals.New(nil)
	f.Cleanup(func() { m.Close() })
	fixture(f, m)
	if _, err := m.RunOnce(context.Background()); err != nil {
		f.Fatal(err)
	}
	srv := vitalsgrpc.NewServer(m, nil)
	all, err := srv.List(context.Background(), &healthpb.HealthListRequest{})
	if err != nil {
		f.Fatal(err)
	}
	known := all.GetStatuses()
	if len(known) < 5 || known["off"] != nil {
		f.Fatalf("List = %v", known)
	}
	f.Fuzz(func(t *testing.T, service string) {
		resp, err := srv.Check(context.Background(), &healthpb.HealthCheckRequest{Service: service})
		want, ok := known[service]
		switch {
		case ok && (err != nil || resp.GetStatus() != want.GetStatus()):
			t.Fatalf("Check(%q) = %v, %v; List says %v", service, resp.GetStatus(), err, want.GetStatus())
		case !ok && status.Code(err) != codes.NotFound:
			t.Fatalf("Check(%q) = %v, %v; List does not have it", service, resp.GetStatus(), err)
		case !ok && !strings.Contains(status.Convert(err).Message(), "unknown service"):
			t.Fatalf("Check(%q): error %v", service, err)
		}
	})
}
