package web

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/store"
)

// TestRowMatchesTemplate holds appendRow to the "row" template, including
// how both escape.
func TestRowMatchesTemplate(t *testing.T) {
	at := time.Date(2026, 3, 2, 11, 58, 0, 0, time.UTC)
	nasty := "<script>'a'&\"b\"+\x00</script>"
	states := []*board.State{
		{Target: board.Target{Name: "a"}},
		{Target: board.Target{Name: "b"}, Status: vitals.StatusUnknown, Since: at, Uptime: []store.Uptime{{}, {}, {}, {}}},
		{Target: board.Target{Name: nasty, Description: nasty}, Status: vitals.StatusFail, Since: at,
			Last:   store.Result{At: at, Status: vitals.StatusFail, Latency: 3 * time.Second, Message: nasty},
			Recent: []board.Point{{At: at, Status: vitals.StatusFail, Latency: time.Second}},
			Uptime: []store.Uptime{{Window: 24 * time.Hour, Up: time.Hour, Degraded: time.Minute, Down: time.Minute}, {Window: 7 * 24 * time.Hour, NoData: 7 * 24 * time.Hour}}},
		{Target: board.Target{Name: "ünïcode-ok:@$&=+,;"}, Status: vitals.StatusWarn, Since: at,
			Last: store.Result{At: at, Status: vitals.StatusWarn, Latency: 400 * time.Microsecond}},
		{Target: board.Target{Name: "firing"}, Status: vitals.StatusFail, Since: at,
			Alert: board.Alert{Firing: true, Incident: "firing/3", Since: at}},
		{Target: board.Target{Name: "quiet"}, Status: vitals.StatusFail, Since: at,
			Alert: board.Alert{Firing: true, Incident: "quiet/1", Since: at, Suppressed: "depends_on <db>&"}},
	}
	for _, st := range states {
		for _, details := range []bool{false, true} {
			v := viewRow(st, details)
			var want bytes.Buffer
			if err := pages.ExecuteTemplate(&want, "row", v); err != nil {
				t.Fatal(err)
			}
			if got := appendRow(nil, st, details); string(got) != want.String() {
				t.Errorf("row of %q (details %v):\nappendRow: %s\ntemplate:  %s", st.Name, details, got, want.String())
			}
		}
	}
}

// BenchmarkRow renders the row of a target with a full sparkline and all
// its uptimes: the cost of each changed target on the status page.
func BenchmarkRow(b *testing.B) {
	at := time.Date(2026, 3, 2, 11, 58, 0, 0, time.UTC)
	st := &board.State{Target: board.Target{Name: "service-00042"}, Status: vitals.StatusPass, Since: at,
		Last: store.Result{At: at, Status: vitals.StatusPass, Latency: 23 * time.Millisecond, Message: "200 OK"}}
	for i := range board.RecentPoints {
		st.Recent = append(st.Recent, board.Point{At: at, Status: vitals.Status(1 + i%7/5), Latency: time.Duration(5+i%40) * time.Millisecond})
	}
	for _, w := range board.Windows {
		st.Uptime = append(st.Uptime, store.Uptime{Window: w, Up: w * 9 / 10, Degraded: w / 100, Down: w / 50, NoData: w - w*9/10 - w/50})
	}
	b.ReportAllocs()
	buf := make([]byte, 0, 2048)
	for b.Loop() {
		buf = appendRow(buf[:0], st, true)
	}
	b.SetBytes(int64(len(buf)))
}

// TestGroupRows holds groupRows, which shares the rows' array when each
// group's states are together, to gathering each group's rows.
func TestGroupRows(t *testing.T) {
	for _, groups := range []string{"", "aab", "aabbb c", "abab", "ab a", "a  b"} {
		states := make([]*board.State, len(groups))
		rows := make([]*row, len(groups))
		for i := range states {
			states[i] = &board.State{Target: board.Target{Name: strconv.Itoa(i), Group: strings.TrimSpace(groups[i : i+1])}}
			rows[i] = &row{st: states[i]}
		}
		got, want := groupRows(states, rows, nil), gatherRows(states, rows, nil)
		if len(got) != len(want) {
			t.Fatalf("%q: %d groups, want %d", groups, len(got), len(want))
		}
		for i := range got {
			if got[i].Name != want[i].Name || !slices.Equal(got[i].rows, want[i].rows) {
				t.Errorf("%q: group %d is %q with %d rows, want %q with %d", groups, i, got[i].Name, len(got[i].rows), want[i].Name, len(want[i].rows))
			}
		}
	}
}
