package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/store"
)

// A target up for 50 minutes, then down, then no data for the rest of the
// day (the monitor was stopped): uptime is time-weighted — the last result
// stands for its interval and timeout, 65 s — and the time without results
// is shown apart, not counted as downtime.
func Example() {
	dir, _ := os.MkdirTemp("", "vitals-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(dir, "vitals.db")) // or a postgres:// DSN
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	t0 := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	var batch []store.Result
	for m := 0; m < 60; m++ {
		st := vitals.StatusPass
		if m >= 50 {
			st = vitals.StatusFail
		}
		batch = append(batch, store.Result{Target: "api", At: t0.Add(time.Duration(m) * time.Minute),
			Status: st, Latency: 20 * time.Millisecond, Expect: time.Minute + 5*time.Second})
	}
	if err := s.Append(ctx, batch); err != nil {
		fmt.Println(err)
		return
	}
	u, _ := s.Uptime(ctx, "api", 24*time.Hour, t0.Add(24*time.Hour))
	fmt.Printf("up %v, down %v, no data %v: %.1f%% of the time with data\n", u.Up, u.Down, u.NoData, 100*u.Ratio())
	// Output:
	// up 50m0s, down 10m5s, no data 22h59m55s: 83.2% of the time with data
}
