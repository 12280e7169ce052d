package vitalsprom_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalsprom"
)

func Example() {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("db", vitals.CheckFunc(func(context.Context) error { return nil }))
	m.Add("cache", vitals.CheckFunc(func(context.Context) error {
		return errors.New("connection refused")
	}), vitals.Critical(false))

	c := vitalsprom.New(m, nil)
	defer c.Close()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))

	m.RunOnce(context.Background()) // in a service: m.Start()

	// What Prometheus scrapes; a scrape never runs a check.
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for line := range strings.Lines(rec.Body.String()) {
		if strings.HasSuffix(line, " 1\n") && (strings.HasPrefix(line, "vitals_check_status") || strings.HasPrefix(line, `vitals_status{group="readiness"`)) {
			fmt.Print(line)
		}
	}
	// Output:
	// vitals_check_status{check="cache",status="fail"} 1
	// vitals_check_status{check="db",status="pass"} 1
	// vitals_status{group="readiness",status="warn"} 1
}

// A service label on every series tells services apart when one Prometheus
// job scrapes several; Buckets fit the histogram to the checks' durations.
func ExampleNew_options() {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("db", vitals.CheckFunc(func(context.Context) error { return nil }))
	c := vitalsprom.New(m, &vitalsprom.Options{
		ConstLabels: prometheus.Labels{"service": "orders"},
		Buckets:     []float64{.01, .1, 1, 10},
	})
	defer c.Close()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	m.RunOnce(context.Background())

	mfs, _ := reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() == "vitals_check_duration_seconds" {
			for _, b := range mf.GetMetric()[0].GetHistogram().GetBucket() {
				fmt.Println("le", b.GetUpperBound())
			}
		}
		if mf.GetName() == "vitals_check_status" {
			for _, mt := range mf.GetMetric() {
				if mt.GetGauge().GetValue() == 1 {
					var pairs []string
					for _, l := range mt.GetLabel() {
						pairs = append(pairs, l.GetName()+"="+l.GetValue())
					}
					fmt.Println(strings.Join(pairs, " "))
				}
			}
		}
	}
	// Output:
	// le 0.01
	// le 0.1
	// le 1
	// le 10
	// check=db service=orders status=pass
}
