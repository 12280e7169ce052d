package vitalsprom_test

import (
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalsprom"
	"github.com/vitalsgo/vitals/vitalstest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// t0 is the fake clock's start, so timestamps in the golden file are fixed.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// scripted is a check that returns the results the test queued, in order,
// repeating the last one, and counts its runs. Results carry their own
// Duration and Time so that the exposition does not depend on how long a
// run really took.
type scripted struct {
	mu      sync.Mutex // protects results
	results []vitals.Result
	runs    atomic.Int64
}

func script(rs ...vitals.Result) *scripted { return &scripted{results: rs} }

func (s *scripted) Check(context.Context) vitals.Result {
	s.runs.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.results[0]
	if len(s.results) > 1 {
		s.results = s.results[1:]
	}
	return r
}

// set replaces the queued results.
func (s *scripted) set(rs ...vitals.Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results = rs
}

// res is a result with a fixed duration, finished at the clock's time.
func res(st vitals.Status, d time.Duration, at time.Time) vitals.Result {
	r := vitals.Result{Status: st, Duration: d, Time: at}
	if st == vitals.StatusFail {
		r.Err = errors.New("connection refused")
		r.Message = r.Err.Error()
	}
	return r
}

// hang is a check that blocks until its context ends, telling the test
// through entered that its run (and so its timeout timer) has started.
type hang struct{ entered chan struct{} }

func (h *hang) Check(ctx context.Context) vitals.Result {
	h.entered <- struct{}{}
	<-ctx.Done()
	return vitals.FromError(ctx.Err())
}

func newMonitor(t testing.TB) (*vitals.Monitor, *vitalstest.Clock) {
	t.Helper()
	clk := vitalstest.NewClock(t0)
	m := vitals.New(&vitals.Options{Clock: clk})
	t.Cleanup(func() { m.Close() })
	return m, clk
}

func add(t testing.TB, m *vitals.Monitor, name string, c vitals.Checker, opts ...vitals.CheckOption) {
	t.Helper()
	if err := m.Add(name, c, opts...); err != nil {
		t.Fatal(err)
	}
}

func runOnce(t testing.TB, m *vitals.Monitor) {
	t.Helper()
	if _, err := m.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// serveMetrics registers a collector for m on a fresh registry and serves
// it with promhttp on a real HTTP server; it returns the /metrics URL.
func serveMetrics(t testing.TB, m *vitals.Monitor, opts *vitalsprom.Options) (*vitalsprom.Collector, string) {
	t.Helper()
	c := vitalsprom.New(m, opts)
	t.Cleanup(c.Close)
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return c, srv.URL + "/metrics"
}

// scrape GETs url as Prometheus would (text format) and returns the body.
func scrape(t testing.TB, client *http.Client, url string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", url, resp.Status, body)
	}
	return string(body)
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// promtool returns the path of promtool. Without it the test is skipped,
// or fails when VITALS_REQUIRE_SERVICES=1, so that CI cannot pass without
// running it.
func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err == nil {
		return p
	}
	msg := "promtool is not on PATH: install the Debian package prometheus (scripts/services does)"
	if os.Getenv("VITALS_REQUIRE_SERVICES") == "1" {
		t.Fatal(msg + "; VITALS_REQUIRE_SERVICES=1 makes this a failure")
	}
	t.Skip(msg)
	return ""
}
