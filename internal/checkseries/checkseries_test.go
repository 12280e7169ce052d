package checkseries

import (
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
)

// info returns the CheckInfo of check in m's current snapshot.
func info(t *testing.T, m *vitals.Monitor, check string) *vitals.CheckInfo {
	t.Helper()
	st, ok := m.Snapshot().Check(check)
	if !ok {
		t.Fatalf("no check %q", check)
	}
	return st.CheckInfo
}

func pass() vitals.Checker {
	return monitortest.Script(monitortest.Result(vitals.StatusPass, time.Millisecond, monitortest.T0))
}

func TestSweepForgetsRemovedChecks(t *testing.T) {
	m, _ := monitortest.New(t)
	monitortest.Add(t, m, "db", pass())
	monitortest.Add(t, m, "cache", pass())
	monitortest.RunOnce(t, m)
	s := New(func(*vitals.CheckInfo) *int { return new(int) })
	db, cache := info(t, m, "db"), info(t, m, "cache")
	v := s.Load(db)
	*v = 7
	s.Load(cache)
	if s.Load(db) != v || s.Len() != 2 {
		t.Fatalf("a second Load made a new value (%d values for 2 checks)", s.Len())
	}
	if err := m.Remove("cache"); err != nil {
		t.Fatal(err)
	}
	// db is replaced by a check of the same name: its value must go too.
	if err := m.Remove("db"); err != nil {
		t.Fatal(err)
	}
	monitortest.Add(t, m, "db", pass())
	s.Sweep(m.Snapshot(), s.Begin())
	if n := s.Len(); n != 0 {
		t.Errorf("%d values kept after their checks left", n)
	}
	if got := s.Load(db); got == v || *got != 0 {
		t.Error("the replaced check's value was kept")
	}
}

// A check whose first result arrives after a read took its snapshot is not
// in that snapshot, but it is no removed check.
func TestSweepSparesChecksNewerThanTheRead(t *testing.T) {
	m, _ := monitortest.New(t)
	s := New(func(*vitals.CheckInfo) *int { return new(int) })
	gen := s.Begin()
	snap := m.Snapshot()
	monitortest.Add(t, m, "db", pass())
	v := s.Load(info(t, m, "db"))
	s.Sweep(snap, gen)
	if s.Load(info(t, m, "db")) != v {
		t.Fatal("a sweep forgot a check added after its snapshot")
	}
	// The next read sees the check and keeps it.
	s.Sweep(m.Snapshot(), s.Begin())
	if s.Load(info(t, m, "db")) != v {
		t.Fatal("a sweep forgot a check its snapshot has")
	}
}
