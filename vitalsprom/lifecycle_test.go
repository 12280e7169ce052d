package vitalsprom_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/vitalsprom"
)

// value returns the value of the series of metric whose labels include
// every pair of want, failing when there is not exactly one.
func value(t *testing.T, g prometheus.Gatherer, metric string, want map[string]string) float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var found []float64
	for _, mf := range mfs {
		if mf.GetName() != metric {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			for k, v := range want {
				if labels[k] != v {
					continue next
				}
			}
			switch {
			case m.GetGauge() != nil:
				found = append(found, m.GetGauge().GetValue())
			case m.GetCounter() != nil:
				found = append(found, m.GetCounter().GetValue())
			case m.GetHistogram() != nil:
				found = append(found, float64(m.GetHistogram().GetSampleCount()))
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s%v: %d series, want 1", metric, want, len(found))
	}
	return found[0]
}

func TestRemovedCheckDisappears(t *testing.T) {
	m, _ := monitortest.New(t)
	monitortest.Add(t, m, "db", monitortest.Script(monitortest.Result(vitals.StatusPass, time.Millisecond, monitortest.T0)))
	monitortest.Add(t, m, "cache", monitortest.Script(monitortest.Result(vitals.StatusFail, time.Millisecond, monitortest.T0)))
	c, url := serveMetrics(t, m, nil)
	monitortest.RunOnce(t, m)
	if body := scrape(t, http.DefaultClient, url); !strings.Contains(body, `check="cache"`) {
		t.Fatalf("cache not exported before removal:\n%s", body)
	}
	if err := m.Remove("cache"); err != nil {
		t.Fatal(err)
	}
	body := scrape(t, http.DefaultClient, url)
	if strings.Contains(body, `check="cache"`) {
		t.Errorf("removed check still exported:\n%s", body)
	}
	if !strings.Contains(body, `vitals_check_status{check="db",status="pass"} 1`) {
		t.Errorf("remaining check lost:\n%s", body)
	}
	// The removed check's histogram is forgotten, not kept forever.
	if n := vitalsprom.Series(c); n != 1 {
		t.Errorf("collector keeps %d histograms after the removal, want 1", n)
	}
}

// A check removed and added again under the same name starts from zero,
// as its counters in the monitor do.
func TestReaddedCheckStartsAfresh(t *testing.T) {
	m, _ := monitortest.New(t)
	monitortest.Add(t, m, "db", monitortest.Script(monitortest.Result(vitals.StatusPass, time.Millisecond, monitortest.T0)))
	_, reg := registry(t, m, nil)
	monitortest.RunOnce(t, m)
	monitortest.RunOnce(t, m)
	if got := value(t, reg, "vitals_check_duration_seconds", map[string]string{"check": "db"}); got != 2 {
		t.Fatalf("histogram count %v, want 2", got)
	}
	if err := m.Remove("db"); err != nil {
		t.Fatal(err)
	}
	monitortest.Add(t, m, "db", monitortest.Script(monitortest.Result(vitals.StatusFail, time.Millisecond, monitortest.T0)))
	monitortest.RunOnce(t, m)
	if got := value(t, reg, "vitals_check_duration_seconds", map[string]string{"check": "db"}); got != 1 {
		t.Errorf("histogram count after re-adding %v, want 1", got)
	}
	if got := value(t, reg, "vitals_check_runs_total", map[string]string{"check": "db", "result": "pass"}); got != 0 {
		t.Errorf("pass runs after re-adding %v, want 0", got)
	}
	if got := value(t, reg, "vitals_check_status", map[string]string{"check": "db", "status": "fail"}); got != 1 {
		t.Errorf("status fail = %v, want 1", got)
	}
}

// Counters are current at every scrape, although a snapshot publishes
// counter-only changes at most once a second: the histogram and the run
// counters agree.
func TestCountersAgreeWithHistogram(t *testing.T) {
	m, _ := monitortest.New(t)
	monitortest.Add(t, m, "db", monitortest.Script(monitortest.Result(vitals.StatusPass, time.Millisecond, monitortest.T0)))
	_, reg := registry(t, m, nil)
	for i := 1; i <= 5; i++ {
		monitortest.RunOnce(t, m)
		runs := value(t, reg, "vitals_check_runs_total", map[string]string{"check": "db", "result": "pass"})
		hist := value(t, reg, "vitals_check_duration_seconds", map[string]string{"check": "db"})
		if runs != float64(i) || hist != float64(i) {
			t.Fatalf("after %d runs: runs_total %v, histogram count %v", i, runs, hist)
		}
	}
}

func TestStatusFollowsTransitions(t *testing.T) {
	m, _ := monitortest.New(t)
	s := monitortest.Script(monitortest.Result(vitals.StatusPass, time.Millisecond, monitortest.T0))
	monitortest.Add(t, m, "db", s, vitals.FailureThreshold(2))
	_, reg := registry(t, m, nil)
	status := func() string {
		t.Helper()
		var cur []string
		for _, st := range []string{"unknown", "pass", "warn", "fail"} {
			if value(t, reg, "vitals_check_status", map[string]string{"check": "db", "status": st}) == 1 {
				cur = append(cur, st)
			}
		}
		if len(cur) != 1 {
			t.Fatalf("state set has %d statuses at 1: %v", len(cur), cur)
		}
		return cur[0]
	}
	steps := []struct {
		result      vitals.Status
		status      string
		consecutive float64
		readiness   string
	}{
		{vitals.StatusPass, "pass", 0, "pass"},
		{vitals.StatusFail, "pass", 1, "pass"}, // below the threshold
		{vitals.StatusFail, "fail", 2, "fail"},
		{vitals.StatusWarn, "warn", 0, "warn"},
	}
	if got := status(); got != "unknown" {
		t.Fatalf("before the first run: %s, want unknown", got)
	}
	for i, st := range steps {
		s.Set(monitortest.Result(st.result, time.Millisecond, monitortest.T0))
		monitortest.RunOnce(t, m)
		if got := status(); got != st.status {
			t.Errorf("step %d: status %s, want %s", i, got, st.status)
		}
		if got := value(t, reg, "vitals_check_consecutive_failures", map[string]string{"check": "db"}); got != st.consecutive {
			t.Errorf("step %d: consecutive failures %v, want %v", i, got, st.consecutive)
		}
		if got := value(t, reg, "vitals_status", map[string]string{"group": "readiness", "status": st.readiness}); got != 1 {
			t.Errorf("step %d: readiness %s = %v, want 1", i, st.readiness, got)
		}
	}
}

func TestShutdownIsStopping(t *testing.T) {
	m, _ := monitortest.New(t)
	monitortest.Add(t, m, "db", monitortest.Script(monitortest.Result(vitals.StatusPass, time.Millisecond, monitortest.T0)), vitals.Groups(vitals.Liveness, vitals.Readiness))
	_, reg := registry(t, m, nil)
	monitortest.RunOnce(t, m)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Drain turns readiness Stopping at once, then waits for ctx
	_ = m.Drain(ctx)
	for _, g := range []struct{ group, status string }{{"readiness", "stopping"}, {"all", "stopping"}, {"liveness", "pass"}} {
		if got := value(t, reg, "vitals_status", map[string]string{"group": g.group, "status": g.status}); got != 1 {
			t.Errorf("%s %s = %v, want 1", g.group, g.status, got)
		}
	}
}

func TestOptions(t *testing.T) {
	m, _ := monitortest.New(t)
	monitortest.Add(t, m, "db", monitortest.Script(monitortest.Result(vitals.StatusPass, 30*time.Millisecond, monitortest.T0)), vitals.Groups("all", vitals.Readiness))
	_, reg := registry(t, m, &vitalsprom.Options{
		Namespace:    "orders",
		ConstLabels:  prometheus.Labels{"service": "orders"},
		Buckets:      []float64{1, 0.05, 0.05}, // unsorted, repeated
		OverallGroup: "service",
	})
	monitortest.RunOnce(t, m)
	want := `
# HELP orders_check_duration_seconds Duration of the check's runs since the collector was created, timed-out runs counted at their timeout.
# TYPE orders_check_duration_seconds histogram
orders_check_duration_seconds_bucket{check="db",service="orders",le="0.05"} 1
orders_check_duration_seconds_bucket{check="db",service="orders",le="1"} 1
orders_check_duration_seconds_bucket{check="db",service="orders",le="+Inf"} 1
orders_check_duration_seconds_sum{check="db",service="orders"} 0.03
orders_check_duration_seconds_count{check="db",service="orders"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "orders_check_duration_seconds"); err != nil {
		t.Error(err)
	}
	// A custom group named like the overall group is exported as usual
	// when the overall group is renamed.
	for _, g := range []string{"service", "all"} {
		if got := value(t, reg, "orders_status", map[string]string{"group": g, "status": "pass"}); got != 1 {
			t.Errorf("group %s pass = %v, want 1", g, got)
		}
	}
}

func TestConstLabelClashFailsRegistration(t *testing.T) {
	m, _ := monitortest.New(t)
	c := vitalsprom.New(m, &vitalsprom.Options{ConstLabels: prometheus.Labels{"check": "x"}})
	defer c.Close()
	if err := prometheus.NewRegistry().Register(c); err == nil {
		t.Fatal("registered a collector whose const label clashes with its own")
	}
}

func TestCloseStopsObserving(t *testing.T) {
	m, _ := monitortest.New(t)
	monitortest.Add(t, m, "db", monitortest.Script(monitortest.Result(vitals.StatusPass, time.Millisecond, monitortest.T0)))
	c, reg := registry(t, m, nil)
	monitortest.RunOnce(t, m)
	c.Close()
	c.Close() // idempotent
	monitortest.RunOnce(t, m)
	if got := value(t, reg, "vitals_check_duration_seconds", map[string]string{"check": "db"}); got != 1 {
		t.Errorf("histogram count %v after Close, want 1", got)
	}
	if got := value(t, reg, "vitals_check_runs_total", map[string]string{"check": "db", "result": "pass"}); got != 2 {
		t.Errorf("runs_total %v after Close, want 2 (read from the monitor)", got)
	}
}

// Scrapes race with runs, additions and removals; -race checks the rest.
func TestConcurrentScrapes(t *testing.T) {
	m, _ := monitortest.New(t)
	_, reg := registry(t, m, nil)
	monitortest.Churn(t, m, 4, func() error {
		_, err := reg.Gather()
		return err
	})
}
