package board_test

import (
	"slices"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/store"
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

// A message is stored and shown as printable UTF-8 whatever the check
// said: PostgreSQL refuses a NUL byte or invalid UTF-8, and a terminal
// escape or a carriage return has no place on a page. Tabs and newlines
// stay.
func TestResultOfPrintable(t *testing.T) {
	tests := []struct{ name, msg, want string }{
		{"clean", "ok: 3 rows\n\tfine", "ok: 3 rows\n\tfine"},
		{"NUL", "a\x00b", "a\uFFFDb"},
		{"invalid UTF-8", "a\xffb\xc3", "a\uFFFDb\uFFFD"},
		{"escape and CR", "\x1b[31mred\r", "\uFFFD[31mred\uFFFD"},
		{"C1 control", "a\u0085b", "a\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := vitals.Result{Status: vitals.StatusFail, Message: tt.msg, Details: map[string]any{
				"checks": []client.Check{{Name: "db\x00", Status: vitals.StatusFail, Message: tt.msg}}}}
			if got := board.ResultOf("t", r, time.Second).Message; got != tt.want {
				t.Errorf("ResultOf message = %q, want %q", got, tt.want)
			}
			if got := board.Children(r.Details); got[0].Message != tt.want || got[0].Name != "db\uFFFD" {
				t.Errorf("Children = %+v, want the message %q and the name %q", got, tt.want, "db\uFFFD")
			}
		})
	}
}

// A health target's result is notable (its text stored although it
// repeats a pass) when a sub-check's status changed, and only then.
func TestChildrenChangeIsNotable(t *testing.T) {
	b := board.New(nil)
	b.SetTargets([]board.Target{{Name: "users", Type: "health"}})
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	record := func(sec int, cache vitals.Status) store.Result {
		res := vitals.Result{Status: vitals.StatusPass, Time: at.Add(time.Duration(sec) * time.Second),
			Details: map[string]any{"checks": []client.Check{{Name: "db", Status: vitals.StatusPass}, {Name: "cache", Status: cache}}}}
		r, _ := b.Record(&vitals.CheckState{CheckInfo: &vitals.CheckInfo{Name: "users"}, Status: vitals.StatusPass, Last: res})
		return r
	}
	var got []bool
	for i, s := range []vitals.Status{vitals.StatusPass, vitals.StatusPass, vitals.StatusWarn, vitals.StatusWarn, vitals.StatusPass} {
		got = append(got, record(i, s).Notable)
	}
	if want := []bool{true, false, true, false, true}; !slices.Equal(got, want) {
		t.Errorf("notable %v, want %v", got, want)
	}
}

// TestRecentWindow checks the sparkline's points: the last RecentPoints
// results, oldest first, and a State once handed out keeps the points it
// had while later results arrive (they share an array).
func TestRecentWindow(t *testing.T) {
	b := board.New(nil)
	b.SetTargets([]board.Target{{Name: "a"}})
	t0 := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) }
	var held []*board.State
	for i := range 5 * board.RecentPoints {
		r := vitals.Result{Status: vitals.StatusPass, Time: at(i), Duration: time.Duration(i)}
		b.Record(&vitals.CheckState{CheckInfo: &vitals.CheckInfo{Name: "a"}, Status: r.Status, Since: t0, Last: r})
		st, _ := b.State("a")
		held = append(held, st)
	}
	for i, st := range held {
		want := min(i+1, board.RecentPoints)
		if len(st.Recent) != want {
			t.Fatalf("after result %d: %d points, want %d", i, len(st.Recent), want)
		}
		for j, p := range st.Recent {
			if k := i + 1 - want + j; !p.At.Equal(at(k)) || p.Latency != time.Duration(k) {
				t.Fatalf("after result %d, point %d is of result at %v, want %v", i, j, p.At, at(k))
			}
		}
	}
	// A reader's append does not write into the board's array.
	st := held[len(held)-2]
	_ = append(st.Recent, board.Point{At: t0})
	if last, _ := b.State("a"); !last.Recent[len(last.Recent)-1].At.Equal(at(len(held) - 1)) {
		t.Error("a reader's append changed the board's last point")
	}
}
