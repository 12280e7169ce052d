package web

import (
	"html/template"
	"strconv"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/store"
)

// The charts are drawn on the server as inline SVG: no script, no image
// requests, and colors from the style sheet (classes s-pass, s-warn,
// s-fail), so dark mode applies. Numbers are written with strconv into a
// byte slice; the only text they hold is numbers and fixed class names, so
// they need no escaping.

// Sparkline geometry: one bar per recent result, newest on the right.
const (
	sparkStep   = 2
	sparkWidth  = board.RecentPoints * sparkStep
	sparkHeight = 24
)

// sparkline draws recent results as bars: the height is the latency
// (see scale), the color the status.
func sparkline(points []board.Point) template.HTML {
	return template.HTML(appendSparkline(nil, points))
}

// appendSparkline appends the sparkline of points; nothing without any.
func appendSparkline(b []byte, points []board.Point) []byte {
	points = points[max(0, len(points)-board.RecentPoints):]
	if len(points) == 0 {
		return b
	}
	top := scale(len(points), func(i int) (time.Duration, vitals.Status) { return points[i].Latency, points[i].Status })
	off := board.RecentPoints - len(points)
	// The size is the viewBox: user units are pixels. The style sheet
	// sets the rest (td.spark svg).
	b = append(b, `<svg width="120" height="24" role="img" aria-label="latency of the last `...)
	b = strconv.AppendInt(b, int64(len(points)), 10)
	if len(points) == 1 {
		b = append(b, ` result">`...)
	} else {
		b = append(b, ` results">`...)
	}
	// A path per status, a bar a vertical line from its top to the
	// bottom. The bars are drawn down and up in turn, each reached by a
	// relative move from the end of the one before, so that a bar costs
	// some 7 bytes: "M1 14v10m2 0V13m2-1v12" is three bars.
	for k, name := range statusClasses {
		n := 0
		x, y := 0, 0 // the pen, after the last bar
		for i, p := range points {
			if statusIndex(p.Status) != k {
				continue
			}
			h := 2
			if top > 0 {
				h += int((sparkHeight - 2) * int64(min(p.Latency, top)) / int64(top))
			}
			bx, by := (off+i)*sparkStep+1, sparkHeight-h
			switch {
			case n == 0:
				b = append(append(append(b, `<path class="s-`...), name...), `" d="M`...)
				b = appendPair(b, bx, by)
				b, y = appendV(b, 'v', h), sparkHeight
			case y == sparkHeight: // at the bottom of the last bar: draw up
				b = appendPair(append(b, 'm'), bx-x, 0)
				b, y = appendV(b, 'V', by), by
			default: // at its top: move to this one's and draw down
				b = appendPair(append(b, 'm'), bx-x, by-y)
				b, y = appendV(b, 'v', h), sparkHeight
			}
			x = bx
			n++
		}
		if n > 0 {
			b = append(b, `"/>`...)
		}
	}
	return append(b, "</svg>"...)
}

// appendPair appends the coordinates x y of a path command, the y after
// a space unless its sign separates it.
func appendPair(b []byte, x, y int) []byte {
	b = strconv.AppendInt(b, int64(x), 10)
	if y >= 0 {
		b = append(b, ' ')
	}
	return strconv.AppendInt(b, int64(y), 10)
}

// appendV appends a vertical line command with its one number.
func appendV(b []byte, cmd byte, n int) []byte {
	return strconv.AppendInt(append(b, cmd), int64(n), 10)
}

// scale returns the latency at the top of a chart of n points: the
// largest of the points that did not fail, when there are any. A failure
// is often a timeout, far above the rest; it is drawn at the top, and
// its color tells it apart.
func scale(n int, at func(int) (time.Duration, vitals.Status)) time.Duration {
	var top, all time.Duration
	for i := range n {
		lat, st := at(i)
		all = max(all, lat)
		if st == vitals.StatusPass || st == vitals.StatusWarn {
			top = max(top, lat)
		}
	}
	if top == 0 {
		return all
	}
	return top
}

var statusClasses = [4]string{"unknown", "pass", "warn", "fail"}

func statusIndex(s vitals.Status) int {
	if s >= vitals.StatusPass && s <= vitals.StatusFail {
		return int(s)
	}
	return 0
}

// sample is one span of a latency chart, [from, to) as fractions of its
// width.
type sample struct {
	from, to float64
	latency  time.Duration // < 0: no run in the span
	status   vitals.Status // StatusUnknown: no data
}

// chart is a latency chart with the labels of its axes.
type chart struct {
	SVG      template.HTML
	Top      string // the latency at the top of the plot
	From, To string // the times at its left and right ends
}

// Latency chart geometry, in viewBox units; the SVG stretches to the
// width of the page (strokes keep their width: non-scaling-stroke).
const (
	chartWidth = 1000
	plotHeight = 170
	stripY     = 182
	stripH     = 18
)

// drawChart draws the average latency of each sample as a line over a
// strip colored by status. The line is broken where the strip is: where
// no result covers the time.
func drawChart(samples []sample) (svg template.HTML, top time.Duration) {
	top = niceCeil(scale(len(samples), func(i int) (time.Duration, vitals.Status) { return samples[i].latency, samples[i].status }))
	b := make([]byte, 0, 256+len(samples)*24)
	b = append(b, `<svg class="chart" viewBox="0 0 1000 200" preserveAspectRatio="none" role="img" aria-label="latency and status">`...)
	for _, y := range []float64{0, plotHeight / 2, plotHeight} {
		b = append(b, `<path class="grid" d="M0 `...)
		b = appendNum(b, y)
		b = append(b, `H1000"/>`...)
	}
	var line []byte
	joined := false // whether the next point continues the line
	prev := -1.0
	for _, s := range samples {
		if s.from != prev || s.status == vitals.StatusUnknown {
			joined = false
		}
		prev = s.to
		if s.latency < 0 {
			continue
		}
		cmd := byte('M')
		if joined {
			cmd = 'L'
		}
		line = append(line, cmd)
		line = appendNum(line, (s.from+s.to)/2*chartWidth)
		line = append(line, ' ')
		line = appendNum(line, plotHeight-plotHeight*float64(min(s.latency, top))/float64(top))
		joined = true
	}
	if len(line) > 0 {
		b = append(b, `<path class="line" d="`...)
		b = append(b, line...)
		b = append(b, `"/>`...)
	}
	b = appendStrip(b, samples)
	return template.HTML(append(b, "</svg>"...)), top
}

// appendStrip appends a rect per run of samples of one status.
func appendStrip(b []byte, samples []sample) []byte {
	for i := 0; i < len(samples); {
		j := i + 1
		for j < len(samples) && samples[j].status == samples[i].status && samples[j].from == samples[j-1].to {
			j++
		}
		if s := samples[i].status; s != vitals.StatusUnknown {
			b = appendRect(b, s, samples[i].from, samples[j-1].to)
		}
		i = j
	}
	return b
}

func appendRect(b []byte, s vitals.Status, from, to float64) []byte {
	b = append(b, `<rect class="s-`...)
	b = append(b, statusClasses[statusIndex(s)]...)
	b = append(b, `" x="`...)
	b = appendNum(b, from*chartWidth)
	b = append(b, `" y="`...)
	b = strconv.AppendInt(b, stripY, 10)
	b = append(b, `" width="`...)
	b = appendNum(b, max(0.5, (to-from)*chartWidth))
	b = append(b, `" height="`...)
	b = strconv.AppendInt(b, stripH, 10)
	return append(b, `"/>`...)
}

func appendNum(b []byte, f float64) []byte {
	return strconv.AppendFloat(b, f, 'f', -1, 32)
}

// niceCeil rounds a latency up to 1, 2 or 5 times a power of ten
// microseconds, at least 1 ms.
func niceCeil(d time.Duration) time.Duration {
	for unit := time.Microsecond; ; unit *= 10 {
		for _, m := range []time.Duration{1, 2, 5} {
			if n := m * unit; n >= d && n >= time.Millisecond {
				return n
			}
		}
	}
}

// rollupSamples turns minute rollups in [since, since+width) into samples.
func rollupSamples(rs []store.Rollup, since time.Time, width time.Duration) []sample {
	out := make([]sample, 0, len(rs))
	for _, r := range rs {
		s := sample{
			from:    float64(r.Start.Sub(since)) / float64(width),
			to:      float64(r.Start.Add(r.Resolution.Width()).Sub(since)) / float64(width),
			latency: -1,
		}
		if r.Runs > 0 {
			s.latency = r.LatencySum / time.Duration(r.Runs)
		}
		switch {
		case r.Fails > 0 || r.Down > 0:
			s.status = vitals.StatusFail
		case r.Warns > 0 || r.Degraded > 0:
			s.status = vitals.StatusWarn
		case r.Passes > 0 || r.Up > 0:
			s.status = vitals.StatusPass
		}
		out = append(out, s)
	}
	return out
}

// pointSamples spreads recent results evenly over the width.
func pointSamples(ps []board.Point) []sample {
	out := make([]sample, len(ps))
	n := float64(len(ps))
	for i, p := range ps {
		out[i] = sample{from: float64(i) / n, to: float64(i+1) / n, latency: p.Latency, status: p.Status}
	}
	return out
}

// timeline draws status intervals over [since, now) as a strip.
func timeline(ivs []store.Interval, since, now time.Time) template.HTML {
	width := float64(now.Sub(since))
	b := make([]byte, 0, 128+len(ivs)*64)
	b = append(b, `<svg class="timeline" viewBox="0 182 1000 18" preserveAspectRatio="none" role="img" aria-label="status over time">`...)
	b = append(b, `<rect class="nodata" x="0" y="182" width="1000" height="18"/>`...)
	for _, iv := range ivs {
		from, until := iv.Since, iv.Until
		if until.IsZero() || until.After(now) {
			until = now
		}
		if from.Before(since) {
			from = since
		}
		if !from.Before(until) {
			continue
		}
		b = appendRect(b, iv.Status, float64(from.Sub(since))/width, float64(until.Sub(since))/width)
	}
	return template.HTML(append(b, "</svg>"...))
}
