package monitortest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
)

// Scenario builds the monitor of the golden files: a check in every
// status, a timeout, a disabled check, standard and custom groups, with
// fixed durations and times. attach is called once the checks are added
// and before the first run, so that a reporter fed by the monitor's
// Observe hook sees every run.
//
// Three rounds run: db passes throughout, cache warns, passes and warns,
// queue passes and then fails twice; before the third a check "slow"
// joins and hangs past its 2s timeout.
func Scenario(t testing.TB, attach func(*vitals.Monitor)) *vitals.Monitor {
	t.Helper()
	m, clk := New(t)
	at := func(s int) time.Time { return T0.Add(time.Duration(s) * time.Second) }
	db := Script(
		Result(vitals.StatusPass, 3*time.Millisecond, at(0)),
		Result(vitals.StatusPass, 7*time.Millisecond, at(10)),
		Result(vitals.StatusPass, 2*time.Millisecond, at(20)))
	cache := Script(
		Result(vitals.StatusWarn, 40*time.Millisecond, at(0)),
		Result(vitals.StatusPass, 30*time.Millisecond, at(10)),
		Result(vitals.StatusWarn, 45*time.Millisecond, at(20)))
	queue := Script(
		Result(vitals.StatusPass, 120*time.Millisecond, at(0)),
		Result(vitals.StatusFail, 1500*time.Millisecond, at(10)),
		Result(vitals.StatusFail, 900*time.Millisecond, at(20)))
	Add(t, m, "db", db, vitals.Groups(vitals.Liveness, vitals.Readiness), vitals.Interval(time.Hour))
	Add(t, m, "cache", cache, vitals.Critical(false), vitals.Interval(time.Hour))
	Add(t, m, "queue", queue, vitals.Groups("jobs"), vitals.Interval(time.Hour))
	Add(t, m, "off", Script(Result(vitals.StatusPass, time.Millisecond, at(0))), vitals.Enabled(false))
	attach(m)

	RunOnce(t, m)
	RunOnce(t, m)

	h := NewHang()
	Add(t, m, "slow", h, vitals.Groups("jobs"), vitals.Timeout(2*time.Second), vitals.Interval(time.Hour))
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Not RunOnce: t.Fatal must not be called from this goroutine.
		if _, err := m.RunOnce(t.Context()); err != nil {
			t.Error(err)
		}
	}()
	<-h.Entered
	clk.Advance(2 * time.Second)
	<-done
	return m
}

// Churn reads a reporter of m from workers goroutines while checks "a",
// "b" and "c" (each in a group of its name) run 50 rounds, "c" removed and
// added again every fifth round. read runs until the rounds are over; an
// error it returns fails the test. The race detector checks the rest.
func Churn(t testing.TB, m *vitals.Monitor, workers int, read func() error) {
	t.Helper()
	flip := func() *Scripted {
		return Script(Result(vitals.StatusPass, time.Millisecond, T0), Result(vitals.StatusFail, time.Millisecond, T0))
	}
	for _, n := range []string{"a", "b", "c"} {
		Add(t, m, n, flip(), vitals.Groups(n))
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := read(); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for i := range 50 {
		RunOnce(t, m)
		if i%5 == 0 {
			_ = m.Remove("c")
			Add(t, m, "c", Script(Result(vitals.StatusWarn, time.Millisecond, T0)), vitals.Groups("c"))
		}
	}
	close(stop)
	wg.Wait()
}

// ReadsRunNoCheck starts a monitor with a periodic check and an on-demand
// one, lets both run once and the on-demand result expire, so that a probe
// would now run it again, and then reads the reporter that attach sets up
// n times. A read that runs either check fails the test: a reporter
// exports the monitor's snapshot, it never runs a check.
func ReadsRunNoCheck(t *testing.T, n int, attach func(*vitals.Monitor) (read func())) {
	t.Helper()
	m, clk := New(t)
	periodic := Script(Result(vitals.StatusPass, time.Millisecond, T0))
	onDemand := Script(Result(vitals.StatusFail, time.Millisecond, T0))
	Add(t, m, "periodic", periodic, vitals.Interval(time.Hour))
	Add(t, m, "ondemand", onDemand, vitals.OnDemand(time.Second))
	read := attach(m)
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
	<-ran
	m.Current(t.Context()) // runs the on-demand check
	clk.Advance(2 * time.Second)
	before := periodic.Runs() + onDemand.Runs()
	if before == 0 {
		t.Fatal("no check ran before the reads: the test proves nothing")
	}
	for range n {
		read()
	}
	if after := periodic.Runs() + onDemand.Runs(); after != before {
		t.Fatalf("%d reads ran checks %d times", n, after-before)
	}
}

// HundredChecks builds the monitor of the reporters' benchmarks: 100
// checks that pass, warn and fail in turn, each in readiness and one of
// ten custom groups, that have run three times. attach is called before
// the runs, as in Scenario.
func HundredChecks(t testing.TB, attach func(*vitals.Monitor)) *vitals.Monitor {
	t.Helper()
	m, _ := New(t)
	statuses := []vitals.Status{vitals.StatusPass, vitals.StatusWarn, vitals.StatusFail}
	for i := range 100 {
		Add(t, m, fmt.Sprintf("check-%03d", i), Script(Result(statuses[i%3], time.Duration(i)*time.Millisecond, T0)),
			vitals.Groups(vitals.Readiness, fmt.Sprintf("group-%d", i%10)))
	}
	attach(m)
	for range 3 {
		RunOnce(t, m)
	}
	return m
}
