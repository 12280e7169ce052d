package vitalsgrpc_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/golden"
	"github.com/vitalsgo/vitals/vitalsgrpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

const (
	serving    = healthpb.HealthCheckResponse_SERVING
	notServing = healthpb.HealthCheckResponse_NOT_SERVING
	unknownSvc = healthpb.HealthCheckResponse_SERVICE_UNKNOWN
)

// services is every name the fixture answers to, plus one it does not.
var services = []string{"", "liveness", "readiness", "startup", "jobs", "db", "cache", "disk", "migrations", "queue", "off", "nope"}

// fixture registers a known set of checks on m and returns the switch of
// the critical readiness check "db".
func fixture(t testing.TB, m *vitals.Monitor) *switchable {
	db := newSwitch(vitals.StatusPass)
	add(t, m, "db", db)
	add(t, m, "cache", newSwitch(vitals.StatusWarn), vitals.Critical(false))
	add(t, m, "disk", newSwitch(vitals.StatusPass), vitals.Groups(vitals.Liveness, vitals.Readiness))
	add(t, m, "migrations", newSwitch(vitals.StatusPass), vitals.Groups(vitals.Startup))
	add(t, m, "queue", newSwitch(vitals.StatusFail), vitals.Groups("jobs"))
	add(t, m, "off", newSwitch(vitals.StatusPass), vitals.Enabled(false))
	return db
}

// check calls Health/Check and renders the answer as the status name or
// the error code.
func check(t testing.TB, e *env, service string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := e.client.Check(ctx, &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		return status.Code(err).String()
	}
	return resp.GetStatus().String()
}

func list(t testing.TB, e *env) map[string]string {
	t.Helper()
	resp, err := e.client.List(context.Background(), &healthpb.HealthListRequest{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range resp.GetStatuses() {
		out[k] = v.GetStatus().String()
	}
	return out
}

// report renders Check for every fixture service and List, one per line,
// for the golden files.
func report(t testing.TB, e *env) string {
	var b strings.Builder
	b.WriteString("# Check\n")
	for _, s := range services {
		fmt.Fprintf(&b, "%-12q %s\n", s, check(t, e, s))
	}
	b.WriteString("# List\n")
	l := list(t, e)
	names := make([]string, 0, len(l))
	for n := range l {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(&b, "%-12q %s\n", n, l[n])
	}
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Compare(t, filepath.Join("testdata", name+".golden"), got)
}

func TestCheckMapping(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, m *vitals.Monitor, db *switchable)
		want  map[string]string // a few answers a user relies on; the golden file has all
	}{
		{
			name:  "starting",
			setup: func(*testing.T, *vitals.Monitor, *switchable) {},
			want:  map[string]string{"": "NOT_SERVING", "startup": "NOT_SERVING", "liveness": "SERVING", "db": "NOT_SERVING", "nope": "NotFound"},
		},
		{
			name:  "healthy",
			setup: func(t *testing.T, m *vitals.Monitor, _ *switchable) { runOnce(t, m) },
			want: map[string]string{"": "SERVING", "readiness": "SERVING", "liveness": "SERVING", "startup": "SERVING",
				"jobs": "NOT_SERVING", "db": "SERVING", "cache": "SERVING", "queue": "NOT_SERVING", "off": "NotFound", "nope": "NotFound"},
		},
		{
			name: "db_failing",
			setup: func(t *testing.T, m *vitals.Monitor, db *switchable) {
				db.set(vitals.StatusFail)
				runOnce(t, m)
			},
			want: map[string]string{"": "NOT_SERVING", "readiness": "NOT_SERVING", "liveness": "SERVING", "db": "NOT_SERVING", "disk": "SERVING"},
		},
		{
			name: "monitor_shutdown",
			setup: func(t *testing.T, m *vitals.Monitor, _ *switchable) {
				runOnce(t, m)
				if err := m.Shutdown(context.Background()); err != nil {
					t.Fatal(err)
				}
			},
			want: map[string]string{"": "NOT_SERVING", "liveness": "NOT_SERVING", "disk": "NOT_SERVING", "nope": "NotFound"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := vitals.New(nil)
			db := fixture(t, m)
			e := serve(t, m, nil)
			tt.setup(t, m, db)
			for svc, want := range tt.want {
				if got := check(t, e, svc); got != want {
					t.Errorf("Check(%q) = %s, want %s", svc, got, want)
				}
			}
			checkGolden(t, tt.name, report(t, e))
		})
	}
}

func TestServerShutdownAndResume(t *testing.T) {
	m := vitals.New(nil)
	fixture(t, m)
	e := serve(t, m, nil)
	runOnce(t, m)

	e.srv.Shutdown()
	for _, svc := range []string{"", "liveness", "disk", "cache"} {
		if got := check(t, e, svc); got != "NOT_SERVING" {
			t.Errorf("after Shutdown, Check(%q) = %s, want NOT_SERVING", svc, got)
		}
	}
	if got := check(t, e, "nope"); got != "NotFound" {
		t.Errorf("after Shutdown, Check(unknown) = %s, want NotFound", got)
	}
	for svc, st := range list(t, e) {
		if st != "NOT_SERVING" {
			t.Errorf("after Shutdown, List[%q] = %s", svc, st)
		}
	}

	e.srv.Resume()
	if got := check(t, e, ""); got != "SERVING" {
		t.Errorf("after Resume, Check(\"\") = %s, want SERVING", got)
	}
}

func TestListLimit(t *testing.T) {
	tests := []struct {
		name   string
		checks int
		max    int
		want   codes.Code
	}{
		{"default limit holds", 90, 0, codes.OK},
		{"default limit exceeded", 100, 0, codes.ResourceExhausted},
		{"raised limit", 100, 200, codes.OK},
		{"no limit", 150, -1, codes.OK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := vitals.New(nil)
			for i := range tt.checks {
				add(t, m, fmt.Sprintf("c%03d", i), newSwitch(vitals.StatusPass))
			}
			e := serve(t, m, &vitalsgrpc.Options{MaxListServices: tt.max})
			resp, err := e.client.List(context.Background(), &healthpb.HealthListRequest{})
			if got := status.Code(err); got != tt.want {
				t.Fatalf("List code = %v, want %v (%v)", got, tt.want, err)
			}
			// "", the three standard groups, and every check.
			if err == nil && len(resp.GetStatuses()) != tt.checks+4 {
				t.Fatalf("List has %d services, want %d", len(resp.GetStatuses()), tt.checks+4)
			}
		})
	}
}

func TestRegister(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	add(t, m, "db", newSwitch(vitals.StatusPass))
	runOnce(t, m)
	gs := newGRPCServer()
	srv := vitalsgrpc.Register(gs, m)
	if _, ok := gs.GetServiceInfo()[healthpb.Health_ServiceDesc.ServiceName]; !ok {
		t.Fatal("Register did not register grpc.health.v1.Health")
	}
	resp, err := srv.Check(context.Background(), &healthpb.HealthCheckRequest{Service: "db"})
	if err != nil || resp.GetStatus() != serving {
		t.Fatalf("Check(db) = %v, %v", resp, err)
	}
}
