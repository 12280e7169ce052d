package vitals_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vitalsgo/vitals"
)

// Graceful shutdown: readiness turns Stopping at once, so load balancers
// stop sending traffic, while liveness stays up so nothing restarts the
// process; after the drain delay the checks stop.
func ExampleMonitor_Shutdown() {
	m := vitals.New(nil) // Options.DrainDelay would keep serving that long first
	ok := vitals.CheckFunc(func(context.Context) error { return nil })
	m.Add("db", ok)
	m.Add("goroutines", ok, vitals.Groups(vitals.Liveness))
	ctx := context.Background()
	m.RunOnce(ctx)

	show := func(when string) {
		s := m.Snapshot()
		ready, _ := s.Group(vitals.Readiness)
		live, _ := s.Group(vitals.Liveness)
		fmt.Printf("%-8s readiness %-8s liveness %s\n", when, ready.Status, live.Status)
	}
	show("serving")
	m.Shutdown(ctx)
	show("stopped")
	// Output:
	// serving  readiness pass     liveness pass
	// stopped  readiness stopping liveness pass
}

// An on-demand check runs when probed and is cached for its TTL; any number
// of concurrent probes share one run.
func ExampleOnDemand() {
	m := vitals.New(nil)
	defer m.Close()
	var calls atomic.Int32
	m.Add("payments-api", vitals.CheckFunc(func(context.Context) error {
		calls.Add(1)
		time.Sleep(10 * time.Millisecond) // a slow dependency: what the example shows, not a wait
		return nil
	}), vitals.OnDemand(time.Minute))

	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() { m.Current(context.Background()) }) // 100 probes at once
	}
	wg.Wait()
	st, _ := m.Snapshot().Check("payments-api")
	fmt.Println(st.Status, "after", calls.Load(), "call")
	// Output: pass after 1 call
}

// A check that hangs is abandoned at its timeout and reported as failed;
// it is not started again until the hung call returns.
func ExampleTimeout() {
	m := vitals.New(nil)
	defer m.Close()
	hang := make(chan struct{})
	defer close(hang) // before Close, which waits for the hung call
	m.Add("legacy-soap", vitals.CheckFunc(func(context.Context) error {
		<-hang // ignores its context
		return nil
	}), vitals.Timeout(20*time.Millisecond))

	snap, _ := m.RunOnce(context.Background())
	st, _ := snap.Check("legacy-soap")
	fmt.Println(st.Status, st.Last.Message, "| hung:", st.Hung, "| timeouts:", st.Stats.Timeouts)
	// Output: fail timed out after 20ms | hung: true | timeouts: 1
}
