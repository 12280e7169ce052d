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

// fixture registers a known set of checks on m and returns their
// switches by name.
func fixture(t testing.TB, m *vitals.Monitor) map[string]*switchable {
	sw := map[string]*switchable{}
	reg := func(name string, st vitals.Status, opts ...vitals.CheckOption) {
		sw[name] = newSwitch(st)
		add(t, m, name, sw[name], opts...)
	}
	reg("db", vitals.StatusPass) // critical, readiness
	reg("cache", vitals.StatusWarn, vitals.Critical(false))
	reg("disk", vitals.StatusPass, vitals.Groups(vitals.Liveness, vitals.Readiness))
	reg("migrations", vitals.StatusPass, vitals.Groups(vitals.Startup))
	reg("queue", vitals.StatusFail, vitals.Groups("jobs"))
	reg("off", vitals.StatusPass, vitals.Enabled(false))
	return sw
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

// vitalsStatus is the status the monitor's snapshot holds for a service
// name, "-" for none: what the gRPC answer is mapped from. "" is the
// readiness group, as it is for gRPC.
func vitalsStatus(m *vitals.Monitor, service string) string {
	snap := m.Snapshot()
	if service == "" {
		service = vitals.Readiness
	}
	if g, ok := snap.Group(service); ok {
		return g.Status.String()
	}
	if st, ok := snap.Check(service); ok && st.Enabled {
		return st.Status.String()
	}
	return "-"
}

// report renders Check for every fixture service, next to the monitor's
// status it is mapped from, and List, one per line, for the golden files.
func report(t testing.TB, e *env) string {
	var b strings.Builder
	b.WriteString("# Check: service, monitor status, answer\n")
	for _, s := range services {
		fmt.Fprintf(&b, "%-12q %-8s %s\n", s, vitalsStatus(e.m, s), check(t, e, s))
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

// TestCheckMapping calls Check for every kind of service name in each
// state a monitor goes through. Each case asserts the answers a user relies
// on, with the monitor status they come from, so that every row of the
// mapping is shown by a real server: pass and warn are SERVING; fail,
// unknown, starting and stopping are NOT_SERVING; an unknown name is
// NotFound. The golden files have every answer and List.
func TestCheckMapping(t *testing.T) {
	type answer struct{ status, code string } // monitor status, gRPC answer
	// failing is the setup of a state where one check fails: it fails
	// its next run, and every check runs once.
	failing := func(name string) func(*testing.T, *vitals.Monitor, map[string]*switchable) {
		return func(t *testing.T, m *vitals.Monitor, sw map[string]*switchable) {
			sw[name].set(vitals.StatusFail)
			runOnce(t, m)
		}
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, m *vitals.Monitor, sw map[string]*switchable)
		want  map[string]answer
	}{
		{
			name:  "starting",
			setup: func(*testing.T, *vitals.Monitor, map[string]*switchable) {},
			want: map[string]answer{
				"":         {"starting", "NOT_SERVING"},
				"startup":  {"starting", "NOT_SERVING"},
				"liveness": {"pass", "SERVING"}, // liveness ignores checks not run yet
				"db":       {"unknown", "NOT_SERVING"},
				"nope":     {"-", "NotFound"},
			},
		},
		{
			// Every readiness check passes or warns, but the startup check
			// has not passed: readiness is starting, not ready.
			name:  "startup_pending",
			setup: failing("migrations"),
			want: map[string]answer{
				"":           {"starting", "NOT_SERVING"},
				"readiness":  {"starting", "NOT_SERVING"},
				"startup":    {"fail", "NOT_SERVING"},
				"migrations": {"fail", "NOT_SERVING"},
				"liveness":   {"pass", "SERVING"},
				"db":         {"pass", "SERVING"},
			},
		},
		{
			name:  "healthy",
			setup: func(t *testing.T, m *vitals.Monitor, _ map[string]*switchable) { runOnce(t, m) },
			want: map[string]answer{
				"":          {"warn", "SERVING"}, // the non-critical cache warns
				"readiness": {"warn", "SERVING"},
				"liveness":  {"pass", "SERVING"},
				"startup":   {"pass", "SERVING"},
				"jobs":      {"fail", "NOT_SERVING"}, // a custom group
				"db":        {"pass", "SERVING"},
				"cache":     {"warn", "SERVING"},
				"queue":     {"fail", "NOT_SERVING"},
				"off":       {"-", "NotFound"}, // disabled
				"nope":      {"-", "NotFound"},
			},
		},
		{
			name:  "db_failing",
			setup: failing("db"),
			want: map[string]answer{
				"":          {"fail", "NOT_SERVING"},
				"readiness": {"fail", "NOT_SERVING"},
				"liveness":  {"pass", "SERVING"},
				"db":        {"fail", "NOT_SERVING"},
				"disk":      {"pass", "SERVING"},
			},
		},
		{
			// Shutdown turns every service NOT_SERVING, passing checks and
			// liveness too, so that clients move away.
			name: "monitor_shutdown",
			setup: func(t *testing.T, m *vitals.Monitor, _ map[string]*switchable) {
				runOnce(t, m)
				if err := m.Shutdown(context.Background()); err != nil {
					t.Fatal(err)
				}
			},
			want: map[string]answer{
				"":         {"stopping", "NOT_SERVING"},
				"liveness": {"pass", "NOT_SERVING"},
				"disk":     {"pass", "NOT_SERVING"},
				"nope":     {"-", "NotFound"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := vitals.New(nil)
			sw := fixture(t, m)
			e := serve(t, m, nil)
			tt.setup(t, m, sw)
			for svc, want := range tt.want {
				got := answer{vitalsStatus(m, svc), check(t, e, svc)}
				if got != want {
					t.Errorf("%q: monitor %s, Check %s; want monitor %s, Check %s", svc, got.status, got.code, want.status, want.code)
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
