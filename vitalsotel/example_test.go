package vitalsotel_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalsotel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

func Example() {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("db", vitals.CheckFunc(func(context.Context) error { return nil }))
	m.Add("cache", vitals.CheckFunc(func(context.Context) error {
		return errors.New("connection refused")
	}), vitals.Critical(false))

	// In a service the provider has a periodic reader and an exporter;
	// leave MeterProvider unset to use the global one.
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	x, err := vitalsotel.New(m, &vitalsotel.Options{MeterProvider: mp})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer x.Close()

	m.RunOnce(context.Background()) // in a service: m.Start()

	var rm metricdata.ResourceMetrics
	reader.Collect(context.Background(), &rm) // never runs a check
	for _, sm := range rm.ScopeMetrics {
		for _, mt := range sm.Metrics {
			if mt.Name != "vitals.check.status" {
				continue
			}
			for _, p := range mt.Data.(metricdata.Gauge[int64]).DataPoints {
				if p.Value == 1 {
					check, _ := p.Attributes.Value(vitalsotel.CheckKey)
					status, _ := p.Attributes.Value(vitalsotel.StatusKey)
					fmt.Println(check.AsString(), status.AsString())
				}
			}
		}
	}
	// Unordered output:
	// db pass
	// cache fail
}
