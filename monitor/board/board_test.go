package board_test

import (
	"slices"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/board"
)

func record(b *board.Board, name string, s vitals.Status) {
	r := vitals.Result{Status: s, Time: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)}
	b.Record(&vitals.CheckState{CheckInfo: &vitals.CheckInfo{Name: name}, Status: s, Since: r.Time, Last: r})
}

// TestVersionResume checks what a reader that resumes from a version
// relies on: every State carries the version that made it, and a watcher
// that reads Version before asking what changed is told of every change
// up to that version.
func TestVersionResume(t *testing.T) {
	b := board.New(nil)
	b.SetTargets([]board.Target{{Name: "a"}, {Name: "b"}})
	for _, name := range []string{"a", "b"} {
		if st, _ := b.State(name); st.Version != b.Version() {
			t.Errorf("after SetTargets, %s has Version %d, want the board's %d", name, st.Version, b.Version())
		}
	}
	ch, changed, cancel := b.Watch()
	defer cancel()
	before := b.Version()
	record(b, "b", vitals.StatusFail)
	record(b, "nope", vitals.StatusFail) // not a target: no change
	st, _ := b.State("b")
	if st.Version <= before || st.Version != b.Version() {
		t.Errorf("after Record, b has Version %d; the board was at %d and is at %d", st.Version, before, b.Version())
	}
	if a, _ := b.State("a"); a.Version > before {
		t.Errorf("a, unchanged, has a new Version %d", a.Version)
	}
	select {
	case <-ch:
	default:
		t.Fatal("the watcher was not told of the change")
	}
	v := b.Version()
	names, all := changed()
	if !slices.Equal(names, []string{"b"}) || all || v != st.Version {
		t.Errorf("changed() = %v, %v at version %d, want [b], false at %d", names, all, v, st.Version)
	}

	b.SetBanner("x")
	if names, all := changed(); len(names) != 0 || !all {
		t.Errorf("after SetBanner, changed() = %v, %v; want everything", names, all)
	}
}
