package vitalsotel_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/golden"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/vitalsotel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// TestGolden reports the golden scenario, whose Prometheus exposition is
// in vitalsprom's testdata.
func TestGolden(t *testing.T) {
	var r *reader
	monitortest.Scenario(t, func(m *vitals.Monitor) { r = newReader(t, m, nil) })
	golden.Compare(t, filepath.Join("testdata", "metrics.txt"), dump(r.collect(t)))
}

// TestCollectsRunNoCheck collects 1,000 times from a started monitor:
// neither periodic checks nor on-demand checks whose cached result has
// expired may run.
func TestCollectsRunNoCheck(t *testing.T) {
	monitortest.ReadsRunNoCheck(t, 1000, func(m *vitals.Monitor) func() {
		r := newReader(t, m, nil)
		return func() { r.collect(t) }
	})
}

func TestRemovedCheckDisappears(t *testing.T) {
	m, _ := monitortest.New(t)
	monitortest.Add(t, m, "db", monitortest.Script(monitortest.Result(vitals.StatusPass, time.Millisecond, monitortest.T0)))
	monitortest.Add(t, m, "cache", monitortest.Script(monitortest.Result(vitals.StatusFail, time.Millisecond, monitortest.T0)), vitals.Groups("cache"))
	r := newReader(t, m, nil)
	monitortest.RunOnce(t, m)
	has := func(check string) (observable, histogram bool) {
		for _, p := range points(r.collect(t)) {
			v, ok := p.attrs.Value(vitalsotel.CheckKey)
			if !ok || v.AsString() != check {
				if g, ok := p.attrs.Value(vitalsotel.GroupKey); ok && g.AsString() == check {
					observable = true
				}
				continue
			}
			if p.metric == "vitals.check.duration" {
				histogram = true
			} else {
				observable = true
			}
		}
		return
	}
	if obs, _ := has("cache"); !obs {
		t.Fatal("cache not reported before its removal")
	}
	if err := m.Remove("cache"); err != nil {
		t.Fatal(err)
	}
	if obs, _ := has("cache"); obs {
		t.Error("the observable instruments still report the removed check or its group")
	}
	if obs, _ := has("db"); !obs {
		t.Error("db lost")
	}
}

func TestStatusFollowsTransitions(t *testing.T) {
	m, _ := monitortest.New(t)
	s := monitortest.Script(monitortest.Result(vitals.StatusPass, time.Millisecond, monitortest.T0))
	monitortest.Add(t, m, "db", s, vitals.FailureThreshold(2))
	r := newReader(t, m, nil)
	db := vitalsotel.CheckKey.String("db")
	status := func() string {
		t.Helper()
		var cur []string
		for _, w := range []string{"unknown", "pass", "warn", "fail"} {
			if value(t, r, "vitals.check.status", db, vitalsotel.StatusKey.String(w)) == 1 {
				cur = append(cur, w)
			}
		}
		if len(cur) != 1 {
			t.Fatalf("state set has %d statuses at 1: %v", len(cur), cur)
		}
		return cur[0]
	}
	if got := status(); got != "unknown" {
		t.Fatalf("before the first run: %s", got)
	}
	steps := []struct {
		result           vitals.Status
		status           string
		consecutive      float64
		readiness        string
		passes, failures float64
	}{
		{vitals.StatusPass, "pass", 0, "pass", 1, 0},
		{vitals.StatusFail, "pass", 1, "pass", 1, 1}, // below the threshold
		{vitals.StatusFail, "fail", 2, "fail", 1, 2},
		{vitals.StatusWarn, "warn", 0, "warn", 1, 2},
	}
	for i, st := range steps {
		s.Set(monitortest.Result(st.result, time.Millisecond, monitortest.T0))
		monitortest.RunOnce(t, m)
		if got := status(); got != st.status {
			t.Errorf("step %d: status %s, want %s", i, got, st.status)
		}
		if got := value(t, r, "vitals.check.consecutive_failures", db); got != st.consecutive {
			t.Errorf("step %d: consecutive failures %v, want %v", i, got, st.consecutive)
		}
		if got := value(t, r, "vitals.group.status", vitalsotel.GroupKey.String("readiness"), vitalsotel.StatusKey.String(st.readiness)); got != 1 {
			t.Errorf("step %d: readiness %s = %v, want 1", i, st.readiness, got)
		}
		if got := value(t, r, "vitals.check.runs", db, vitalsotel.ResultKey.String("pass")); got != st.passes {
			t.Errorf("step %d: pass runs %v, want %v", i, got, st.passes)
		}
		if got := value(t, r, "vitals.check.runs", db, vitalsotel.ResultKey.String("fail")); got != st.failures {
			t.Errorf("step %d: fail runs %v, want %v", i, got, st.failures)
		}
		if got := value(t, r, "vitals.check.duration", db); got != float64(i+1) {
			t.Errorf("step %d: histogram count %v, want %d", i, got, i+1)
		}
	}
}

func TestOptions(t *testing.T) {
	m, _ := monitortest.New(t)
	monitortest.Add(t, m, "db", monitortest.Script(monitortest.Result(vitals.StatusPass, 30*time.Millisecond, monitortest.T0)), vitals.Groups("all", vitals.Readiness))
	r := newReader(t, m, &vitalsotel.Options{Buckets: []float64{0.05, 1}, OverallGroup: "service"})
	monitortest.RunOnce(t, m)
	for _, g := range []string{"service", "all"} {
		if got := value(t, r, "vitals.group.status", vitalsotel.GroupKey.String(g), vitalsotel.StatusKey.String("pass")); got != 1 {
			t.Errorf("group %s pass = %v, want 1", g, got)
		}
	}
	got := dump(r.collect(t))
	if want := `bounds=[0.05 1] counts=[1 0 0]`; !strings.Contains(got, want) {
		t.Errorf("histogram without %q:\n%s", want, got)
	}
}

func TestCloseStopsReporting(t *testing.T) {
	m, _ := monitortest.New(t)
	monitortest.Add(t, m, "db", monitortest.Script(monitortest.Result(vitals.StatusPass, time.Millisecond, monitortest.T0)))
	r := newReader(t, m, nil)
	monitortest.RunOnce(t, m)
	if err := r.metrics.Close(); err != nil {
		t.Fatal(err)
	}
	monitortest.RunOnce(t, m)
	for _, p := range points(r.collect(t)) {
		if p.metric != "vitals.check.duration" {
			t.Errorf("%s still reported after Close", p.metric)
		} else if p.value != 1 {
			t.Errorf("histogram count %v after Close, want 1", p.value)
		}
	}
}

// A reader may be configured for delta temporality; the counters then
// report what happened between two collections.
func TestDeltaTemporality(t *testing.T) {
	m, _ := monitortest.New(t)
	monitortest.Add(t, m, "db", monitortest.Script(monitortest.Result(vitals.StatusPass, time.Millisecond, monitortest.T0)))
	rd := sdkmetric.NewManualReader(sdkmetric.WithTemporalitySelector(func(sdkmetric.InstrumentKind) metricdata.Temporality {
		return metricdata.DeltaTemporality
	}))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(rd))
	defer mp.Shutdown(t.Context())
	x, err := vitalsotel.New(m, &vitalsotel.Options{MeterProvider: mp})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	r := &reader{ManualReader: rd, metrics: x}
	monitortest.RunOnce(t, m)
	monitortest.RunOnce(t, m)
	if got := value(t, r, "vitals.check.runs", vitalsotel.ResultKey.String("pass")); got != 2 {
		t.Fatalf("first delta %v, want 2", got)
	}
	monitortest.RunOnce(t, m)
	if got := value(t, r, "vitals.check.runs", vitalsotel.ResultKey.String("pass")); got != 1 {
		t.Errorf("second delta %v, want 1", got)
	}
}

// Without a provider the global one is used; before the application sets
// one it is a no-op, and New and Close still work.
func TestGlobalProvider(t *testing.T) {
	m, _ := monitortest.New(t)
	monitortest.Add(t, m, "db", monitortest.Script(monitortest.Result(vitals.StatusPass, time.Millisecond, monitortest.T0)))
	x, err := vitalsotel.New(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	monitortest.RunOnce(t, m)
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// Collections race with runs, additions and removals; -race checks the
// rest.
func TestConcurrentCollects(t *testing.T) {
	m, _ := monitortest.New(t)
	r := newReader(t, m, nil)
	monitortest.Churn(t, m, 2, func() error {
		var rm metricdata.ResourceMetrics
		return r.Collect(t.Context(), &rm)
	})
}
