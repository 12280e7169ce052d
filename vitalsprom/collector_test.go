package vitalsprom_test

import (
	"context"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalsprom"
)

// exampleMonitor is the monitor of the golden file: a check in every
// status, a timeout, a disabled check, standard and custom groups. Every
// result has a fixed duration and time, so the exposition is the same on
// every run.
func exampleMonitor(t *testing.T) (*vitals.Monitor, string) {
	t.Helper()
	m, clk := newMonitor(t)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	db := script(
		res(vitals.StatusPass, 3*time.Millisecond, at(0)),
		res(vitals.StatusPass, 7*time.Millisecond, at(10)),
		res(vitals.StatusPass, 2*time.Millisecond, at(20)))
	cache := script(
		res(vitals.StatusWarn, 40*time.Millisecond, at(0)),
		res(vitals.StatusPass, 30*time.Millisecond, at(10)),
		res(vitals.StatusWarn, 45*time.Millisecond, at(20)))
	queue := script(
		res(vitals.StatusPass, 120*time.Millisecond, at(0)),
		res(vitals.StatusFail, 1500*time.Millisecond, at(10)),
		res(vitals.StatusFail, 900*time.Millisecond, at(20)))
	add(t, m, "db", db, vitals.Groups(vitals.Liveness, vitals.Readiness), vitals.Interval(time.Hour))
	add(t, m, "cache", cache, vitals.Critical(false), vitals.Interval(time.Hour))
	add(t, m, "queue", queue, vitals.Groups("jobs"), vitals.Interval(time.Hour))
	add(t, m, "off", script(res(vitals.StatusPass, time.Millisecond, at(0))), vitals.Enabled(false))
	_, url := serveMetrics(t, m, nil)

	runOnce(t, m)
	runOnce(t, m)

	// The third round has a check that hangs past its 2s timeout.
	h := &hang{entered: make(chan struct{})}
	add(t, m, "slow", h, vitals.Groups("jobs"), vitals.Timeout(2*time.Second), vitals.Interval(time.Hour))
	done := make(chan struct{})
	go func() {
		defer close(done)
		runOnce(t, m)
	}()
	<-h.entered
	clk.Advance(2 * time.Second)
	<-done
	return m, url
}

func TestExpositionGolden(t *testing.T) {
	_, url := exampleMonitor(t)
	got := scrape(t, http.DefaultClient, url)
	golden(t, "metrics.txt", got)
}

func TestExpositionPassesPromtool(t *testing.T) {
	_, url := exampleMonitor(t)
	body := scrape(t, http.DefaultClient, url)
	cmd := exec.Command(promtool(t), "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

func TestLint(t *testing.T) {
	m, _ := newMonitor(t)
	add(t, m, "db", script(res(vitals.StatusPass, time.Millisecond, t0)))
	runOnce(t, m)
	c := vitalsprom.New(m, nil)
	defer c.Close()
	problems, err := testutil.CollectAndLint(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
}

// TestScrapesRunNoCheck scrapes a started monitor 1,000 times through
// promhttp and counts the runs of its checks: periodic and on-demand checks
// whose cached result has expired must not run.
func TestScrapesRunNoCheck(t *testing.T) {
	m, clk := newMonitor(t)
	periodic := script(res(vitals.StatusPass, time.Millisecond, t0))
	onDemand := script(res(vitals.StatusFail, time.Millisecond, t0))
	add(t, m, "periodic", periodic, vitals.Interval(time.Hour))
	add(t, m, "ondemand", onDemand, vitals.OnDemand(time.Second))
	_, url := serveMetrics(t, m, nil)
	ran := make(chan struct{})
	unsubscribe := m.Subscribe(func(e vitals.Event) {
		if e.Check == "periodic" {
			close(ran)
		}
	})
	defer unsubscribe()
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	// Both checks run once (the on-demand one by a probe), then the
	// on-demand result expires: a probe now would run it again.
	<-ran
	m.Current(context.Background())
	clk.Advance(2 * time.Second)
	before := periodic.runs.Load() + onDemand.runs.Load()

	client := &http.Client{}
	defer client.CloseIdleConnections()
	for range 1000 {
		scrape(t, client, url)
	}
	if after := periodic.runs.Load() + onDemand.runs.Load(); after != before {
		t.Fatalf("1,000 scrapes ran checks %d times", after-before)
	}
	if before == 0 {
		t.Fatal("no check ran before the scrapes: the test proves nothing")
	}
}
