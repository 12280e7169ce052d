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
	"github.com/vitalsgo/vitals/vitalshttp/compat"
	"github.com/vitalsgo/vitals/vitalstest"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const token = "probe-token"

// fixture builds a monitor in a known state on a fake clock. failing makes
// the critical database check fail with an error that carries a password.
func fixture(t testing.TB, failing bool) (*vitals.Monitor, *vitalshttp.Handler) {
	t.Helper()
	m, h := fixtureNotRun(t, failing)
	if _, err := m.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m, h
}

// fixtureNotRun is fixture before any check has run: the service is
// starting.
func fixtureNotRun(t testing.TB, failing bool) (*vitals.Monitor, *vitalshttp.Handler) {
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
		if err := m.Add(name, vitals.ResultFunc(func(context.Context) vitals.Result { return r }), opts...); err != nil {
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
	return m, vitalshttp.New(m, &vitalshttp.Options{Token: token})
}

// everything serves what the handler answered before the compatible
// shapes moved to package compat: the Kubernetes paths and every compatible
// system, Installed on a mux that, unlike *http.ServeMux, neither cleans
// paths nor redirects, and sets no r.Pattern. Anything else reaches h,
// which answers a JSON 404.
func everything(h *vitalshttp.Handler) http.Handler { return everythingWith(h, false) }

// everythingWith is everything, with the compatible systems' messages
// only for authorised callers when private.
func everythingWith(h *vitalshttp.Handler, private bool) http.Handler {
	mux := &recordingMux{fallback: h}
	h.Install(mux)
	for _, e := range []*compat.Endpoints{compat.Chorus(h), compat.Regiocom(h), compat.Axway(h)} {
		if private {
			e = e.Private()
		}
		e.Install(mux)
	}
	return mux
}

// recordingMux is the smallest mux Install accepts: only Handle. It
// records the patterns and routes as *http.ServeMux does (an exact pattern,
// else the longest pattern ending in "/" that prefixes the path), without
// cleaning the path.
type recordingMux struct {
	patterns []string
	handlers map[string]http.Handler
	fallback http.Handler
}

func (m *recordingMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	if m.handlers == nil {
		m.handlers = map[string]http.Handler{}
	}
	m.handlers[pattern] = h
}

func (m *recordingMux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h, ok := m.handlers[r.URL.Path]; ok {
		h.ServeHTTP(w, r)
		return
	}
	best := ""
	for _, p := range m.patterns {
		if strings.HasSuffix(p, "/") && strings.HasPrefix(r.URL.Path, p) && len(p) > len(best) {
			best = p
		}
	}
	if best == "" {
		if m.fallback == nil {
			http.NotFound(w, r)
			return
		}
		m.fallback.ServeHTTP(w, r)
		return
	}
	m.handlers[best].ServeHTTP(w, r)
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

// goldenTargets are the requests whose answers TestGoldenBodies keeps in
// testdata/<scenario>/<name>.golden: every endpoint, format and error.
var goldenTargets = []struct {
	name, method, target string
	hdr                  []string
}{
	{"livez", "GET", "/livez", nil},
	{"livez_verbose", "GET", "/livez?verbose", nil},
	{"readyz", "GET", "/readyz", nil},
	{"readyz_verbose", "GET", "/readyz?verbose", nil},
	{"readyz_exclude", "GET", "/readyz?verbose&exclude=db&exclude=nope", nil},
	{"readyz_exclude_many", "GET", "/readyz?verbose&exclude=zz&exclude=nope&exclude=db&exclude=nope&exclude=goroutines", nil},
	{"readyz_ietf", "GET", "/readyz", []string{"Accept", "application/health+json"}},
	{"readyz_text", "GET", "/readyz?format=text", nil},
	{"startupz", "GET", "/startupz", nil},
	{"startupz_verbose", "GET", "/startupz?verbose", nil},
	{"healthz", "GET", "/healthz", nil},
	{"healthz_verbose", "GET", "/healthz?verbose", nil},
	{"healthz_ietf", "GET", "/healthz?format=ietf", nil},
	{"readyz_db", "GET", "/readyz/db", nil},
	{"readyz_db_ietf", "GET", "/readyz/db?format=ietf", nil},
	{"readyz_db_text", "GET", "/readyz/db?format=text", nil},
	{"readyz_cache", "GET", "/readyz/cache", nil},
	{"livez_disk_text", "GET", "/livez/disk?format=text", nil},
	{"chorus_health", "GET", "/health", nil},
	{"chorus_ready", "GET", "/health/ready", nil},
	{"chorus_live", "GET", "/health/live", nil},
	{"chorus_checks", "GET", "/health/checks", nil},
	{"regiocom_alive", "GET", "/alive", nil},
	{"regiocom_ready", "GET", "/ready", nil},
	{"wellknown_alive", "GET", "/.well-known/alive", nil},
	{"wellknown_ready", "GET", "/.well-known/ready", nil},
	{"axway_status", "GET", "/status", nil},
	{"axway_status_db", "GET", "/status/db", nil},
	{"kivigo_backend", "GET", "kivigo", nil},
	{"error_unknown_check", "GET", "/readyz/nope", nil},
	{"error_wrong_group", "GET", "/readyz/goroutines", nil},
	{"error_method", "POST", "/readyz", nil},
	{"error_format", "GET", "/readyz?format=xml", nil},
}

// goldenScenarios are the states of the service the bodies are kept for.
var goldenScenarios = []struct {
	name  string
	build func(testing.TB) (*vitals.Monitor, *vitalshttp.Handler)
}{
	{"healthy", func(t testing.TB) (*vitals.Monitor, *vitalshttp.Handler) { return fixture(t, false) }},
	{"failing", func(t testing.TB) (*vitals.Monitor, *vitalshttp.Handler) { return fixture(t, true) }},
	// No check has run yet: readiness and startup are starting, liveness
	// (which ignores checks not run yet) passes.
	{"starting", func(t testing.TB) (*vitals.Monitor, *vitalshttp.Handler) { return fixtureNotRun(t, false) }},
	// Shutdown has begun: readiness is stopping, liveness stays up.
	{"stopping", func(t testing.TB) (*vitals.Monitor, *vitalshttp.Handler) {
		m, h := fixture(t, false)
		if err := m.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		return m, h
	}},
}

func TestGoldenBodies(t *testing.T) {
	for _, sc := range goldenScenarios {
		for _, auth := range []bool{false, true} {
			scenario := sc.name + map[bool]string{false: "_anon", true: "_auth"}[auth]
			_, h := sc.build(t)
			all := everything(h)
			for _, tt := range goldenTargets {
				t.Run(scenario+"/"+tt.name, func(t *testing.T) {
					hdr := tt.hdr
					if auth {
						hdr = append(append([]string(nil), hdr...), "Authorization", "Bearer "+token)
					}
					handler := all
					target := tt.target
					if target == "kivigo" {
						handler = compat.Backend(h, "db", "postgres")
						target = "/health/postgres"
					}
					got := dump(do(handler, tt.method, target, hdr...))
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
