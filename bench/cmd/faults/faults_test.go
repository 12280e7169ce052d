package main

import (
	"testing"
	"time"
)

func TestLateness(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := time.Millisecond
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	end := at(3500 * ms)
	tests := []struct {
		name   string
		starts []time.Time
		want   []float64
	}{
		{"on time", []time.Time{at(0), at(300 * ms), at(1300 * ms), at(2300 * ms), at(3300 * ms)}, []float64{0, 0, 0, 0}},
		{"one late", []time.Time{at(0), at(300 * ms), at(1350 * ms), at(2300 * ms), at(3300 * ms)}, []float64{0, 50, 0, 0}},
		// Held up, then the queued runs ran back to back.
		{"caught up", []time.Time{at(0), at(300 * ms), at(3300 * ms), at(3301 * ms), at(3302 * ms)}, []float64{0, 2000, 1001, 2}},
		// Starved: one start at Start, none after; the grid starts at
		// the latest it can, one interval in, and unserved slots count
		// until the end.
		{"starved", []time.Time{at(0)}, []float64{2500, 1500, 500}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lateness(tt.starts, time.Second, t0, end)
			if len(got) != len(tt.want) {
				t.Fatalf("lateness = %v, want %v", got, tt.want)
			}
			for i := range got {
				if d := got[i] - tt.want[i]; d > 0.001 || d < -0.001 {
					t.Fatalf("lateness = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestPct(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3}
	for _, tt := range []struct{ p, want float64 }{{50, 3}, {100, 5}, {0, 1}, {99, 5}} {
		if got := pct(xs, tt.p); got != tt.want {
			t.Errorf("pct(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if pct(nil, 50) != 0 {
		t.Error("pct of none is not 0")
	}
}

func TestSoakMix(t *testing.T) {
	kinds := map[string]int{}
	for i := range 1000 {
		kinds[soakKind(i)]++
	}
	want := map[string]int{"healthy": 600, "slow": 100, "hung": 100, "hung-ignoring-context": 50, "panicking": 50, "flapping": 100}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s checks of 1000, want %d", kinds[k], k, n)
		}
	}
}
