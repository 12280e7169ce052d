package web_test

import (
	"context"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/monitor/access"
	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/monitor/web"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// now is the fixed present of every test.
var now = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

const token = "s3cret"

// public shows pages to everyone and details to holders of the token.
var public = &access.Policy{Token: token}

// fixture is a real Board over a real SQLite store, fed results at fixed
// times.
type fixture struct {
	b     *board.Board
	st    store.Store
	since map[string]time.Time // effective status changes, by target
	last  map[string]vitals.Status
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "vitals.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &fixture{b: board.New(st), st: st, since: map[string]time.Time{}, last: map[string]vitals.Status{}}
}

// result records a result of target at at, in the store and on the board,
// as the monitor's writer and Observe hook would.
func (f *fixture) result(t testing.TB, target string, status vitals.Status, at time.Time, lat time.Duration, msg string, details map[string]any) {
	t.Helper()
	st, ok := f.b.State(target)
	if !ok {
		t.Fatalf("no target %q", target)
	}
	if f.last[target] != status {
		f.last[target], f.since[target] = status, at
	}
	r := vitals.Result{Status: status, Message: msg, Details: details, Duration: lat, Time: at}
	if err := f.st.Append(context.Background(), []store.Result{board.ResultOf(target, r, st.Interval+st.Timeout)}); err != nil {
		t.Fatal(err)
	}
	f.b.Record(&vitals.CheckState{
		CheckInfo: &vitals.CheckInfo{Name: target, Interval: st.Interval, Timeout: st.Timeout},
		Enabled:   true, Status: status, Since: f.since[target], Last: r,
	})
}

// scene sets up the board every golden file shows: two groups, targets
// in each state, a history of three hours, and the uptimes at now.
func scene(t testing.TB) *fixture {
	t.Helper()
	f := newFixture(t)
	f.b.SetTitle("Acme status")
	const every = 5 * time.Minute
	f.b.SetTargets([]board.Target{
		{Name: "api", Type: "http", Group: "Web", Description: "Public REST API", Interval: every, Timeout: 10 * time.Second},
		{Name: "www", Type: "http", Group: "Web", Interval: every, Timeout: 10 * time.Second},
		{Name: "postgres", Type: "postgres", Group: "Data", Interval: every, Timeout: 5 * time.Second},
		{Name: "redis", Type: "redis", Group: "Data", Interval: every, Timeout: 5 * time.Second},
		{Name: "queue", Type: "amqp", Interval: every, Timeout: 5 * time.Second},
		{Name: "billing", Type: "health", Group: "Web", Interval: every, Timeout: 10 * time.Second},
	})
	start := now.Add(-3 * time.Hour)
	for i := 0; i < 36; i++ {
		at := start.Add(time.Duration(i) * every).Add(time.Duration(i%3) * time.Second)
		lat := time.Duration(18+i%7*3) * time.Millisecond
		switch {
		case i >= 10 && i < 13:
			f.result(t, "api", vitals.StatusFail, at, 10*time.Second, "GET https://api.acme.test/healthz: timed out after 10s", nil)
		default:
			f.result(t, "api", vitals.StatusPass, at, lat, "200 OK", map[string]any{"status_code": 200})
		}
		switch {
		case i >= 33:
			f.result(t, "www", vitals.StatusWarn, at, 850*time.Millisecond, "slow: 850 ms > 500 ms", nil)
		default:
			f.result(t, "www", vitals.StatusPass, at, lat*4, "200 OK", nil)
		}
		f.result(t, "postgres", vitals.StatusPass, at, time.Duration(900+i*10)*time.Microsecond, "", map[string]any{
			"checks": []client.Check{
				{Name: "primary", Status: vitals.StatusPass},
				{Name: "replica", Status: vitals.StatusWarn, Message: "replication lag 3.2s"},
			},
		})
		if i >= 24 {
			status, msg := vitals.StatusPass, ""
			if i >= 30 {
				status, msg = vitals.StatusFail, "dial tcp 10.0.0.5:6379: connect: connection refused"
			}
			f.result(t, "redis", status, at, lat/4, msg, nil)
		}
	}
	if err := f.b.RefreshUptime(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	// billing's uptime stays not computed yet: it got its first result
	// after the refresh.
	f.result(t, "billing", vitals.StatusPass, now.Add(-time.Minute), 42*time.Millisecond, "", nil)
	return f
}

// serve installs a Handler for f on a new mux.
func serve(f *fixture, p *access.Policy, o *web.Options) (*web.Handler, *http.ServeMux) {
	if o == nil {
		o = &web.Options{}
	}
	if o.Now == nil {
		o.Now = func() time.Time { return now }
	}
	h := web.New(f.b, p, o)
	mux := http.NewServeMux()
	h.Register(mux)
	return h, mux
}

// get serves a GET of path, with the token when authorised.
func get(t *testing.T, mux http.Handler, path string, authorised bool) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if authorised {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}

// staticVersion hides the content hash of the static files, so that a
// change of style does not change every golden file, and epoch the
// Handler's random name for its board.
var (
	staticVersion = regexp.MustCompile(`\?v=[0-9a-f]+`)
	epoch         = regexp.MustCompile(`version=[0-9a-f]{8}-`)
)

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	got = staticVersion.ReplaceAll(got, []byte("?v=HASH"))
	got = epoch.ReplaceAll(got, []byte("version=EPOCH-"))
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file; run with -update and check the diff\n%s", name, firstDiff(string(got), string(want)))
	}
}

// firstDiff shows where two texts part.
func firstDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(0, i-80)
	return "got:  …" + got[lo:min(len(got), i+80)] + "…\nwant: …" + want[lo:min(len(want), i+80)] + "…"
}

func body(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	b, err := io.ReadAll(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGolden(t *testing.T) {
	f := scene(t)
	_, mux := serve(f, public, nil)
	tests := []struct {
		name, path string
		authorised bool
	}{
		{"page.html", "/", false},
		{"page_details.html", "/", true},
		{"target_api.html", "/targets/api", true},
		{"target_postgres.html", "/targets/postgres", false},
		{"target_queue.html", "/targets/queue", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, mux, tt.path, tt.authorised)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d", tt.path, rec.Code)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			golden(t, tt.name, rec.Body.Bytes())
		})
	}
}
