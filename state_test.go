package vitals_test

import (
	"context"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
)

// Custom groups aggregate by the same rules as readiness, and a group
// whose members are all disabled is not a group any more.
func TestCustomGroupAggregation(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	card := &script{def: fail()}
	m.Add("card", card, vitals.Groups("payments"))
	m.Add("fraud", &script{def: fail()}, vitals.Groups("payments"), vitals.Critical(false))
	m.Add("db", &script{def: pass()})
	s := runOnce(t, m)
	want := map[string]vitals.Status{"payments": vitals.StatusFail, vitals.Readiness: vitals.StatusPass, "": vitals.StatusFail}
	for g, w := range want {
		if gs, ok := s.Group(g); !ok || gs.Status != w {
			t.Errorf("group %q = %v (%v), want %v", g, gs.Status, ok, w)
		}
	}
	card.set(pass())
	if gs, _ := runOnce(t, m).Group("payments"); gs.Status != vitals.StatusWarn || gs.Total != 2 || gs.Count(vitals.StatusFail) != 1 {
		t.Errorf("payments with only the non-critical member failing = %+v, want warn", gs)
	}
	m.Disable("card")
	m.Disable("fraud")
	if gs, ok := m.Snapshot().Group("payments"); ok {
		t.Errorf("a group of disabled checks is still listed: %+v", gs)
	}
}

// A check added disabled never runs — not on the schedule, not in RunOnce
// — and counts in no group.
func TestAddedDisabledNeverRuns(t *testing.T) {
	m, clk := newFake(t, nil)
	off := &script{def: fail()}
	m.Add("off", off, vitals.Enabled(false), vitals.Interval(time.Second), vitals.Timeout(stepTimeout))
	m.Add("on", &script{def: pass()}, vitals.Interval(time.Second), vitals.Timeout(stepTimeout))
	m.Start()
	eventually(t, "the enabled check ran", func() bool { return state(t, m, "on").Stats.Runs() == 1 })
	for range 3 {
		stepTo(t, clk)
	}
	runOnce(t, m)
	if n := off.calls.Load(); n != 0 {
		t.Fatalf("a disabled check ran %d times", n)
	}
	if g := group(t, m, vitals.Readiness); g != vitals.StatusPass {
		t.Errorf("readiness = %v; the disabled failing check must not count", g)
	}
	if st := snapState(t, m, "off"); st.Enabled || st.Status != vitals.StatusUnknown {
		t.Errorf("disabled check in the snapshot: enabled %v, status %v", st.Enabled, st.Status)
	}
}

// An on-demand check is never on the schedule: a probe runs it, and its
// result is served for the TTL.
func TestOnDemandRunsWhenProbedAndCachesForItsTTL(t *testing.T) {
	const ttl = time.Second
	m, clk := newFake(t, nil)
	s := &script{def: pass()}
	m.Add("dep", s, vitals.OnDemand(ttl))
	m.Start()
	clk.Advance(time.Minute)
	if n := s.calls.Load(); n != 0 {
		t.Fatalf("an on-demand check ran %d times on the schedule", n)
	}
	if st := snapState(t, m, "dep"); !st.OnDemand || st.Interval != 0 {
		t.Errorf("info = %+v", st.CheckInfo)
	}
	m.Current(context.Background())
	clk.Advance(ttl - time.Millisecond)
	m.Current(context.Background())
	if n := s.calls.Load(); n != 1 {
		t.Fatalf("within the TTL: %d calls, want 1", n)
	}
	clk.Advance(time.Millisecond)
	m.Current(context.Background())
	if n := s.calls.Load(); n != 2 {
		t.Fatalf("at the TTL: %d calls, want 2", n)
	}
}

// History, counters and times, on a fake clock: exact values.
func TestHistoryCountersAndTimes(t *testing.T) {
	m, clk := newFake(t, nil)
	s := &script{}
	m.Add("x", s, vitals.HistorySize(4))
	warn := vitals.Result{Status: vitals.StatusWarn, Message: "slow"}
	var times []time.Time
	for _, r := range []vitals.Result{pass(), fail(), fail(), warn} {
		s.set(r)
		times = append(times, clk.Now())
		runOnce(t, m)
		clk.Advance(time.Second)
	}
	st := state(t, m, "x").Stats
	if st.Passes != 1 || st.Failures != 2 || st.Warnings != 1 || st.Runs() != 4 {
		t.Errorf("totals = %+v", st)
	}
	if st.ConsecutiveFailures() != 0 || st.ConsecutiveSuccesses() != 1 {
		t.Errorf("consecutive failures %d, successes %d; want 0 and 1 (a warn is a success)", st.ConsecutiveFailures(), st.ConsecutiveSuccesses())
	}
	if !st.LastSuccess().Equal(times[3]) || !st.LastFailure().Equal(times[2]) {
		t.Errorf("last success %v, last failure %v; want %v and %v", st.LastSuccess(), st.LastFailure(), times[3], times[2])
	}
	// Pass and warn are successes; the score weighs the i-th oldest by i
	// and a warn by half: (1 + 4/2) / (1+2+3+4).
	if st.SuccessRate != 0.5 || st.Score != 0.3 {
		t.Errorf("success rate %v, score %v; want 0.5 and 0.3", st.SuccessRate, st.Score)
	}
	h, _ := m.History("x")
	if len(h) != 4 {
		t.Fatalf("history has %d entries", len(h))
	}
	for i, e := range h {
		if !e.Time.Equal(times[i]) {
			t.Errorf("history[%d] at %v, want %v (oldest first)", i, e.Time, times[i])
		}
	}
	// The ring keeps the last N: one more result drops the oldest.
	s.set(pass())
	runOnce(t, m)
	if h, _ := m.History("x"); len(h) != 4 || !h[0].Time.Equal(times[1]) || h[3].Status != vitals.StatusPass {
		t.Errorf("after a fifth result: %+v", h)
	}
	// The score stays in [0, 1]: 1 for all pass, 0 for all fail.
	for _, tt := range []struct {
		r    vitals.Result
		want float32
	}{{pass(), 1}, {fail(), 0}} {
		s.set(tt.r)
		for range 4 {
			runOnce(t, m)
		}
		if got := state(t, m, "x").Stats.Score; got != tt.want {
			t.Errorf("score after four %v = %v, want %v", tt.r.Status, got, tt.want)
		}
	}
}

// A new snapshot is published when something visible changes, not on
// every result: pass after pass (within the one-second refresh of the
// counters) leaves the published snapshot as it is.
func TestSnapshotPublishedOnlyOnVisibleChange(t *testing.T) {
	m, clk := newFake(t, nil)
	s := &script{def: pass()}
	m.Add("x", s, vitals.Interval(100*time.Millisecond), vitals.Timeout(stepTimeout))
	m.Start()
	eventually(t, "first run", func() bool { return state(t, m, "x").Stats.Runs() == 1 })
	first := m.Snapshot()
	for i := 2; i <= 5; i++ {
		stepTo(t, clk)
		eventually(t, "next run", func() bool { return state(t, m, "x").Stats.Runs() == uint64(i) })
	}
	if clk.Now().Sub(epoch) >= time.Second {
		t.Fatalf("the runs took %v of fake time; the test needs them within a second", clk.Now().Sub(epoch))
	}
	if s2 := m.Snapshot(); s2 != first {
		t.Fatalf("four passes published snapshot %d after %d: nothing visible changed", s2.Version, first.Version)
	}
	s.set(fail())
	stepTo(t, clk)
	eventually(t, "the failure", func() bool { return state(t, m, "x").Status == vitals.StatusFail })
	s2 := m.Snapshot()
	if st, _ := s2.Check("x"); s2.Version <= first.Version || st.Status != vitals.StatusFail {
		t.Fatalf("after a failure the snapshot is %d (was %d), status %v", s2.Version, first.Version, st.Status)
	}
}
