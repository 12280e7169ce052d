package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/monitor/access"
	"github.com/vitalsgo/vitals/monitor/api"
	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/store"
)

// now is the fixture's present: every answer is computed at it.
var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// token authorises the fixture's admin to see details.
const token = "s3cret-token"

// series is a target's history: its results, oldest first.
type series struct {
	target board.Target
	runs   []vitals.Result
}

// every returns the times from first to last, step apart, oldest first.
func every(first, last time.Time, step time.Duration) []time.Time {
	var out []time.Time
	for at := first; !at.After(last); at = at.Add(step) {
		out = append(out, at)
	}
	return out
}

// fixtureSeries is the history the golden files show:
//
//   - api: every 5 minutes for 3 days, the monitor down 40 to 38 hours
//     ago (no data), failing 30 to 29 hours ago, slow 3 h to 2 h 45 ago;
//   - db: every minute for 2 hours, refusing connections for the last 20
//     minutes;
//   - billing: a health endpoint every 30 s for an hour, its queue lagging
//     for the last 10 minutes;
//   - new: configured, never run.
func fixtureSeries() []series {
	api := series{target: board.Target{Name: "api", Type: "http", Group: "Public", Description: "The public REST API",
		Interval: 5 * time.Minute, Timeout: 5 * time.Second}}
	for i, at := range every(now.Add(-72*time.Hour+4*time.Minute), now.Add(-time.Minute), 5*time.Minute) {
		ago := now.Sub(at)
		r := vitals.Result{Time: at, Status: vitals.StatusPass, Message: "200 OK",
			Duration: 40*time.Millisecond + time.Duration(i%7)*1500*time.Microsecond,
			Details:  map[string]any{"status_code": 200}}
		switch {
		case ago <= 40*time.Hour && ago > 38*time.Hour:
			continue
		case ago <= 30*time.Hour && ago > 29*time.Hour:
			r.Status, r.Message, r.Duration, r.Details = vitals.StatusFail, "timed out after 5s", 5*time.Second, nil
		case ago <= 3*time.Hour && ago > 2*time.Hour+45*time.Minute:
			r.Status, r.Message, r.Duration = vitals.StatusWarn, "slow: 1.2s", 1200*time.Millisecond
		}
		api.runs = append(api.runs, r)
	}

	db := series{target: board.Target{Name: "db", Type: "postgres", Group: "Internal",
		Interval: time.Minute, Timeout: 2 * time.Second}}
	for _, at := range every(now.Add(-2*time.Hour), now.Add(-30*time.Second), time.Minute) {
		r := vitals.Result{Time: at, Status: vitals.StatusPass, Duration: 3200 * time.Microsecond}
		if now.Sub(at) <= 20*time.Minute {
			r.Status, r.Duration = vitals.StatusFail, 800*time.Microsecond
			r.Message = "dial tcp 10.0.0.5:5432: connect: connection refused"
		}
		db.runs = append(db.runs, r)
	}

	billing := series{target: board.Target{Name: "billing", Type: "health", Group: "Internal",
		Description: "Billing service /health", Interval: 30 * time.Second, Timeout: 5 * time.Second}}
	for _, at := range every(now.Add(-time.Hour), now.Add(-10*time.Second), 30*time.Second) {
		checks := []client.Check{{Name: "queue", Status: vitals.StatusPass}, {Name: "cache", Status: vitals.StatusPass}}
		r := vitals.Result{Time: at, Status: vitals.StatusPass, Duration: 180 * time.Millisecond}
		if now.Sub(at) <= 10*time.Minute {
			checks[0].Message, checks[0].Status = "consumer lag 12s", vitals.StatusWarn
			r.Status, r.Message = vitals.StatusWarn, "1 of 2 checks degraded"
		}
		r.Details = map[string]any{"status_code": 200, "checks": checks}
		billing.runs = append(billing.runs, r)
	}

	fresh := series{target: board.Target{Name: "new", Type: "tcp", Group: "Internal",
		Interval: 30 * time.Second, Timeout: time.Second}}
	return []series{api, db, billing, fresh}
}

// fixture is a Board over a real SQLite store, fed as `vitals serve` feeds
// it, and the API's routes over it.
type fixture struct {
	board *board.Board
	store store.Store
	mux   *http.ServeMux
}

// newFixture builds a fixture with the given history and policy.
func newFixture(t testing.TB, all []series, p *access.Policy) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "vitals.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b := board.New(st)
	targets := make([]board.Target, len(all))
	for i, s := range all {
		targets[i] = s.target
	}
	b.SetTargets(targets)
	for _, s := range all {
		record(t, b, s)
	}
	if err := b.RefreshUptime(ctx, now); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	// Store errors are logged; the tests look at the answers.
	quiet := slog.New(slog.DiscardHandler)
	api.New(b, p, &api.Options{Now: func() time.Time { return now }, Logger: quiet}).Register(mux)
	return &fixture{board: b, store: st, mux: mux}
}

// record stores a series' results and gives the board its last few, as
// the monitor's Observe hook would.
func record(t testing.TB, b *board.Board, s series) {
	t.Helper()
	expect := s.target.Interval + s.target.Timeout
	batch := make([]store.Result, len(s.runs))
	for i, r := range s.runs {
		batch[i] = board.ResultOf(s.target.Name, r, expect)
	}
	if err := b.Store().Append(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	info := &vitals.CheckInfo{Name: s.target.Name, Interval: s.target.Interval, Timeout: s.target.Timeout}
	since := time.Time{}
	for i, r := range s.runs {
		if i == 0 || s.runs[i-1].Status != r.Status {
			since = r.Time
		}
		if i >= len(s.runs)-10 {
			b.Record(&vitals.CheckState{CheckInfo: info, Enabled: true, Status: r.Status, Since: since, Last: r})
		}
	}
}

// defaultPolicy lets anyone view and the token holder see details.
func defaultPolicy() *access.Policy { return &access.Policy{Token: token} }

// bearer is the admin's Authorization header value.
const bearer = "Bearer " + token

// get requests path from the fixture's routes; hdr are header name, value
// pairs.
func (f *fixture) get(t testing.TB, path string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	return f.do(t, http.MethodGet, path, hdr...)
}

func (f *fixture) do(t testing.TB, method, path string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Add(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	f.mux.ServeHTTP(w, r)
	return w
}

// dump writes an answer as its golden file holds it: the status, the
// headers in order, a blank line and the body.
func dump(w *httptest.ResponseRecorder) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s\n", w.Code, http.StatusText(w.Code))
	for _, k := range slices.Sorted(maps.Keys(w.Header())) {
		for _, v := range w.Header()[k] {
			b.WriteString(k + ": " + v + "\n")
		}
	}
	b.WriteString("\n")
	b.WriteString(w.Body.String())
	return b.String()
}
