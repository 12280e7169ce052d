package vitalsotel_test

import (
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
)

// BenchmarkCollect100 is one collection by the SDK's manual reader of a
// monitor with 100 checks.
func BenchmarkCollect100(b *testing.B) {
	var r *reader
	monitortest.HundredChecks(b, func(m *vitals.Monitor) { r = newReader(b, m, nil) })
	b.ReportAllocs()
	for b.Loop() {
		r.collect(b)
	}
}
