package tests

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/vocab"
	"github.com/vitalsgo/vitals/vitalstest"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// flips is the status the check reports at each step: pass and fail in
// turn, with a warn that gRPC shows as SERVING and the metrics as warn.
var flips = func() []vitals.Status {
	var s []vitals.Status
	for range 10 {
		s = append(s, vitals.StatusPass, vitals.StatusFail)
	}
	// fail -> warn -> fail changes gRPC twice; pass -> warn changes it not
	// at all, so a spurious Watch message would be read as the next one.
	return append(s, vitals.StatusWarn, vitals.StatusFail, vitals.StatusPass, vitals.StatusWarn, vitals.StatusFail)
}()

// flipping returns a monitor whose one check, "db", reports what the
// returned flipper is set to. It runs only when the test runs it.
func flipping(t *testing.T) (*vitals.Monitor, *flipper) {
	t.Helper()
	m := vitals.New(&vitals.Options{
		Clock:         vitalstest.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)),
		ListenerQueue: 4096, // no listener drops an event in these tests
	})
	t.Cleanup(func() { m.Close() })
	f := &flipper{}
	if err := m.Add("db", f, vitals.Interval(time.Hour)); err != nil {
		t.Fatal(err)
	}
	return m, f
}

// TestTransitionsInOrderOnEverySurface flips a check step by step and, after
// each step, reads every surface: the monitor's own transition
// (Subscribe), the slog record (LogTransitions), the gRPC Watch stream, a
// Prometheus scrape, an OpenTelemetry collection and an HTTP probe. Each must show the
// step's status, so each shows all the transitions, in the monitor's
// order. Nothing sleeps: every wait is for a value to arrive, and a
// surface that lagged behind the monitor would show the previous status.
func TestTransitionsInOrderOnEverySurface(t *testing.T) {
	ctx := context.Background()
	m, f := flipping(t)
	mon := subscribe(t, m, "db")
	logs := logTransitions(t, m)
	watch := grpcWatch(t, m, "db")
	scrape := promScrape(t, m)
	collect := otelCollect(t, m)
	probe := httpProbe(t, m)

	// Before the first run the check is unknown, which gRPC serves as
	// NOT_SERVING, sent at once.
	recv := func() healthpb.HealthCheckResponse_ServingStatus {
		t.Helper()
		resp, err := watch.Recv()
		if err != nil {
			t.Fatalf("Watch: %v", err)
		}
		return resp.GetStatus()
	}
	if got := recv(); got != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("first Watch message %v, want NOT_SERVING", got)
	}

	var seen struct{ mon, log, grpc, prom, otel, http []string }
	prev := vitals.StatusUnknown
	for i, st := range flips {
		f.set(st)
		if _, err := m.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		step := fmt.Sprintf("step %d (%s -> %s)", i, prev, st)

		ev := mon.wait(i + 1)[i]
		if ev.From != prev || ev.To != st {
			t.Fatalf("%s: monitor transition %s -> %s", step, ev.From, ev.To)
		}
		seen.mon = append(seen.mon, ev.To.String())

		rec, ok := <-logs.lines
		if !ok {
			t.Fatalf("%s: log closed", step)
		}
		if rec["check"] != "db" || rec["from"] != prev.String() {
			t.Errorf("%s: log record %v", step, rec)
		}
		seen.log = append(seen.log, fmt.Sprint(rec["to"]))

		// Watch sends changes only: pass -> warn is SERVING both times.
		if vocab.Word(st, vocab.GRPC) != vocab.Word(prev, vocab.GRPC) {
			seen.grpc = append(seen.grpc, recv().String())
		} else {
			seen.grpc = append(seen.grpc, seen.grpc[len(seen.grpc)-1])
		}

		seen.prom = append(seen.prom, must(t, scrape, "db"))
		seen.otel = append(seen.otel, must(t, collect, "db"))
		seen.http = append(seen.http, must(t, probe, "db"))
		prev = st
	}

	var want, wantGRPC []string
	for _, st := range flips {
		want = append(want, st.String())
		wantGRPC = append(wantGRPC, vocab.Word(st, vocab.GRPC))
	}
	for _, s := range []struct {
		name      string
		got, want []string
	}{
		{"monitor (Subscribe)", seen.mon, want},
		{"slog (LogTransitions)", seen.log, want},
		{"gRPC Watch", seen.grpc, wantGRPC},
		{"Prometheus vitals_check_status", seen.prom, want},
		{"OpenTelemetry vitals.check.status", seen.otel, want},
		{"HTTP /readyz/db", seen.http, want},
	} {
		if fmt.Sprint(s.got) != fmt.Sprint(s.want) {
			t.Errorf("%s saw\n  %v\nwant\n  %v", s.name, s.got, s.want)
		}
	}
	// The monitor made exactly one run per step: no surface ran the check.
	if runs := f.runs.Load(); runs != int64(len(flips)) {
		t.Errorf("the check ran %d times for %d steps", runs, len(flips))
	}

	// Nothing more was sent than the steps read: a spurious message after
	// the last one would not have shifted any of the reads above. Shutdown
	// sends Watch a final NOT_SERVING, unless that is already the last
	// status, and ends the stream; finish closes the monitor, which
	// delivers every queued transition to the listeners first.
	if err := m.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if vocab.Word(prev, vocab.GRPC) != healthpb.HealthCheckResponse_NOT_SERVING.String() {
		if got := recv(); got != healthpb.HealthCheckResponse_NOT_SERVING {
			t.Errorf("Watch at shutdown: %v, want NOT_SERVING", got)
		}
	}
	if resp, err := watch.Recv(); err != io.EOF {
		t.Errorf("Watch after the last step: %v, %v; want the stream to end", resp, err)
	}
	if rest := logs.finish(); len(rest) != 0 {
		t.Errorf("%d log records beyond the steps: %v", len(rest), rest)
	}
	if n := len(mon.wait(0)); n != len(flips) {
		t.Errorf("the monitor made %d transitions for %d steps", n, len(flips))
	}
}

// TestBurstKeepsOrder flips a check 500 times as fast as the monitor runs
// it, while Prometheus and OpenTelemetry are read concurrently. The slog
// listener, fed asynchronously, must still write every transition in the
// monitor's order, and once the monitor is quiet every surface shows its
// last status.
func TestBurstKeepsOrder(t *testing.T) {
	ctx := context.Background()
	m, f := flipping(t)
	mon := subscribe(t, m, "db")
	logs := logTransitions(t, m)
	scrape := promScrape(t, m)
	collect := otelCollect(t, m)

	const n = 500
	readers := make(chan struct{})
	stop := make(chan struct{})
	go func() {
		defer close(readers)
		for {
			select {
			case <-stop:
				return
			default:
			}
			for _, r := range []reading{scrape, collect} {
				if _, err := r("db"); err != nil {
					t.Error(err)
					return
				}
			}
		}
	}()
	var want []string
	for i := range n {
		st := []vitals.Status{vitals.StatusPass, vitals.StatusFail, vitals.StatusWarn}[i%3]
		f.set(st)
		if _, err := m.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		want = append(want, st.String())
	}
	close(stop)
	<-readers

	var fromMon, fromLog []string
	for _, e := range mon.wait(n) {
		if e.Missed != 0 {
			t.Fatalf("the reference listener missed %d events", e.Missed)
		}
		fromMon = append(fromMon, e.To.String())
	}
	for range n {
		rec := <-logs.lines
		if _, missed := rec["missed"]; missed {
			t.Errorf("log record reports missed events: %v", rec)
		}
		fromLog = append(fromLog, fmt.Sprint(rec["to"]))
	}
	if fmt.Sprint(fromMon) != fmt.Sprint(want) {
		t.Errorf("monitor transitions differ from the flips:\n  %v\nwant\n  %v", fromMon, want)
	}
	if fmt.Sprint(fromLog) != fmt.Sprint(fromMon) {
		t.Errorf("slog order differs from the monitor's:\n  %v\nwant\n  %v", fromLog, fromMon)
	}
	last := want[n-1]
	if got := must(t, scrape, "db"); got != last {
		t.Errorf("Prometheus shows %s after the burst, want %s", got, last)
	}
	if got := must(t, collect, "db"); got != last {
		t.Errorf("OpenTelemetry shows %s after the burst, want %s", got, last)
	}
	if got := must(t, httpProbe(t, m), "db"); got != last {
		t.Errorf("GET /readyz/db shows %s after the burst, want %s", got, last)
	}
}
