package vitalsprom

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/checkseries"
	"github.com/vitalsgo/vitals/internal/score"
)

// Options configure a [Collector]. A nil *Options means all defaults.
type Options struct {
	// Namespace is the first part of every metric name. Default "vitals".
	Namespace string
	// ConstLabels are added to every series, e.g. {"service": "orders"}.
	// They must not use the names the collector sets itself (check,
	// status, result, group): registering such a collector fails.
	ConstLabels prometheus.Labels
	// Buckets are the upper bounds of the duration histogram, in seconds.
	// Default [DefaultBuckets].
	Buckets []float64
	// OverallGroup is the group label value under which vitals_status
	// reports the status of the whole service (the aggregate of every
	// enabled check, with startup and shutdown applied). Default "all". A
	// custom group with the same name is not exported: the overall status
	// takes its place.
	OverallGroup string
}

// DefaultBuckets are the duration histogram's default upper bounds, in
// seconds: from 1ms, where an in-process check lands, to 10s, past the
// default check timeout of 5s, so a run abandoned at its timeout still has
// a bucket of its own.
var DefaultBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Status words, in the order the state sets list them. A check is never
// starting or stopping; a group is never unknown.
var (
	checkStatuses = []vitals.Status{vitals.StatusUnknown, vitals.StatusPass, vitals.StatusWarn, vitals.StatusFail}
	groupStatuses = []vitals.Status{vitals.StatusPass, vitals.StatusWarn, vitals.StatusFail, vitals.StatusStarting, vitals.StatusStopping}
)

// Collector exports a [vitals.Monitor]'s state as Prometheus metrics. Its
// Collect reads the monitor's current [vitals.Snapshot] and never runs a
// check, so a scrape costs no dependency I/O however often it comes. The
// duration histogram is fed by [vitals.Monitor.Observe] as results are
// recorded. A Collector is safe for concurrent use.
type Collector struct {
	mon     *vitals.Monitor
	overall string
	buckets []float64
	remove  func()
	once    sync.Once

	checkStatus, checkEnabled, duration, runs, timeouts, consecutive, lastSuccess, status, score *prometheus.Desc

	series *checkseries.Map[series] // forgets removed checks on Collect
}

var _ prometheus.Collector = (*Collector)(nil)

// series is what the collector keeps per check: the duration histogram,
// the latest state Observe saw, whose counters may be newer than the
// snapshot's (a snapshot publishes counter-only changes at most once a
// second), and the metrics of the last Collect.
type series struct {
	hist  histogram
	last  atomic.Pointer[vitals.CheckState]
	built atomic.Pointer[built]
}

// built is a check's metrics as built from the snapshot's state st and the
// observed state last. Both are immutable and replaced on every change, so
// while neither pointer moves a scrape sends the same metrics again instead
// of building about 25 of them per check.
type built struct {
	st, last *vitals.CheckState
	metrics  []prometheus.Metric
}

// New returns a Collector for m and starts observing its results. Register
// it with a [prometheus.Registerer]; call [Collector.Close] when done.
func New(m *vitals.Monitor, opts *Options) *Collector {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Namespace == "" {
		o.Namespace = "vitals"
	}
	if o.OverallGroup == "" {
		o.OverallGroup = "all"
	}
	c := &Collector{mon: m, overall: o.OverallGroup, buckets: cleanBuckets(o.Buckets)}
	c.series = checkseries.New(func(*vitals.CheckInfo) *series {
		return &series{hist: newHistogram(len(c.buckets))}
	})
	desc := func(sub, name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(o.Namespace, sub, name), help, labels, o.ConstLabels)
	}
	c.checkStatus = desc("check", "status", "Effective status of the check as a state set: 1 for the current status (unknown, pass, warn, fail), 0 for the others.", "check", "status")
	c.checkEnabled = desc("check", "enabled", "Whether the check is enabled (1) or disabled (0); a disabled check keeps its last status but counts in no group.", "check")
	c.duration = desc("check", "duration_seconds", "Duration of the check's runs since the collector was created, timed-out runs counted at their timeout.", "check")
	c.runs = desc("check", "runs_total", "Results the check has recorded, by result (pass, warn, fail; timeouts and panics are fail).", "check", "result")
	c.timeouts = desc("check", "timeouts_total", "Runs of the check abandoned at its timeout.", "check")
	c.consecutive = desc("check", "consecutive_failures", "Failed results since the check's last pass or warn.", "check")
	c.lastSuccess = desc("check", "last_success_timestamp_seconds", "Unix time of the check's last pass or warn result; absent until there is one.", "check")
	c.status = desc("", "status", "Status of a group of checks as a state set: 1 for the current status (pass, warn, fail, starting, stopping), 0 for the others. group=\""+o.OverallGroup+"\" is the whole service.", "group", "status")
	c.score = desc("health", "score", "Mean health score (0 to 1) of the group's enabled checks that have run; a check's score weighs recent results more and counts a warning half. Absent until one has run. group=\""+o.OverallGroup+"\" is the whole service.", "group")
	c.remove = m.Observe(c.observe)
	return c
}

// cleanBuckets returns sorted, distinct, finite bounds, or the defaults.
func cleanBuckets(b []float64) []float64 {
	if len(b) == 0 {
		return DefaultBuckets
	}
	b = slices.Clone(b)
	slices.Sort(b)
	b = slices.Compact(b)
	for len(b) > 0 && b[len(b)-1] > 1e308 { // +Inf is implied
		b = b[:len(b)-1]
	}
	return b
}

// Close stops observing results: the duration histogram stops moving. The
// other metrics are read from the monitor at each scrape and keep working;
// unregister the collector to drop them.
func (c *Collector) Close() {
	c.once.Do(c.remove)
}

// observe is the Observe hook. It runs with the check's lock held, on the
// goroutine that recorded the result, so it only does a map load (a store
// the first time), a histogram update and an atomic pointer store.
func (c *Collector) observe(st *vitals.CheckState) {
	s := c.series.Load(st.CheckInfo)
	// A max-age expiry marks the old result stale; it is no run.
	if !st.Stale {
		s.hist.observe(c.buckets, st.Last.Duration.Seconds())
	}
	// Stored after the histogram moved: a Collect that sees this state
	// sees its run too, so the metrics it caches for it are complete.
	s.last.Store(st)
}

// Describe sends the descriptors of every metric the collector exports.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.checkStatus, c.checkEnabled, c.duration, c.runs, c.timeouts, c.consecutive, c.lastSuccess, c.status, c.score} {
		ch <- d
	}
}

// Collect sends the current metrics, read from the monitor's snapshot.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	gen := c.series.Begin()
	snap := c.mon.Snapshot() // an atomic load; Current would run on-demand checks
	for st := range snap.Checks("") {
		c.collectCheck(ch, st)
	}
	c.collectGroups(ch, snap)
	c.series.Sweep(snap, gen)
}

func (c *Collector) collectCheck(ch chan<- prometheus.Metric, st *vitals.CheckState) {
	s := c.series.Load(st.CheckInfo)
	last := s.last.Load()
	b := s.built.Load()
	if b == nil || b.st != st || b.last != last {
		b = &built{st: st, last: last, metrics: c.build(st, last, &s.hist)}
		s.built.Store(b)
	}
	for _, m := range b.metrics {
		ch <- m
	}
}

// build makes the metrics of one check. Its state and status come from
// st, the snapshot's; its counters from the newer of st and last, the
// state Observe saw last, so that they agree with the histogram.
func (c *Collector) build(st, last *vitals.CheckState, h *histogram) []prometheus.Metric {
	name := st.Name
	out := make([]prometheus.Metric, 0, len(checkStatuses)+9)
	for _, s := range checkStatuses {
		out = append(out, constMetric(c.checkStatus, prometheus.GaugeValue, b2f(st.Status == s), name, s.String()))
	}
	out = append(out, constMetric(c.checkEnabled, prometheus.GaugeValue, b2f(st.Enabled), name))

	stats := st.Stats
	if last != nil && last.Stats.Runs() > stats.Runs() {
		stats = last.Stats
	}
	out = append(out,
		constMetric(c.runs, prometheus.CounterValue, float64(stats.Passes), name, "pass"),
		constMetric(c.runs, prometheus.CounterValue, float64(stats.Warnings), name, "warn"),
		constMetric(c.runs, prometheus.CounterValue, float64(stats.Failures), name, "fail"),
		constMetric(c.timeouts, prometheus.CounterValue, float64(stats.Timeouts), name),
		constMetric(c.consecutive, prometheus.GaugeValue, float64(stats.ConsecutiveFailures()), name))
	if !stats.LastSuccess().IsZero() {
		out = append(out, constMetric(c.lastSuccess, prometheus.GaugeValue, float64(stats.LastSuccess().UnixNano())/1e9, name))
	}

	count, sum, cum := h.snapshot(c.buckets)
	m, err := prometheus.NewConstHistogram(c.duration, count, sum, cum, name)
	if err != nil {
		m = prometheus.NewInvalidMetric(c.duration, err)
	}
	return append(out, m)
}

// collectGroups sends the groups' state sets, built once per snapshot:
// a group's status changes only with a new snapshot.
func (c *Collector) collectGroups(ch chan<- prometheus.Metric, snap *vitals.Snapshot) {
	ms := snap.Cache(c, func() any { return c.buildGroups(snap) }).([]prometheus.Metric)
	for _, m := range ms {
		ch <- m
	}
}

func (c *Collector) buildGroups(snap *vitals.Snapshot) []prometheus.Metric {
	var out []prometheus.Metric
	emit := func(label string, g vitals.GroupState) {
		for _, s := range groupStatuses {
			out = append(out, constMetric(c.status, prometheus.GaugeValue, b2f(g.Status == s), label, s.String()))
		}
		if sc, ok := score.Of(snap, g.Name); ok {
			out = append(out, constMetric(c.score, prometheus.GaugeValue, sc, label))
		}
	}
	all, _ := snap.Group("")
	emit(c.overall, all)
	for _, name := range snap.Groups() {
		if name == c.overall {
			continue
		}
		g, _ := snap.Group(name)
		emit(name, g)
	}
	return out
}

// constMetric builds one constant metric; a descriptor made invalid by
// the options is reported to the registry instead of panicking.
func constMetric(d *prometheus.Desc, t prometheus.ValueType, v float64, labels ...string) prometheus.Metric {
	m, err := prometheus.NewConstMetric(d, t, v, labels...)
	if err != nil {
		return prometheus.NewInvalidMetric(d, err)
	}
	return m
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
