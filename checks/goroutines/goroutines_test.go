package goroutines_test

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/goroutines"
)

// park starts n goroutines that wait until the test ends.
func park(t *testing.T, n int) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() { defer wg.Done(); <-stop }()
	}
	t.Cleanup(func() { close(stop); wg.Wait() })
}

func TestThresholds(t *testing.T) {
	base := runtime.NumGoroutine()
	tests := []struct {
		name   string
		opts   goroutines.Options
		extra  int
		status vitals.Status
	}{
		{"below", goroutines.Options{Warn: base + 50, Fail: base + 100}, 10, vitals.StatusPass},
		{"warn", goroutines.Options{Warn: base + 50, Fail: base + 100}, 60, vitals.StatusWarn},
		{"fail", goroutines.Options{Warn: base + 50, Fail: base + 100}, 110, vitals.StatusFail},
		{"fail only", goroutines.Options{Fail: base + 100}, 60, vitals.StatusPass},
		{"warn only", goroutines.Options{Warn: base + 50}, 1000, vitals.StatusWarn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			park(t, tt.extra)
			c, err := goroutines.New(&tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			r := c.Check(context.Background())
			if r.Status != tt.status {
				t.Fatalf("status = %v (%s), want %v", r.Status, r.Message, tt.status)
			}
			if n := r.Observed.(int); n < base+tt.extra || r.Unit != "goroutines" || r.Details["goroutines"] != n {
				t.Fatalf("observed %v %s, details %v; want at least %d", r.Observed, r.Unit, r.Details, base+tt.extra)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	c, err := goroutines.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Check(context.Background())
	if r.Status != vitals.StatusPass || r.Details["warn"] != goroutines.DefaultWarn || r.Details["fail"] != goroutines.DefaultFail {
		t.Fatalf("result = %v %v", r.Status, r.Details)
	}
}

func TestInvalidOptions(t *testing.T) {
	for _, o := range []goroutines.Options{{Warn: -1}, {Fail: -1}, {Warn: 10, Fail: 5}} {
		if _, err := goroutines.New(&o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}
