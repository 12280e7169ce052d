package vitalsotel_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalsotel"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// reader is an SDK meter provider with a manual reader, and the Metrics
// reporting m through it.
type reader struct {
	*sdkmetric.ManualReader
	metrics *vitalsotel.Metrics
}

func newReader(t testing.TB, m *vitals.Monitor, opts *vitalsotel.Options) *reader {
	t.Helper()
	r := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r))
	var o vitalsotel.Options
	if opts != nil {
		o = *opts
	}
	o.MeterProvider = mp
	x, err := vitalsotel.New(m, &o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := x.Close(); err != nil {
			t.Error(err)
		}
		if err := mp.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return &reader{ManualReader: r, metrics: x}
}

func (r *reader) collect(t testing.TB) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	return rm
}

// point is one data point flattened for assertions: a counter or gauge
// value, or a histogram's count.
type point struct {
	metric string
	attrs  attribute.Set
	value  float64
}

func points(rm metricdata.ResourceMetrics) []point {
	var out []point
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Gauge[int64]:
				for _, p := range d.DataPoints {
					out = append(out, point{m.Name, p.Attributes, float64(p.Value)})
				}
			case metricdata.Gauge[float64]:
				for _, p := range d.DataPoints {
					out = append(out, point{m.Name, p.Attributes, p.Value})
				}
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out = append(out, point{m.Name, p.Attributes, float64(p.Value)})
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					out = append(out, point{m.Name, p.Attributes, float64(p.Count)})
				}
			}
		}
	}
	return out
}

// value returns the value of the one point of metric whose attributes
// include every pair of want.
func value(t testing.TB, r *reader, metric string, want ...attribute.KeyValue) float64 {
	t.Helper()
	var found []float64
	for _, p := range points(r.collect(t)) {
		if p.metric != metric {
			continue
		}
		match := true
		for _, kv := range want {
			if v, ok := p.attrs.Value(kv.Key); !ok || v != kv.Value {
				match = false
			}
		}
		if match {
			found = append(found, p.value)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s%v: %d points, want 1", metric, want, len(found))
	}
	return found[0]
}

// dump writes the collected metrics as sorted text, one line per data
// point, without start and collection times: the golden file's format.
func dump(rm metricdata.ResourceMetrics) string {
	var b strings.Builder
	for _, sm := range rm.ScopeMetrics {
		fmt.Fprintf(&b, "scope %s\n", sm.Scope.Name)
		ms := slices.Clone(sm.Metrics)
		slices.SortFunc(ms, func(a, b metricdata.Metrics) int { return strings.Compare(a.Name, b.Name) })
		for _, m := range ms {
			var lines []string
			kind := ""
			switch d := m.Data.(type) {
			case metricdata.Gauge[int64]:
				kind = "gauge"
				for _, p := range d.DataPoints {
					lines = append(lines, fmt.Sprintf("%s %d", attrs(p.Attributes), p.Value))
				}
			case metricdata.Gauge[float64]:
				kind = "gauge"
				for _, p := range d.DataPoints {
					lines = append(lines, fmt.Sprintf("%s %g", attrs(p.Attributes), p.Value))
				}
			case metricdata.Sum[int64]:
				kind = fmt.Sprintf("sum monotonic=%t %s", d.IsMonotonic, d.Temporality)
				for _, p := range d.DataPoints {
					lines = append(lines, fmt.Sprintf("%s %d", attrs(p.Attributes), p.Value))
				}
			case metricdata.Histogram[float64]:
				kind = fmt.Sprintf("histogram %s", d.Temporality)
				for _, p := range d.DataPoints {
					lines = append(lines, fmt.Sprintf("%s count=%d sum=%g bounds=%v counts=%v", attrs(p.Attributes), p.Count, p.Sum, p.Bounds, p.BucketCounts))
				}
			default:
				kind = fmt.Sprintf("%T", d)
			}
			slices.Sort(lines)
			fmt.Fprintf(&b, "\n%s %s unit=%q\n# %s\n", m.Name, kind, m.Unit, m.Description)
			for _, l := range lines {
				fmt.Fprintf(&b, "  %s\n", l)
			}
		}
	}
	return b.String()
}

func attrs(s attribute.Set) string {
	var parts []string
	for _, kv := range s.ToSlice() {
		parts = append(parts, fmt.Sprintf("%s=%q", kv.Key, kv.Value.String()))
	}
	return "{" + strings.Join(parts, ",") + "}"
}
