package vitalsotel_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalsotel"
	"github.com/vitalsgo/vitals/vitalstest"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// t0 is the fake clock's start, so timestamps in the golden file are fixed.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// scripted is a check that returns the results the test queued, in order,
// repeating the last one, and counts its runs. Results carry their own
// Duration and Time so that the output does not depend on how long a run
// really took.
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

func (s *scripted) set(rs ...vitals.Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results = rs
}

func res(st vitals.Status, d time.Duration, at time.Time) vitals.Result {
	r := vitals.Result{Status: st, Duration: d, Time: at}
	if st == vitals.StatusFail {
		r.Err = errors.New("connection refused")
		r.Message = r.Err.Error()
	}
	return r
}

// hang blocks until its context ends, telling the test through entered
// that its run (and so its timeout timer) has started.
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

// reader is an SDK meter provider with a manual reader, and the Metrics
// reporting m through it.
type reader struct {
	*sdkmetric.ManualReader
	metrics *vitalsotel.Metrics
}

func newReader(t testing.TB, m *vitals.Monitor, opts *vitalsotel.Options) *reader {
	t.Helper()
	r := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r))
	var o vitalsotel.Options
	if opts != nil {
		o = *opts
	}
	o.MeterProvider = mp
	x, err := vitalsotel.New(m, &o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := x.Close(); err != nil {
			t.Error(err)
		}
		if err := mp.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return &reader{ManualReader: r, metrics: x}
}

func (r *reader) collect(t testing.TB) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	return rm
}

// point is one data point flattened for assertions: a counter or gauge
// value, or a histogram's count.
type point struct {
	metric string
	attrs  attribute.Set
	value  float64
}

func points(rm metricdata.ResourceMetrics) []point {
	var out []point
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Gauge[int64]:
				for _, p := range d.DataPoints {
					out = append(out, point{m.Name, p.Attributes, float64(p.Value)})
				}
			case metricdata.Gauge[float64]:
				for _, p := range d.DataPoints {
					out = append(out, point{m.Name, p.Attributes, p.Value})
				}
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out = append(out, point{m.Name, p.Attributes, float64(p.Value)})
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					out = append(out, point{m.Name, p.Attributes, float64(p.Count)})
				}
			}
		}
	}
	return out
}

// value returns the value of the one point of metric whose attributes
// include every pair of want.
func value(t testing.TB, r *reader, metric string, want ...attribute.KeyValue) float64 {
	t.Helper()
	var found []float64
	for _, p := range points(r.collect(t)) {
		if p.metric != metric {
			continue
		}
		match := true
		for _, kv := range want {
			if v, ok := p.attrs.Value(kv.Key); !ok || v != kv.Value {
				match = false
			}
		}
		if match {
			found = append(found, p.value)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s%v: %d points, want 1", metric, want, len(found))
	}
	return found[0]
}

// dump writes the collected metrics as sorted text, one line per data
// point, without start and collection times: the golden file's format.
func dump(rm metricdata.ResourceMetrics) string {
	var b strings.Builder
	for _, sm := range rm.ScopeMetrics {
		fmt.Fprintf(&b, "scope %s\n", sm.Scope.Name)
		ms := slices.Clone(sm.Metrics)
		slices.SortFunc(ms, func(a, b metricdata.Metrics) int { return strings.Compare(a.Name, b.Name) })
		for _, m := range ms {
			var lines []string
			kind := ""
			switch d := m.Data.(type) {
			case metricdata.Gauge[int64]:
				kind = "gauge"
				for _, p := range d.DataPoints {
					lines = append(lines, fmt.Sprintf("%s %d", attrs(p.Attributes), p.Value))
				}
			case metricdata.Gauge[float64]:
				kind = "gauge"
				for _, p := range d.DataPoints {
					lines = append(lines, fmt.Sprintf("%s %g", attrs(p.Attributes), p.Value))
				}
			case metricdata.Sum[int64]:
				kind = fmt.Sprintf("sum monotonic=%t %s", d.IsMonotonic, d.Temporality)
				for _, p := range d.DataPoints {
					lines = append(lines, fmt.Sprintf("%s %d", attrs(p.Attributes), p.Value))
				}
			case metricdata.Histogram[float64]:
				kind = fmt.Sprintf("histogram %s", d.Temporality)
				for _, p := range d.DataPoints {
					lines = append(lines, fmt.Sprintf("%s count=%d sum=%g bounds=%v counts=%v", attrs(p.Attributes), p.Count, p.Sum, p.Bounds, p.BucketCounts))
				}
			default:
				kind = fmt.Sprintf("%T", d)
			}
			slices.Sort(lines)
			fmt.Fprintf(&b, "\n%s %s unit=%q\n# %s\n", m.Name, kind, m.Unit, m.Description)
			for _, l := range lines {
				fmt.Fprintf(&b, "  %s\n", l)
			}
		}
	}
	return b.String()
}

func attrs(s attribute.Set) string {
	var parts []string
	for _, kv := range s.ToSlice() {
		parts = append(parts, fmt.Sprintf("%s=%q", kv.Key, kv.Value.String()))
	}
	return "{" + strings.Join(parts, ",") + "}"
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
