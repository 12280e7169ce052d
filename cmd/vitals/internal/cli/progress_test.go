package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/cmd/vitals/internal/target"
)

func TestTTYRendererRedrawsInPlace(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	now := start
	states := []*waitState{{name: "tcp://db:5432", start: start}, {name: "http://api/readyz", start: start}}
	var out strings.Builder
	r := &ttyRenderer{w: &out, states: states, width: 60, now: func() time.Time { return now }}

	r.draw()
	now = start.Add(1500 * time.Millisecond)
	r.record(0, target.Attempt{N: 2, Outcome: target.Outcome{Status: target.Unreachable, Reason: "dial tcp: connection refused, and a reason long enough to be cut"}})
	now = start.Add(2 * time.Second)
	r.record(1, target.Attempt{N: 1, Outcome: target.Outcome{Status: target.Healthy, Reason: "pass"}})
	now = start.Add(3 * time.Second)
	r.finish()

	frames := strings.Split(out.String(), "\x1b[2A")
	if len(frames) != 4 {
		t.Fatalf("want 4 frames, each after the first moving up 2 lines; got %d:\n%q", len(frames), out.String())
	}
	want := "\r\x1b[2K✗ tcp://db:5432      unreachable    2 attempts    3.0s  di…\n" +
		"\r\x1b[2K✓ http://api/readyz  healthy        1 attempt     2.0s\n"
	if got := frames[3]; got != want {
		t.Errorf("last frame:\ngot  %q\nwant %q", got, want)
	}
	if !strings.HasPrefix(frames[0], "\r\x1b[2K⠙ tcp://db:5432      waiting        0 attempts    0.0s\n") {
		t.Errorf("first frame: %q", frames[0])
	}
}

func TestPlainRendererPrintsChanges(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	now := start
	states := []*waitState{{name: "tcp://db:5432", start: start}}
	var out strings.Builder
	r := &plainRenderer{w: &out, states: states, now: func() time.Time { return now }}
	down := target.Attempt{N: 1, Outcome: target.Outcome{Status: target.Unreachable, Reason: "refused"}}
	for i := 1; i <= 3; i++ {
		down.N = i
		now = start.Add(time.Duration(i) * time.Second)
		r.record(0, down) // only the first is news
	}
	now = start.Add(40 * time.Second)
	down.N = 4
	r.record(0, down) // a reminder after plainEvery
	now = start.Add(41 * time.Second)
	r.record(0, target.Attempt{N: 5, Outcome: target.Outcome{Status: target.Healthy}})
	want := "tcp://db:5432: unreachable (attempt 1, 1.0s): refused\n" +
		"tcp://db:5432: unreachable (attempt 4, 40.0s): refused\n" +
		"tcp://db:5432: healthy after 41.0s (5 attempts)\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}
