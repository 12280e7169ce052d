package vitalsprom_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/vitalsprom"
)

// registry registers a collector for m on a fresh pedantic registry, which
// checks every metric it gathers.
func registry(t testing.TB, m *vitals.Monitor, opts *vitalsprom.Options) (*vitalsprom.Collector, *prometheus.Registry) {
	t.Helper()
	c := vitalsprom.New(m, opts)
	t.Cleanup(c.Close)
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	return c, reg
}

// serveMetrics registers a collector for m on a fresh registry and serves
// it with promhttp on a real HTTP server; it returns the /metrics URL.
func serveMetrics(t testing.TB, m *vitals.Monitor, opts *vitalsprom.Options) (*vitalsprom.Collector, string) {
	t.Helper()
	c, reg := registry(t, m, opts)
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

// promtool returns the path of promtool. Without it the test is skipped,
// or fails when VITALS_REQUIRE_SERVICES=1 (as a missing server does, see
// internal/testservice), so that CI cannot pass without running it.
// promtoolCmd returns a promtool command with args, killed if it runs
// longer than two minutes or past the test.
func promtoolCmd(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	bin := promtool(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	return exec.CommandContext(ctx, bin, args...)
}

func promtool(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err == nil {
		return p
	}
	msg := "promtool is not on PATH: install the Debian package prometheus (scripts/services does)"
	if os.Getenv(testservice.RequireEnv) == "1" {
		t.Fatal(msg + " [" + testservice.RequireEnv + "=1 makes this a failure]")
		return ""
	}
	t.Skip(msg)
	return ""
}

// Without promtool the rules and the exposition go unchecked, so its
// absence must fail a run that requires the test services, as a missing
// server does.
func TestPromtoolMissing(t *testing.T) {
	tests := []struct {
		env       string
		wantFatal bool
	}{
		{"", false},
		{"0", false},
		{"1", true},
	}
	for _, tt := range tests {
		t.Run(testservice.RequireEnv+"="+tt.env, func(t *testing.T) {
			t.Setenv("PATH", t.TempDir())
			t.Setenv(testservice.RequireEnv, tt.env)
			var r testservice.Recorder
			if p := promtool(&r); p != "" {
				t.Fatalf("promtool found at %s on an empty PATH", p)
			}
			msg := r.Ended(t, tt.wantFatal)
			if !strings.Contains(msg, "prometheus") || !strings.Contains(msg, "scripts/services") {
				t.Errorf("message %q does not say how to install promtool", msg)
			}
		})
	}
}
