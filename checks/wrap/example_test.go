package wrap_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/wrap"
)

func ExampleBreaker() {
	down := vitals.CheckFunc(func(context.Context) error { return errors.New("connection refused") })
	guarded, err := wrap.Breaker(down, &wrap.BreakerOptions{Failures: 2, Cooldown: time.Minute})
	if err != nil {
		panic(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	m.Add("payments", guarded, vitals.Timeout(2*time.Second))

	for range 3 {
		r := guarded.Check(context.Background())
		fmt.Println(r.Details["breaker_state"], r.Message)
	}
	// Output:
	// closed connection refused
	// open connection refused
	// open circuit open after 2 consecutive failures (last: connection refused); next try in 1m0s
}

func ExampleRetry() {
	calls := 0
	flaky := vitals.CheckFunc(func(context.Context) error {
		if calls++; calls == 1 {
			return errors.New("reset by peer")
		}
		return nil
	})
	checker, err := wrap.Retry(flaky, &wrap.RetryOptions{Attempts: 3, Backoff: 10 * time.Millisecond})
	if err != nil {
		panic(err)
	}
	r := checker.Check(context.Background())
	fmt.Println(r.Status, r.Details["attempts"])
	// Output: pass 2
}
