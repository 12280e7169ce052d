package vitals_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
)

func TestSnapshotSeesEveryChangeAtOnce(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	m.Start()
	for i := range 300 {
		name := fmt.Sprintf("c%03d", i)
		if err := m.Add(name, &script{def: pass()}, vitals.Interval(time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if _, ok := m.Snapshot().Check(name); !ok {
			t.Fatalf("%s missing from the snapshot right after Add", name)
		}
		if i%3 == 0 {
			m.Disable(name)
			if st, _ := m.Snapshot().Check(name); st.Enabled {
				t.Fatalf("%s still enabled in the snapshot right after Disable", name)
			}
		}
		if i%7 == 0 {
			m.Remove(name)
			if _, ok := m.Snapshot().Check(name); ok {
				t.Fatalf("%s still in the snapshot right after Remove", name)
			}
		}
	}
}

func TestSnapshotVersionAndCache(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	s := &script{def: pass()}
	m.Add("x", s)
	s1 := runOnce(t, m)
	if m.Snapshot() != s1 {
		t.Fatal("Snapshot without changes must return the same snapshot")
	}
	key := new(int)
	builds := 0
	for range 3 {
		v := s1.Cache(key, func() any { builds++; return "body" })
		if v != "body" {
			t.Fatalf("cache = %v", v)
		}
	}
	if builds != 1 {
		t.Errorf("built %d times, want 1", builds)
	}
	s.set(fail())
	s2 := runOnce(t, m)
	if s2.Version <= s1.Version {
		t.Errorf("version did not move: %d -> %d", s1.Version, s2.Version)
	}
	select {
	case <-s1.Changed():
	default:
		t.Error("old snapshot's Changed channel not closed")
	}
	if v := s2.Cache(key, func() any { return "new" }); v != "new" {
		t.Errorf("cache leaked across snapshots: %v", v)
	}
}

func TestOnDemandSingleflight(t *testing.T) {
	m, clk := newFake(t, nil)
	gate := make(chan struct{})
	s := &script{def: pass(), block: gate}
	m.Add("dep", s, vitals.OnDemand(5*time.Second))
	var wg sync.WaitGroup
	for range 1000 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.Current(context.Background())
		}()
	}
	eventually(t, "one run started", func() bool { return s.calls.Load() == 1 })
	close(gate)
	wg.Wait()
	if n := s.calls.Load(); n != 1 {
		t.Fatalf("1000 concurrent probes made %d dependency calls, want 1", n)
	}
	if st := snapState(t, m, "dep"); st.Status != vitals.StatusPass {
		t.Fatalf("status = %v", st.Status)
	}
	s.mu.Lock()
	s.block = nil
	s.mu.Unlock()
	probe(m, 100)
	if n := s.calls.Load(); n != 1 {
		t.Fatalf("calls within TTL = %d, want 1 (cached)", n)
	}
	clk.Advance(5 * time.Second)
	probe(m, 100)
	if n := s.calls.Load(); n != 2 {
		t.Fatalf("calls after TTL = %d, want 2", n)
	}
}

func TestPeriodicCheckNeverRunsOnProbe(t *testing.T) {
	m, _ := newFake(t, nil)
	s := &script{def: pass()}
	m.Add("x", s, vitals.Interval(time.Hour))
	m.Start()
	eventually(t, "first run", func() bool { return state(t, m, "x").Stats.Runs() == 1 })
	probe(m, 1000)
	if n := s.calls.Load(); n != 1 {
		t.Fatalf("probes ran the periodic check: %d calls", n)
	}
}

// An on-demand check whose result went stale (max age) runs again on the
// next probe: the stale mark is not a fresh result that restarts the TTL.
func TestStaleOnDemandCheckRunsOnNextProbe(t *testing.T) {
	m, clk := newFake(t, nil)
	s := &script{def: pass()}
	if err := m.Add("dep", s, vitals.OnDemand(time.Second), vitals.Timeout(time.Second), vitals.MaxAge(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if st := m.Current(ctx).Status; st != vitals.StatusPass || s.calls.Load() != 1 {
		t.Fatalf("first probe: %v after %d runs", st, s.calls.Load())
	}
	clk.Advance(3 * time.Second)
	eventually(t, "the result going stale", func() bool {
		st, _ := m.State("dep")
		return st.Stale
	})
	if st := m.Current(ctx).Status; st != vitals.StatusPass || s.calls.Load() != 2 {
		t.Fatalf("probe after the result went stale: %v after %d runs, want a new run that passes", st, s.calls.Load())
	}
}

// probe asks m for its current snapshot n times, as n probes would.
func probe(m *vitals.Monitor, n int) {
	for range n {
		m.Current(context.Background())
	}
}
