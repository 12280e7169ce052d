package vitalshttp_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/golden"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalstest"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const token = "probe-token"

// fixture builds a monitor in a known state on a fake clock. failing makes
// the critical database check fail with an error that carries a password.
func fixture(t testing.TB, failing bool) (*vitals.Monitor, *vitalshttp.Handler) {
	t.Helper()
	clk := vitalstest.NewClock(epoch)
	m := vitals.New(&vitals.Options{Clock: clk, Info: vitals.Info{Service: "orders", Version: "1.4", ReleaseID: "1.4.2", InstanceID: "node-7"}})
	t.Cleanup(func() { m.Close() })
	db := vitals.Result{Status: vitals.StatusPass, Message: "SELECT 1 ok", Duration: 1500 * time.Microsecond,
		Details: map[string]any{"server_version": "15.4", "dsn": "postgres://app:hunter2@db:5432/orders", "password": "s3cret"}}
	if failing {
		db = vitals.Result{Status: vitals.StatusFail, Duration: 2 * time.Second,
			Err: errors.New("dial postgres://app:hunter2@db:5432/orders: connection refused")}
	}
	add := func(name string, r vitals.Result, opts ...vitals.CheckOption) {
		if err := m.Add(name, vitals.CheckerFunc(func(context.Context) vitals.Result { return r }), opts...); err != nil {
			t.Fatal(err)
		}
	}
	add("db", db, vitals.ComponentType("datastore"), vitals.Description("Orders database"))
	add("cache", vitals.Result{Status: vitals.StatusWarn, Message: "hit rate 41%", Observed: 41.0, Unit: "%", Duration: 300 * time.Microsecond},
		vitals.Critical(false), vitals.ComponentType("datastore"), vitals.Measurement("hitRate"))
	add("disk", vitals.Result{Status: vitals.StatusPass, Message: "62% free", Observed: 62.0, Unit: "%", Duration: 50 * time.Microsecond},
		vitals.Groups(vitals.Liveness, vitals.Readiness))
	add("goroutines", vitals.Result{Status: vitals.StatusPass, Observed: 42, Duration: time.Microsecond}, vitals.Groups(vitals.Liveness))
	add("migrations", vitals.Result{Status: vitals.StatusPass, Message: "schema v12"}, vitals.Groups(vitals.Startup))
	if _, err := m.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m, vitalshttp.New(m, &vitalshttp.Options{Token: token})
}

// do sends one request to h and returns the recorded response.
func do(h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Add(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func dump(w *httptest.ResponseRecorder) string {
	return fmt.Sprintf("HTTP %d\nContent-Type: %s\n\n%s", w.Code, w.Header().Get("Content-Type"), w.Body.String())
}

func TestGoldenBodies(t *testing.T) {
	targets := []struct {
		name, target string
		hdr          []string
	}{
		{"livez", "/livez", nil},
		{"readyz", "/readyz", nil},
		{"readyz_verbose", "/readyz?verbose", nil},
		{"readyz_exclude", "/readyz?verbose&exclude=db&exclude=nope", nil},
		{"readyz_ietf", "/readyz", []string{"Accept", "application/health+json"}},
		{"readyz_text", "/readyz?format=text", nil},
		{"startupz", "/startupz", nil},
		{"healthz", "/healthz", nil},
		{"readyz_db", "/readyz/db", nil},
		{"livez_disk_text", "/livez/disk?format=text", nil},
		{"chorus_health", "/health", nil},
		{"chorus_ready", "/health/ready", nil},
		{"chorus_live", "/health/live", nil},
		{"chorus_checks", "/health/checks", nil},
		{"regiocom_alive", "/alive", nil},
		{"regiocom_ready", "/ready", nil},
		{"axway_status", "/status", nil},
		{"axway_status_db", "/status/db", nil},
		{"kivigo_backend", "kivigo", nil},
	}
	for _, failing := range []bool{false, true} {
		for _, auth := range []bool{false, true} {
			scenario := map[bool]string{false: "healthy", true: "failing"}[failing] + map[bool]string{false: "_anon", true: "_auth"}[auth]
			_, h := fixture(t, failing)
			for _, tt := range targets {
				t.Run(scenario+"/"+tt.name, func(t *testing.T) {
					hdr := tt.hdr
					if auth {
						hdr = append(append([]string(nil), hdr...), "Authorization", "Bearer "+token)
					}
					var handler http.Handler = h
					if tt.target == "kivigo" {
						handler = h.Backend("db", "postgres")
						tt.target = "/health/postgres"
					}
					got := dump(do(handler, "GET", tt.target, hdr...))
					for _, secret := range []string{"hunter2", "s3cret", token} {
						if strings.Contains(got, secret) {
							t.Errorf("secret %q leaked:\n%s", secret, got)
						}
					}
					checkGolden(t, filepath.Join("testdata", scenario, tt.name+".golden"), got)
				})
			}
		}
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	golden.Compare(t, path, got)
}
