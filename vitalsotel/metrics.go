package vitalsotel

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/checkseries"
	"github.com/vitalsgo/vitals/internal/score"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// ScopeName is the instrumentation scope of the meter the instruments are
// created with.
const ScopeName = "github.com/vitalsgo/vitals/vitalsotel"

// Attribute keys. A check's series carry [CheckKey]; a group's carry
// [GroupKey]; the state sets add [StatusKey], the run counter [ResultKey].
const (
	CheckKey  = attribute.Key("vitals.check.name")
	GroupKey  = attribute.Key("vitals.group.name")
	StatusKey = attribute.Key("vitals.status")
	ResultKey = attribute.Key("vitals.check.result")
)

// DefaultBuckets are the duration histogram's default boundaries, in
// seconds: from 1ms, where an in-process check lands, to 10s, past the
// default check timeout of 5s, so a run abandoned at its timeout still has
// a bucket of its own. They are vitalsprom's, so both surfaces agree.
var DefaultBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Options configure [New]. A nil *Options means all defaults.
type Options struct {
	// MeterProvider creates the meter. Default the global provider,
	// otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
	// Buckets are the explicit boundaries of the duration histogram, in
	// seconds. Default [DefaultBuckets]. A view configured on the
	// provider takes precedence.
	Buckets []float64
	// OverallGroup is the vitals.group.name under which vitals.group.status
	// reports the whole service (the aggregate of every enabled check,
	// with startup and shutdown applied). Default "all". A custom group of
	// the same name is not reported: the overall status takes its place.
	OverallGroup string
}

// Status words in the order the state sets list them. A check is never
// starting or stopping; a group is never unknown.
var (
	checkStatuses = []vitals.Status{vitals.StatusUnknown, vitals.StatusPass, vitals.StatusWarn, vitals.StatusFail}
	groupStatuses = []vitals.Status{vitals.StatusPass, vitals.StatusWarn, vitals.StatusFail, vitals.StatusStarting, vitals.StatusStopping}
	results       = []vitals.Status{vitals.StatusPass, vitals.StatusWarn, vitals.StatusFail}
)

// Metrics reports a [vitals.Monitor]'s state through OpenTelemetry
// instruments. The observable instruments are read from the monitor's
// current snapshot when the SDK collects, so a collection never runs a
// check; the duration histogram is recorded through
// [vitals.Monitor.Observe] as results come in.
type Metrics struct {
	mon     *vitals.Monitor
	overall string

	status, enabled, consecutive metric.Int64ObservableGauge
	groupStatus                  metric.Int64ObservableGauge
	lastSuccess, groupScore      metric.Float64ObservableGauge
	runs, timeouts               metric.Int64ObservableCounter
	duration                     metric.Float64Histogram

	reg    metric.Registration
	remove func()
	once   sync.Once

	series *checkseries.Map[series] // forgets removed checks on collect

	mu     sync.Mutex // protects groups
	groups map[string]*[5]metric.ObserveOption
}

// series is what Metrics keeps per check: its attribute sets, built once,
// and the latest state Observe saw, whose counters may be newer than the
// snapshot's (a snapshot publishes counter-only changes at most once a
// second).
type series struct {
	check    metric.MeasurementOption // {vitals.check.name}
	statuses [4]metric.MeasurementOption
	results  [3]metric.MeasurementOption
	last     atomic.Pointer[vitals.CheckState]
}

func newSeries(info *vitals.CheckInfo) *series {
	c := attribute.String(string(CheckKey), info.Name)
	s := &series{check: metric.WithAttributeSet(attribute.NewSet(c))}
	for i, st := range checkStatuses {
		s.statuses[i] = metric.WithAttributeSet(attribute.NewSet(c, StatusKey.String(st.String())))
	}
	for i, st := range results {
		s.results[i] = metric.WithAttributeSet(attribute.NewSet(c, ResultKey.String(st.String())))
	}
	return s
}

// New creates the instruments on a meter of the options' provider and
// starts reporting m. Call [Metrics.Close] to stop.
func New(m *vitals.Monitor, opts *Options) (*Metrics, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MeterProvider == nil {
		o.MeterProvider = otel.GetMeterProvider()
	}
	if len(o.Buckets) == 0 {
		o.Buckets = DefaultBuckets
	}
	if o.OverallGroup == "" {
		o.OverallGroup = "all"
	}
	meter := o.MeterProvider.Meter(ScopeName)
	x := &Metrics{mon: m, overall: o.OverallGroup, series: checkseries.New(newSeries), groups: map[string]*[5]metric.ObserveOption{}}
	var errs [10]error
	x.status, errs[0] = meter.Int64ObservableGauge("vitals.check.status", metric.WithUnit("{status}"),
		metric.WithDescription("Effective status of the check as a state set: 1 for the current vitals.status (unknown, pass, warn, fail), 0 for the others."))
	x.enabled, errs[1] = meter.Int64ObservableGauge("vitals.check.enabled", metric.WithUnit("{check}"),
		metric.WithDescription("Whether the check is enabled (1) or disabled (0); a disabled check keeps its last status but counts in no group."))
	x.consecutive, errs[2] = meter.Int64ObservableGauge("vitals.check.consecutive_failures", metric.WithUnit("{failure}"),
		metric.WithDescription("Failed results since the check's last pass or warn."))
	x.lastSuccess, errs[3] = meter.Float64ObservableGauge("vitals.check.last_success_time", metric.WithUnit("s"),
		metric.WithDescription("Unix time of the check's last pass or warn result; not reported until there is one."))
	x.runs, errs[4] = meter.Int64ObservableCounter("vitals.check.runs", metric.WithUnit("{run}"),
		metric.WithDescription("Results the check has recorded, by vitals.check.result (pass, warn, fail; timeouts and panics are fail)."))
	x.timeouts, errs[5] = meter.Int64ObservableCounter("vitals.check.timeouts", metric.WithUnit("{timeout}"),
		metric.WithDescription("Runs of the check abandoned at its timeout."))
	x.groupStatus, errs[6] = meter.Int64ObservableGauge("vitals.group.status", metric.WithUnit("{status}"),
		metric.WithDescription("Status of a group of checks as a state set: 1 for the current vitals.status (pass, warn, fail, starting, stopping), 0 for the others. vitals.group.name=\""+o.OverallGroup+"\" is the whole service."))
	x.groupScore, errs[9] = meter.Float64ObservableGauge("vitals.health.score", metric.WithUnit("1"),
		metric.WithDescription("Mean health score (0 to 1) of the group's enabled checks that have run; a check's score weighs recent results more and counts a warning half. Not reported until one has run. vitals.group.name=\""+o.OverallGroup+"\" is the whole service."))
	x.duration, errs[7] = meter.Float64Histogram("vitals.check.duration", metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(o.Buckets...),
		metric.WithDescription("Duration of the check's runs, timed-out runs counted at their timeout."))
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	x.reg, errs[8] = meter.RegisterCallback(x.collect, x.status, x.enabled, x.consecutive, x.lastSuccess, x.runs, x.timeouts, x.groupStatus, x.groupScore)
	if errs[8] != nil {
		return nil, errs[8]
	}
	x.remove = m.Observe(x.observe)
	return x, nil
}

// Close stops reporting: the callback is unregistered and results are no
// longer recorded. It is idempotent.
func (x *Metrics) Close() error {
	var err error
	x.once.Do(func() {
		x.remove()
		err = x.reg.Unregister()
	})
	return err
}

// observe is the Observe hook. It runs with the check's lock held, on the
// goroutine that recorded the result, so it does no more than a map load,
// an atomic store and the histogram's record.
func (x *Metrics) observe(st *vitals.CheckState) {
	s := x.series.Load(st.CheckInfo)
	s.last.Store(st)
	// A max-age expiry marks the old result stale; it is no run.
	if !st.Stale {
		x.duration.Record(context.Background(), st.Last.Duration.Seconds(), s.check)
	}
}

// collect is the callback of the observable instruments: it reads the
// monitor's snapshot, an atomic load that runs no check.
func (x *Metrics) collect(_ context.Context, o metric.Observer) error {
	gen := x.series.Begin()
	snap := x.mon.Snapshot()
	for st := range snap.Checks("") {
		x.observeCheck(o, st)
	}
	x.observeGroups(o, snap)
	x.series.Sweep(snap, gen)
	return nil
}

func (x *Metrics) observeCheck(o metric.Observer, st *vitals.CheckState) {
	s := x.series.Load(st.CheckInfo)
	for i, w := range checkStatuses {
		o.ObserveInt64(x.status, b2i(st.Status == w), s.statuses[i])
	}
	o.ObserveInt64(x.enabled, b2i(st.Enabled), s.check)
	stats := st.Stats
	if l := s.last.Load(); l != nil && l.Stats.Runs() > stats.Runs() {
		stats = l.Stats
	}
	o.ObserveInt64(x.runs, int64(stats.Passes), s.results[0])
	o.ObserveInt64(x.runs, int64(stats.Warnings), s.results[1])
	o.ObserveInt64(x.runs, int64(stats.Failures), s.results[2])
	o.ObserveInt64(x.timeouts, int64(stats.Timeouts), s.check)
	o.ObserveInt64(x.consecutive, int64(stats.ConsecutiveFailures()), s.check)
	if !stats.LastSuccess().IsZero() {
		o.ObserveFloat64(x.lastSuccess, float64(stats.LastSuccess().UnixNano())/1e9, s.check)
	}
}

func (x *Metrics) observeGroups(o metric.Observer, snap *vitals.Snapshot) {
	names := append([]string{x.overall}, slices.DeleteFunc(snap.Groups(), func(n string) bool { return n == x.overall })...)
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, name := range names {
		g, _ := snap.Group(name)
		if name == x.overall {
			g, _ = snap.Group("")
		}
		sets := x.groupSetsLocked(name)
		for i, w := range groupStatuses {
			o.ObserveInt64(x.groupStatus, b2i(g.Status == w), sets[i])
		}
		if sc, ok := score.Of(snap, g.Name); ok {
			o.ObserveFloat64(x.groupScore, sc, metric.WithAttributes(GroupKey.String(name)))
		}
	}
	// Forget groups that have no member left.
	for name := range x.groups {
		if !slices.Contains(names, name) {
			delete(x.groups, name)
		}
	}
}

// groupSetsLocked returns the attribute sets of a group's state set. x.mu
// must be held.
func (x *Metrics) groupSetsLocked(name string) *[5]metric.ObserveOption {
	if sets, ok := x.groups[name]; ok {
		return sets
	}
	sets := new([5]metric.ObserveOption)
	g := GroupKey.String(name)
	for i, w := range groupStatuses {
		sets[i] = metric.WithAttributeSet(attribute.NewSet(g, StatusKey.String(w.String())))
	}
	x.groups[name] = sets
	return sets
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
