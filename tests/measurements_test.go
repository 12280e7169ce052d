package tests

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/vitalsotel"
	"github.com/vitalsgo/vitals/vitalsprom"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// otelToProm names, for each OpenTelemetry instrument of vitalsotel, the
// Prometheus family of vitalsprom with the same measurement. The two
// follow their own conventions (dots and units in the unit field; "_"
// with the unit and _total in the name), so the names differ and the
// meaning must not.
var otelToProm = map[string]string{
	"vitals.check.status":               "vitals_check_status",
	"vitals.check.enabled":              "vitals_check_enabled",
	"vitals.check.duration":             "vitals_check_duration_seconds",
	"vitals.check.runs":                 "vitals_check_runs_total",
	"vitals.check.timeouts":             "vitals_check_timeouts_total",
	"vitals.check.consecutive_failures": "vitals_check_consecutive_failures",
	"vitals.check.last_success_time":    "vitals_check_last_success_timestamp_seconds",
	"vitals.group.status":               "vitals_status",
	"vitals.health.score":               "vitals_health_score",
}

// otelToLabel maps vitalsotel's attribute keys to vitalsprom's labels.
var otelToLabel = map[attribute.Key]string{
	vitalsotel.CheckKey:  "check",
	vitalsotel.GroupKey:  "group",
	vitalsotel.StatusKey: "status",
	vitalsotel.ResultKey: "result",
}

// measurements is one surface's output as series key -> value, where a
// key is the Prometheus name and sorted labels, and a histogram is its
// count, sum and cumulative bucket counts.
type measurements map[string]string

func seriesKey(name string, labels map[string]string) string {
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		pairs = append(pairs, fmt.Sprintf("%s=%q", k, labels[k]))
	}
	return name + "{" + strings.Join(pairs, ",") + "}"
}

// num renders a value so that both surfaces' float arithmetic compares
// equal: nine significant digits are more than any value here has.
func num(v float64) string { return fmt.Sprintf("%.9g", v) }

func histogram(count uint64, sum float64, cum []uint64) string {
	return fmt.Sprintf("count=%d sum=%s buckets=%v", count, num(sum), cum)
}

func fromProm(t *testing.T, reg *prometheus.Registry) measurements {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := measurements{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			key := seriesKey(mf.GetName(), labels)
			switch {
			case m.GetHistogram() != nil:
				h := m.GetHistogram()
				// The SDK has no stream for a check that never ran (it
				// was never recorded); Prometheus shows it empty.
				if h.GetSampleCount() == 0 {
					continue
				}
				var cum []uint64
				for _, b := range h.GetBucket() {
					cum = append(cum, b.GetCumulativeCount())
				}
				out[key] = histogram(h.GetSampleCount(), h.GetSampleSum(), cum)
			case m.GetCounter() != nil:
				out[key] = num(m.GetCounter().GetValue())
			case m.GetGauge() != nil:
				out[key] = num(m.GetGauge().GetValue())
			default:
				t.Errorf("%s: unexpected metric type %v", key, mf.GetType())
			}
		}
	}
	return out
}

func fromOTel(t *testing.T, rd *sdkmetric.ManualReader) measurements {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := rd.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := measurements{}
	for _, sm := range rm.ScopeMetrics {
		for _, mt := range sm.Metrics {
			name, ok := otelToProm[mt.Name]
			if !ok {
				t.Errorf("vitalsotel reports %s, which has no vitalsprom counterpart", mt.Name)
				continue
			}
			key := func(set attribute.Set) string {
				labels := map[string]string{}
				for _, kv := range set.ToSlice() {
					l, ok := otelToLabel[kv.Key]
					if !ok {
						t.Errorf("%s: attribute %s has no vitalsprom label", mt.Name, kv.Key)
					}
					labels[l] = kv.Value.String()
				}
				return seriesKey(name, labels)
			}
			switch d := mt.Data.(type) {
			case metricdata.Gauge[int64]:
				for _, p := range d.DataPoints {
					out[key(p.Attributes)] = num(float64(p.Value))
				}
			case metricdata.Gauge[float64]:
				for _, p := range d.DataPoints {
					out[key(p.Attributes)] = num(p.Value)
				}
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out[key(p.Attributes)] = num(float64(p.Value))
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					// Prometheus buckets are cumulative and leave +Inf to
					// the count.
					var cum []uint64
					var n uint64
					for _, c := range p.BucketCounts[:len(p.Bounds)] {
						n += c
						cum = append(cum, n)
					}
					out[key(p.Attributes)] = histogram(p.Count, p.Sum, cum)
				}
			default:
				t.Errorf("%s: unexpected data %T", mt.Name, d)
			}
		}
	}
	return out
}

// TestSameMeasurements reads the golden scenario of vitalsprom and
// vitalsotel (a check in every status, a timeout, a disabled check,
// custom groups) through both at once: every series of one is a data point
// of the other with the same value, and neither reports a measurement the
// other lacks.
func TestSameMeasurements(t *testing.T) {
	reg := prometheus.NewRegistry()
	rd := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(rd))
	t.Cleanup(func() { mp.Shutdown(context.Background()) })
	monitortest.Scenario(t, func(m *vitals.Monitor) {
		c := vitalsprom.New(m, nil)
		t.Cleanup(c.Close)
		reg.MustRegister(c)
		x, err := vitalsotel.New(m, &vitalsotel.Options{MeterProvider: mp})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { x.Close() })
	})

	prom, otel := fromProm(t, reg), fromOTel(t, rd)
	for _, k := range slices.Sorted(maps.Keys(prom)) {
		if v, ok := otel[k]; !ok {
			t.Errorf("%s %s: not reported by vitalsotel", k, prom[k])
		} else if v != prom[k] {
			t.Errorf("%s: Prometheus %s, OpenTelemetry %s", k, prom[k], v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(otel)) {
		if _, ok := prom[k]; !ok {
			t.Errorf("%s %s: not exported by vitalsprom", k, otel[k])
		}
	}
	// Every family of both is in the scenario, so a measurement dropped
	// from both at once shows up too.
	names := map[string]bool{}
	for k := range prom {
		names[k[:strings.IndexByte(k, '{')]] = true
	}
	for _, want := range otelToProm {
		if !names[want] {
			t.Errorf("%s is not exported", want)
		}
	}
}
