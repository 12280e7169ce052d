package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/internal/testservice"
	"go.uber.org/goleak"
)

func TestBackoff(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name     string
		min, max time.Duration
		rnd      func(int64) int64
		want     []time.Duration
	}{
		{"lowest draw", 100 * ms, time.Second, func(int64) int64 { return 0 }, []time.Duration{50 * ms, 100 * ms, 200 * ms, 400 * ms, 500 * ms, 500 * ms}},
		{"highest draw", 100 * ms, time.Second, func(n int64) int64 { return n - 1 }, []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, time.Second, time.Second}},
		{"constant", time.Second, time.Second, func(n int64) int64 { return n - 1 }, []time.Duration{time.Second, time.Second, time.Second}},
		{"defaults", 0, 0, func(n int64) int64 { return n - 1 }, []time.Duration{client.DefaultMinInterval, 2 * client.DefaultMinInterval}},
		{"max below min", time.Second, ms, func(n int64) int64 { return n - 1 }, []time.Duration{time.Second, time.Second}},
		{"huge max", time.Second, 1 << 62, func(n int64) int64 { return n - 1 }, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pause := client.Backoff(tt.min, tt.max, tt.rnd)
			for i, want := range tt.want {
				if got := pause(i + 1); got != want {
					t.Errorf("pause after attempt %d = %v, want %v", i+1, got, want)
				}
			}
		})
	}
	// Far attempts neither overflow nor pass the cap.
	pause := client.Backoff(time.Second, time.Hour, func(n int64) int64 { return n - 1 })
	if got := pause(1000); got != time.Hour {
		t.Errorf("pause after attempt 1000 = %v, want the cap", got)
	}
}

// TestBackoffJitter draws real random pauses: each lies in the upper half
// of its step, and they are not all equal.
func TestBackoffJitter(t *testing.T) {
	pause := client.Backoff(time.Second, time.Second, nil)
	seen := map[time.Duration]bool{}
	for range 100 {
		d := pause(1)
		if d < time.Second/2 || d > time.Second {
			t.Fatalf("pause %v outside [0.5s, 1s]", d)
		}
		seen[d] = true
	}
	if len(seen) < 2 {
		t.Error("100 pauses were all equal: no jitter")
	}
}

// TestWaitHealthyBacksOff reads the pauses WaitHealthy chose by default:
// each in the upper half of a step that doubles from MinInterval up to
// MaxInterval.
func TestWaitHealthyBacksOff(t *testing.T) {
	s := newService(t)
	s.set(vitals.StatusFail, vitals.StatusPass)
	s.run()
	const ms = time.Millisecond
	steps := []time.Duration{ms, 2 * ms, 4 * ms, 8 * ms, 8 * ms, 8 * ms}
	var pauses []time.Duration
	_, err := newClient(t, s.url("/readyz"), nil).WaitHealthy(context.Background(), &client.WaitOptions{
		MinInterval: ms,
		MaxInterval: 8 * ms,
		OnAttempt: func(a client.Attempt) {
			pauses = append(pauses, a.Pause)
			if a.N == len(steps) {
				s.set(vitals.StatusPass, vitals.StatusPass)
				s.run()
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pauses) != len(steps)+1 || pauses[len(steps)] != 0 {
		t.Fatalf("pauses %v, want %d and none after the healthy attempt", pauses, len(steps))
	}
	for i, step := range steps {
		if p := pauses[i]; p < step/2 || p > step {
			t.Errorf("pause after attempt %d = %v, want within [%v, %v]", i+1, p, step/2, step)
		}
	}
}

// noPause makes WaitHealthy try again at once.
func noPause(int) time.Duration { return 0 }

func TestWaitHealthyBecomesHealthy(t *testing.T) {
	s := newService(t)
	s.set(vitals.StatusFail, vitals.StatusPass)
	s.run()
	var attempts []client.Attempt
	r, err := newClient(t, s.url("/readyz"), nil).WaitHealthy(context.Background(), &client.WaitOptions{
		Backoff: noPause,
		OnAttempt: func(a client.Attempt) {
			attempts = append(attempts, a)
			if a.N == 3 { // the database comes up after the third attempt
				s.set(vitals.StatusPass, vitals.StatusPass)
				s.run()
			}
		},
	})
	if err != nil || r.Status != vitals.StatusPass {
		t.Fatalf("WaitHealthy = %v, %v; want pass", r, err)
	}
	if len(attempts) != 4 {
		t.Fatalf("%d attempts, want 4", len(attempts))
	}
	for i, a := range attempts {
		healthy := i == 3
		if a.N != i+1 || a.Healthy != healthy || a.Report == nil || a.Report.OK() != healthy || a.Err != nil {
			t.Errorf("attempt %d: %+v", i+1, a)
		}
	}
}

func TestWaitHealthyWarn(t *testing.T) {
	s := newService(t)
	s.set(vitals.StatusPass, vitals.StatusFail) // non-critical: readiness warns
	s.run()
	c := newClient(t, s.url("/readyz"), nil)
	r, err := c.WaitHealthy(context.Background(), &client.WaitOptions{Backoff: noPause})
	if err != nil || r.Status != vitals.StatusWarn {
		t.Fatalf("WaitHealthy = %v, %v; want warn to count as healthy", r, err)
	}
	n := 0
	_, err = c.WaitHealthy(context.Background(), &client.WaitOptions{
		Backoff:     noPause,
		RequirePass: true,
		OnAttempt: func(a client.Attempt) {
			if n++; n == 2 {
				s.set(vitals.StatusPass, vitals.StatusPass)
				s.run()
			}
		},
	})
	if err != nil || n != 3 {
		t.Fatalf("WaitHealthy with RequirePass: %v after %d attempts, want success after 3", err, n)
	}
}

// TestWaitHealthyUnreachable waits for a server that comes up mid-wait on
// a port that refused connections before.
func TestWaitHealthyUnreachable(t *testing.T) {
	addr := testservice.ClosedAddr(t)
	var srv *http.Server
	done := make(chan error, 1)
	r, err := newClient(t, "http://"+addr+"/readyz", nil).WaitHealthy(context.Background(), &client.WaitOptions{
		Backoff: func(int) time.Duration { return time.Millisecond },
		OnAttempt: func(a client.Attempt) {
			var re *client.RequestError
			if a.N == 1 && !errors.As(a.Err, &re) {
				t.Errorf("first attempt: %v, want a *RequestError", a.Err)
			}
			if a.N == 2 {
				s := newService(t)
				s.run()
				srv = &http.Server{Addr: addr, Handler: s.srv.Config.Handler}
				go func() { done <- srv.ListenAndServe() }()
			}
		},
	})
	if err != nil || !r.OK() {
		t.Fatalf("WaitHealthy = %v, %v", r, err)
	}
	srv.Close()
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("server: %v", err)
	}
}

func TestWaitHealthyTimeout(t *testing.T) {
	s := newService(t)
	s.set(vitals.StatusFail, vitals.StatusPass)
	s.run()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	r, err := newClient(t, s.url("/readyz"), nil).WaitHealthy(ctx, &client.WaitOptions{MinInterval: time.Millisecond, MaxInterval: 10 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitHealthy = %v, want context.DeadlineExceeded", err)
	}
	if r == nil || r.Status != vitals.StatusFail {
		t.Errorf("last report %v, want the failing one", r)
	}
	noSecret(t, "error", err.Error())
}

func TestWaitHealthyTimeoutUnreachable(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	r, err := newClient(t, "http://"+testservice.ClosedAddr(t), nil).WaitHealthy(ctx, &client.WaitOptions{
		Backoff: noPause,
		OnAttempt: func(client.Attempt) {
			if n++; n == 3 {
				cancel()
			}
		},
	})
	var re *client.RequestError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &re) || r != nil {
		t.Fatalf("WaitHealthy = %v, %v; want context.Canceled with the last *RequestError and no report", r, err)
	}
}

// counting counts the requests h serves.
func counting(n *atomic.Int64, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h.ServeHTTP(w, r)
	})
}

func TestWatch(t *testing.T) {
	s := newService(t)
	var polls atomic.Int64
	s.srv.Config.Handler = counting(&polls, s.srv.Config.Handler)
	s.set(vitals.StatusFail, vitals.StatusPass)
	s.run()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	updates := newClient(t, s.url("/readyz"), nil).Watch(ctx, time.Millisecond)

	next := func() client.Update {
		t.Helper()
		u, ok := <-updates
		if !ok {
			t.Fatal("channel closed early")
		}
		return u
	}
	// nextStatus returns the first update with status want. RunOnce records
	// the checks one by one, so a poll can see a state in between (db
	// passing again before cache fails reads as pass, and both failing
	// as fail with another report). Every update still differs from the
	// one before it: unchanged polls send nothing.
	var last string
	nextStatus := func(want vitals.Status) client.Update {
		t.Helper()
		for {
			u := next()
			if u.Err != nil {
				return u
			}
			if r := u.Report.String(); r == last {
				t.Fatalf("update %q repeats the one before it", r)
			} else {
				last = r
			}
			if u.Report.Status == want {
				return u
			}
		}
	}
	// waitPolls returns once the watcher has polled n more times.
	waitPolls := func(n int64) {
		target := polls.Load() + n
		monitortest.Eventually(t, fmt.Sprintf("%d more polls", n), func() bool { return polls.Load() >= target })
	}
	if u := nextStatus(vitals.StatusFail); u.Err != nil {
		t.Fatalf("first update %+v, want fail", u)
	}
	// Unchanged polls send nothing: the next update is the change.
	waitPolls(3)
	s.set(vitals.StatusPass, vitals.StatusFail)
	s.run()
	if u := nextStatus(vitals.StatusWarn); u.Err != nil {
		t.Fatalf("second update %+v, want warn", u)
	}
	waitPolls(3)
	s.set(vitals.StatusPass, vitals.StatusPass)
	s.run()
	if u := nextStatus(vitals.StatusPass); u.Err != nil {
		t.Fatalf("third update %+v, want pass", u)
	}
	s.srv.Close() // the endpoint goes away
	if u := next(); u.Report != nil || u.Err == nil {
		t.Fatalf("fourth update %+v, want an error", u)
	}
	cancel()
	for range updates { // closed once ctx ends
	}
}

// With EveryPoll, Watch sends every poll's update, changed or not.
func TestWatchEveryPoll(t *testing.T) {
	s := newService(t)
	s.set(vitals.StatusPass, vitals.StatusPass)
	s.run()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	updates := newClient(t, s.url("/readyz"), &client.Options{EveryPoll: true}).Watch(ctx, time.Millisecond)
	for i := range 3 {
		if u := <-updates; u.Err != nil || u.Report == nil || u.Report.Status != vitals.StatusPass {
			t.Fatalf("update %d: %+v, want the same passing report every poll", i, u)
		}
	}
	cancel()
	for range updates { // closed once ctx ends
	}
}

// TestWatchAbandoned stops watching without ever reading: the goroutine
// blocked on its first send still ends.
func TestWatchAbandoned(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var polls atomic.Int64
	srv := httptest.NewServer(counting(&polls, answer(200, "application/json", `{"status":"pass"}`)))
	c, err := client.New(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_ = c.Watch(ctx, time.Millisecond)
	monitortest.Eventually(t, "the first poll", func() bool { return polls.Load() > 0 })
	cancel()
	c.Close()
	srv.Close()
}
