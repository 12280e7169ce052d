package vitals_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
)

// The critical-failure hook exists so a service can shut itself down: it
// must be able to call Shutdown without deadlocking.
func TestCriticalHookMayShutDown(t *testing.T) {
	done := make(chan error, 1)
	var m *vitals.Monitor
	m = vitals.New(&vitals.Options{OnCriticalFailure: func(vitals.Event) { done <- m.Shutdown(context.Background()) }})
	sub := m.Subscribe(func(vitals.Event) {}) // a listener the shutdown must not wait on forever
	defer sub()
	m.Add("db", vitals.CheckFunc(func(context.Context) error { return errors.New("down") }), vitals.Interval(10*time.Millisecond))
	m.Start()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Shutdown from the hook deadlocked")
	}
}

func TestCriticalHookWaitsForThreshold(t *testing.T) {
	var fired atomic.Int32
	hooked := make(chan struct{}, 10)
	m := vitals.New(&vitals.Options{OnCriticalFailure: func(vitals.Event) { fired.Add(1); hooked <- struct{}{} }})
	defer m.Close()
	m.Add("db", &script{def: fail()}, vitals.FailureThreshold(3))
	ctx := context.Background()
	m.RunOnce(ctx)
	m.RunOnce(ctx)
	if fired.Load() != 0 {
		t.Fatal("hook fired before the threshold, on a check failing from the start")
	}
	m.RunOnce(ctx)
	<-hooked
	m.RunOnce(ctx)
	if n := fired.Load(); n != 1 {
		t.Fatalf("hook fired %d times, want once per failure streak", n)
	}
}
