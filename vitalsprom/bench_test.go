package vitalsprom_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalsprom"
)

// benchMonitor has 100 checks that have each run a few times.
func benchMonitor(b *testing.B) *vitals.Monitor {
	m, _ := newMonitor(b)
	for i := range 100 {
		st := []vitals.Status{vitals.StatusPass, vitals.StatusWarn, vitals.StatusFail}[i%3]
		add(b, m, fmt.Sprintf("check-%03d", i), script(res(st, time.Duration(i)*time.Millisecond, t0)),
			vitals.Groups(vitals.Readiness, fmt.Sprintf("group-%d", i%10)))
	}
	for range 3 {
		runOnce(b, m)
	}
	return m
}

// BenchmarkGather100 is the collector's share of a scrape: reading the
// snapshot and building 100 checks' series (about 2,300).
func BenchmarkGather100(b *testing.B) {
	m := benchMonitor(b)
	c := vitalsprom.New(m, nil)
	defer c.Close()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := reg.Gather(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScrape100 is a whole /metrics request through promhttp, text
// format, without the network.
func BenchmarkScrape100(b *testing.B) {
	m := benchMonitor(b)
	c := vitalsprom.New(m, nil)
	defer c.Close()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	req := httptest.NewRequest("GET", "/metrics", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		io.Copy(io.Discard, rec.Body)
	}
}
