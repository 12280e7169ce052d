package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/store"
)

// A target's result that comes after a later one (out of time order) adds
// no time the later one already counted: batched or one at a time, the
// rollups agree with the wall time (found by review).
func TestRollupsOutOfOrder(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	r := func(d time.Duration) store.Result {
		return store.Result{Target: "x", At: t0.Add(d), Status: vitals.StatusPass, Code: 200, Expect: time.Minute}
	}
	sec := time.Second
	batches := [][]store.Result{{r(0)}, {r(20 * sec), r(10 * sec)}, {r(30 * sec)}}
	batched := open(t, t.TempDir()+"/b.db")
	single := open(t, t.TempDir()+"/s.db")
	for _, b := range batches {
		if err := batched.Append(ctx, b); err != nil {
			t.Fatal(err)
		}
		for _, x := range b {
			if err := single.Append(ctx, []store.Result{x}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, s := range map[string]store.Store{"batched": batched, "one at a time": single} {
		rs, err := s.Rollups(ctx, "x", store.Minute, t0, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		var up time.Duration
		for _, x := range rs {
			up += x.Up
		}
		if up != 30*sec {
			t.Errorf("%s: up %v, want 30s", name, up)
		}
	}
}
