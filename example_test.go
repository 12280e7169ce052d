package vitals_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vitalsgo/vitals"
)

// A one-shot health report, as a CLI or a test would make it.
func Example() {
	m := vitals.New(nil)
	defer m.Close()

	m.Add("db", vitals.CheckFunc(func(ctx context.Context) error {
		return nil // e.g. db.PingContext
	}), vitals.Timeout(2*time.Second))
	m.Add("cache", vitals.CheckFunc(func(ctx context.Context) error {
		return vitals.Warn(errors.New("hit rate 41%"))
	}), vitals.Critical(false))
	m.Add("queue", vitals.CheckFunc(func(ctx context.Context) error {
		return errors.New("dial amqp://guest:guest@mq:5672/: connection refused")
	}), vitals.Critical(false))

	snap, _ := m.RunOnce(context.Background())
	fmt.Println("service:", snap.Status)
	for c := range snap.Checks("") {
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%-5s %-4s %s", c.Name, c.Status, c.Last.Message)))
	}
	// Output:
	// service: warn
	// cache warn hit rate 41%
	// db    pass
	// queue fail dial amqp://guest:***@mq:5672/: connection refused
}

// Checks in groups: liveness for the process itself, readiness for its
// dependencies, startup for one-time work.
func ExampleGroups() {
	m := vitals.New(nil)
	defer m.Close()
	ok := vitals.CheckFunc(func(context.Context) error { return nil })
	down := vitals.CheckFunc(func(context.Context) error { return errors.New("refused") })

	m.Add("goroutines", ok, vitals.Groups(vitals.Liveness))
	m.Add("migrations", ok, vitals.Groups(vitals.Startup))
	m.Add("db", down) // readiness by default

	snap, _ := m.RunOnce(context.Background())
	for _, g := range []string{vitals.Liveness, vitals.Readiness, vitals.Startup} {
		gs, _ := snap.Group(g)
		fmt.Printf("%s: %s\n", g, gs.Status)
	}
	// Output:
	// liveness: pass
	// readiness: fail
	// startup: pass
}

// Listening for transitions, e.g. to log them or alert on them.
func ExampleMonitor_Subscribe() {
	m := vitals.New(nil)
	fail := false
	m.Add("db", vitals.CheckFunc(func(context.Context) error {
		if fail {
			return errors.New("connection refused")
		}
		return nil
	}))
	done := make(chan struct{})
	unsubscribe := m.Subscribe(func(e vitals.Event) {
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%s: %s -> %s %s", e.Check, e.From, e.To, e.Result.Message)))
		if e.To == vitals.StatusPass && e.From == vitals.StatusFail {
			close(done)
		}
	})
	defer unsubscribe()

	ctx := context.Background()
	m.RunOnce(ctx)
	fail = true
	m.RunOnce(ctx)
	fail = false
	m.RunOnce(ctx)
	<-done
	m.Close()
	// Output:
	// db: unknown -> pass
	// db: pass -> fail connection refused
	// db: fail -> pass
}

// Thresholds keep one blip from flipping a check.
func ExampleFailureThreshold() {
	m := vitals.New(nil)
	defer m.Close()
	results := []error{nil, errors.New("blip"), nil, errors.New("down"), errors.New("down"), errors.New("down")}
	i := 0
	m.Add("api", vitals.CheckFunc(func(context.Context) error { err := results[i]; i++; return err }),
		vitals.FailureThreshold(3))
	for range results {
		snap, _ := m.RunOnce(context.Background())
		st, _ := snap.Check("api")
		fmt.Print(st.Status, " ")
	}
	fmt.Println()
	// Output: pass pass pass pass pass fail
}

// A ResultFunc reports more than an error can say, here a message on
// success. The check runs when probed (OnDemand), not on a schedule
// (Interval), and Add refuses an option that means nothing for its mode
// rather than ignore it.
func ExampleResultFunc() {
	m := vitals.New(nil)
	defer m.Close()
	var runs int
	quota := vitals.ResultFunc(func(context.Context) vitals.Result {
		runs++
		return vitals.Passf("%d requests left", 1000-runs)
	})

	// Each probe within a second is served the cached result.
	m.Add("quota", quota, vitals.OnDemand(time.Second))
	ctx := context.Background()
	for range 3 {
		st, _ := m.Current(ctx).Check("quota")
		fmt.Println(st.Status, st.Last.Message)
	}
	fmt.Println(m.Add("other", quota, vitals.Interval(0)))
	fmt.Println(m.Add("other", quota, vitals.OnDemand(time.Second), vitals.Jitter(time.Second)))
	// Output:
	// pass 999 requests left
	// pass 999 requests left
	// pass 999 requests left
	// vitals: add "other": Interval(0): an interval must be positive; use OnDemand(ttl) for a check that runs when probed
	// vitals: add "other": Jitter(1s) on an on-demand check: it runs when probed, never on a schedule, so there are no runs to spread
}

// A group's counts say how many of its enabled checks are in each status.
func ExampleGroupState_Count() {
	m := vitals.New(nil)
	defer m.Close()
	ok := vitals.CheckFunc(func(context.Context) error { return nil })
	m.Add("db", ok)
	m.Add("cache", ok)
	m.Add("search", vitals.CheckFunc(func(context.Context) error { return errors.New("refused") }), vitals.Critical(false))

	snap, _ := m.RunOnce(context.Background())
	g, _ := snap.Group(vitals.Readiness)
	fmt.Printf("%s: %d of %d pass, %d fail\n", g.Status, g.Count(vitals.StatusPass), g.Total, g.Count(vitals.StatusFail))
	// Output:
	// warn: 2 of 3 pass, 1 fail
}

// Code whose health is a Go error, such as a store with a
// Health(ctx) error method, runs a checker with Err: nil while it passes or
// warns, the failure otherwise, with secrets redacted.
func ExampleErr() {
	ctx := context.Background()
	up := vitals.CheckFunc(func(context.Context) error { return nil })
	slow := vitals.ResultFunc(func(context.Context) vitals.Result { return vitals.Warnf("answered in 900ms") })
	down := vitals.CheckFunc(func(context.Context) error {
		return fmt.Errorf("dial postgres://app:hunter2@db:5432/app: %w", context.DeadlineExceeded)
	})
	fmt.Println(vitals.Err(ctx, up), vitals.Err(ctx, slow))
	err := vitals.Err(ctx, down)
	fmt.Println(err)
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	// Output:
	// <nil> <nil>
	// dial postgres://app:***@db:5432/app: context deadline exceeded
	// true
}
