package monitortest

import (
	"slices"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
)

func TestScriptRepeatsTheLastResult(t *testing.T) {
	s := Script(Result(vitals.StatusPass, time.Millisecond, T0), Result(vitals.StatusFail, time.Second, T0))
	var got []vitals.Status
	for range 3 {
		got = append(got, s.Check(t.Context()).Status)
	}
	if want := []vitals.Status{vitals.StatusPass, vitals.StatusFail, vitals.StatusFail}; !slices.Equal(got, want) {
		t.Errorf("results %v, want %v", got, want)
	}
	s.Set(Result(vitals.StatusWarn, time.Millisecond, T0))
	if r := s.Check(t.Context()); r.Status != vitals.StatusWarn || s.Runs() != 4 {
		t.Errorf("after Set: %v, %d runs; want warn, 4 runs", r.Status, s.Runs())
	}
}

// The golden files of vitalsprom and vitalsotel describe this state; if it
// changes, both must be regenerated together.
func TestScenario(t *testing.T) {
	attached := 0
	m := Scenario(t, func(m *vitals.Monitor) {
		attached++
		if _, ok := m.Snapshot().Check("queue"); !ok {
			t.Error("attach called before the checks were added")
		}
	})
	if attached != 1 {
		t.Fatalf("attach called %d times", attached)
	}
	want := map[string]vitals.Status{
		"db": vitals.StatusPass, "cache": vitals.StatusWarn, "queue": vitals.StatusFail,
		"slow": vitals.StatusFail, "off": vitals.StatusUnknown,
	}
	snap := m.Snapshot()
	for name, st := range want {
		c, ok := snap.Check(name)
		if !ok || c.Status != st {
			t.Errorf("check %s: %v (present %t), want %v", name, c, ok, st)
		}
	}
	if c, _ := snap.Check("slow"); c.Stats.Timeouts != 1 {
		t.Errorf("slow: %d timeouts, want 1", c.Stats.Timeouts)
	}
}
