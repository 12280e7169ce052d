package vitalsprom_test

import (
	"io"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/vitalsprom"
)

// benchRegistry is a plain registry (the pedantic one would add its
// checks to every gather) with a collector of a monitor of 100 checks.
func benchRegistry(b *testing.B) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	monitortest.HundredChecks(b, func(m *vitals.Monitor) {
		c := vitalsprom.New(m, nil)
		b.Cleanup(c.Close)
		reg.MustRegister(c)
	})
	return reg
}

// BenchmarkGather100 is the collector's share of a scrape: reading the
// snapshot and building 100 checks' series (about 2,300).
func BenchmarkGather100(b *testing.B) {
	reg := benchRegistry(b)
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
	reg := benchRegistry(b)
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	req := httptest.NewRequest("GET", "/metrics", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		io.Copy(io.Discard, rec.Body)
	}
}
