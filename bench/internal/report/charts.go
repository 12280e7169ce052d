package report

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Chart files written by [Charts], beside docs/benchmarks.md.
const (
	ChartProbe  = "bench-probe.png"
	ChartScale  = "bench-scale-cpu.png"
	ChartRSS    = "bench-scale-rss.png"
	ChartStorm  = "bench-storm.png"
	ChartHang   = "bench-hang.png"
	ChartDetect = "bench-detect.png"
)

// series is one set of bars: one value per group, NaN for none.
type series struct {
	name   string
	values []float64
}

// barChart describes a grouped bar chart.
type barChart struct {
	title, ylabel string
	groups        []string // x axis
	series        []series
	// logFloor, when set, makes the y axis logarithmic, starting at
	// logFloor: smaller values are drawn as logFloor. Ticks are labelled in
	// the values' own unit.
	logFloor float64
	// centred draws every series at the centre of its group: for series
	// that never have a value in the same group (one bar per group, its
	// colour telling which series it belongs to).
	centred bool
}

// save renders c as a PNG at path.
func (c barChart) save(path string) error {
	p := plot.New()
	p.Title.Text = c.title
	p.Y.Label.Text = c.ylabel
	p.Legend.Top = true
	p.Y.Min = 0
	w := vg.Points(min(24, 160/float64(max(1, len(c.series)*len(c.groups)/2))))
	top := 0.0
	// A series with no value at all (a library that could not run the
	// scenario) gets no legend entry either.
	var shown []series
	for _, s := range c.series {
		if slices.ContainsFunc(s.values, func(v float64) bool { return !math.IsNaN(v) }) {
			shown = append(shown, s)
		}
	}
	c.series = shown
	for i, s := range c.series {
		vals := make(plotter.Values, len(s.values))
		for j, v := range s.values {
			switch {
			case math.IsNaN(v):
				vals[j] = 0
			case c.logFloor > 0:
				vals[j] = math.Log10(math.Max(v, c.logFloor) / c.logFloor)
			default:
				vals[j] = v
			}
		}
		for _, v := range vals {
			top = math.Max(top, v)
		}
		b, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return err
		}
		b.LineStyle.Width = 0
		b.Color = plotutil.Color(i)
		if !c.centred {
			b.Offset = w * vg.Length(float64(i)-float64(len(c.series)-1)/2)
		}
		p.Add(b)
		if len(c.series) > 1 {
			p.Legend.Add(s.name, b)
		}
	}
	// Head room above the tallest bar for the legend.
	p.Y.Max = top * 1.3
	if c.logFloor > 0 {
		p.Y.Max = math.Ceil(top + 0.3)
		floor := c.logFloor
		p.Y.Tick.Marker = plot.TickerFunc(func(lo, hi float64) []plot.Tick {
			var ticks []plot.Tick
			for e := math.Floor(lo); e <= math.Ceil(hi); e++ {
				ticks = append(ticks, plot.Tick{Value: e, Label: humanNumber(floor * math.Pow(10, e))})
			}
			return ticks
		})
	}
	p.Add(plotter.NewGrid())
	p.NominalX(c.groups...)
	return p.Save(7*vg.Inch, 3.6*vg.Inch, path)
}

// humanNumber writes a power of ten briefly: 0.1, 10, 1k, 1M.
func humanNumber(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// Charts writes the PNG charts of r into dir. A scenario that was not run
// gets no chart.
func Charts(r *Results, dir string) error {
	var charts []struct {
		c    barChart
		file string
	}
	add := func(file string, c barChart) {
		charts = append(charts, struct {
			c    barChart
			file string
		}{c, file})
	}
	if len(r.Probe) > 0 {
		add(ChartProbe, probeChart(r))
	}
	if len(r.Scale) > 0 {
		// CPU spans three orders of magnitude between libraries: log scale.
		cpu := scaleChart(r, "CPU (log scale)", "% of one core", func(row ScaleRow) float64 { return row.CPU })
		cpu.logFloor = 0.1
		add(ChartScale, cpu)
		add(ChartRSS, scaleChart(r, "RSS", "MB", func(row ScaleRow) float64 { return row.RSSMB }))
	}
	if len(r.Storm) > 0 {
		add(ChartStorm, stormChart(r))
	}
	if len(r.Hang) > 0 {
		add(ChartHang, hangChart(r))
	}
	if len(r.Detect) > 0 {
		add(ChartDetect, detectChart(r))
	}
	for _, ch := range charts {
		if err := ch.c.save(filepath.Join(dir, ch.file)); err != nil {
			return fmt.Errorf("%s: %w", ch.file, err)
		}
	}
	return nil
}

func probeChart(r *Results) barChart {
	c := barChart{
		title:  "Probe throughput, full JSON output (median of rounds)",
		ylabel: "requests/s as a share of bare net/http",
	}
	c.groups, c.series = bars(r.Probe,
		func(row ProbeRow) string { return row.Lib },
		func(row ProbeRow) string { return fmt.Sprintf("%d checks", row.Checks) },
		func(row ProbeRow) (float64, bool) { return Summarize(row.Ratio).Median, len(row.Ratio) > 0 })
	return c
}

func scaleChart(r *Results, what, unit string, value func(ScaleRow) float64) barChart {
	c := barChart{
		title:  "Periodic no-op checks at a 10s interval: " + what + " (DNF, n/a: no bar)",
		ylabel: unit,
	}
	c.groups, c.series = bars(r.Scale,
		func(row ScaleRow) string { return humanInt(row.Checks) + " checks" },
		func(row ScaleRow) string { return row.Lib },
		func(row ScaleRow) (float64, bool) { return value(row), row.Status == "ok" })
	return c
}

func stormChart(r *Results) barChart {
	c := barChart{
		title:    "Storm: dependency calls during the storm (log scale)",
		ylabel:   "dependency calls",
		logFloor: 1,
	}
	s := series{}
	for _, row := range r.Storm {
		c.groups = append(c.groups, row.Lib+"\n"+mode(row.Mode))
		s.values = append(s.values, float64(row.Calls))
	}
	c.series = []series{s}
	return c
}

func hangChart(r *Results) barChart {
	c := barChart{
		title:    "Hung check: probe latency p99 (log scale)",
		ylabel:   "p99 latency, ms",
		logFloor: 0.1,
		centred:  true,
	}
	// A fast 200 is no success here: it is a stale pass. The bars say
	// which answer the probes mostly got.
	down := series{name: "answered 503 (down)"}
	stale := series{name: "answered 200 (stale pass)"}
	for _, row := range r.Hang {
		c.groups = append(c.groups, row.Lib+"\n"+mode(row.Mode))
		if row.Codes["200"] > row.Codes["503"] {
			down.values = append(down.values, math.NaN())
			stale.values = append(stale.values, row.P99)
		} else {
			down.values = append(down.values, row.P99)
			stale.values = append(stale.values, math.NaN())
		}
	}
	c.series = []series{down, stale}
	return c
}

func detectChart(r *Results) barChart {
	c := barChart{
		title:  "PostgreSQL unreachable: time until readiness answers 503 (median)",
		ylabel: "seconds",
	}
	c.groups, c.series = bars(r.Detect,
		func(row DetectRow) string { return row.Lib },
		func(row DetectRow) string { return row.Fault },
		func(row DetectRow) (float64, bool) { return Summarize(row.Down).Median, len(row.Down) > 0 })
	return c
}

// bars lays rows out as the groups and series of a bar chart: a group for
// each distinct group(row) and a series for each distinct seriesOf(row),
// both in the order first seen. A bar is the value of the last row of its
// group and series for which value reports ok; NaN where there is none.
func bars[R any](rows []R, group, seriesOf func(R) string, value func(R) (float64, bool)) ([]string, []series) {
	var groups, names []string
	for _, row := range rows {
		if g := group(row); !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
		if n := seriesOf(row); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	ss := make([]series, len(names))
	for i, n := range names {
		ss[i] = series{name: n, values: make([]float64, len(groups))}
		for j := range groups {
			ss[i].values[j] = math.NaN()
		}
	}
	for _, row := range rows {
		if v, ok := value(row); ok {
			ss[slices.Index(names, seriesOf(row))].values[slices.Index(groups, group(row))] = v
		}
	}
	return groups, ss
}

// humanInt writes 1000 as 1k and 100000 as 100k.
func humanInt(n int) string {
	if n >= 1000 && n%1000 == 0 {
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}
