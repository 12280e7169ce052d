package web

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/board"
)

// TestSparklineBars reads the sparkline's paths back into bars and holds
// them to the points: a bar per point, in its slot, as high as its
// latency, in its status's path, from its top to the bottom.
func TestSparklineBars(t *testing.T) {
	statuses := []vitals.Status{vitals.StatusPass, vitals.StatusWarn, vitals.StatusFail, vitals.StatusUnknown}
	for n := 0; n <= board.RecentPoints+3; n++ {
		for seed := range 4 {
			points := make([]board.Point, n)
			for i := range points {
				points[i] = board.Point{
					Status:  statuses[(i*i+seed*i/3+seed)%7%4],
					Latency: time.Duration((i*37+seed*11)%53) * time.Millisecond,
				}
			}
			got := bars(t, string(appendSparkline(nil, points)))
			want := wantBars(points)
			if !slices.Equal(got, want) {
				t.Fatalf("%d points, seed %d:\n%s\ngot bars  %v\nwant bars %v", n, seed, appendSparkline(nil, points), got, want)
			}
		}
	}
}

// bar is a vertical line of a sparkline: its status class, x, and top.
type bar struct {
	class string
	x, y  int
}

func (b bar) String() string { return fmt.Sprintf("%s@%d,%d", b.class, b.x, b.y) }

// wantBars is what the sparkline of points draws, as the first
// implementation computed it (absolute "Mx yvh" per bar).
func wantBars(points []board.Point) []bar {
	points = points[max(0, len(points)-board.RecentPoints):]
	top := scale(len(points), func(i int) (time.Duration, vitals.Status) { return points[i].Latency, points[i].Status })
	off := board.RecentPoints - len(points)
	var out []bar
	for k, name := range statusClasses {
		for i, p := range points {
			if statusIndex(p.Status) != k {
				continue
			}
			h := 2
			if top > 0 {
				h += int((sparkHeight - 2) * int64(min(p.Latency, top)) / int64(top))
			}
			out = append(out, bar{name, (off+i)*sparkStep + 1, sparkHeight - h})
		}
	}
	return out
}

var (
	pathRE = regexp.MustCompile(`<path class="s-([a-z]+)" d="([^"]*)"/>`)
	cmdRE  = regexp.MustCompile(`[MmVv][-0-9 ]+`)
	numRE  = regexp.MustCompile(`-?[0-9]+`)
)

// bars reads an SVG sparkline's paths of moves and vertical lines.
func bars(t *testing.T, svg string) []bar {
	t.Helper()
	var out []bar
	for _, m := range pathRE.FindAllStringSubmatch(svg, -1) {
		x, y := 0, 0
		d := m[2]
		if joined := cmdRE.ReplaceAllString(d, ""); joined != "" {
			t.Fatalf("path %q: unexpected %q", d, joined)
		}
		for _, c := range cmdRE.FindAllString(d, -1) {
			var n []int
			for _, s := range numRE.FindAllString(c[1:], -1) {
				v, _ := strconv.Atoi(s)
				n = append(n, v)
			}
			switch {
			case (c[0] == 'M' || c[0] == 'm') && len(n) == 2:
				if c[0] == 'm' {
					x, y = x+n[0], y+n[1]
				} else {
					x, y = n[0], n[1]
				}
			case (c[0] == 'V' || c[0] == 'v') && len(n) == 1:
				to := n[0]
				if c[0] == 'v' {
					to += y
				}
				lo, hi := min(y, to), max(y, to)
				if hi != sparkHeight {
					t.Fatalf("path %q: a bar from %d to %d, not to the bottom", d, lo, hi)
				}
				out = append(out, bar{m[1], x, lo})
				y = to
			default:
				t.Fatalf("path %q: bad command %q", d, c)
			}
		}
	}
	return out
}
