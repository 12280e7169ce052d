package vitalsotel_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
)

// BenchmarkCollect100 is one collection by the SDK's manual reader of a
// monitor with 100 checks.
func BenchmarkCollect100(b *testing.B) {
	m, _ := newMonitor(b)
	for i := range 100 {
		st := []vitals.Status{vitals.StatusPass, vitals.StatusWarn, vitals.StatusFail}[i%3]
		add(b, m, fmt.Sprintf("check-%03d", i), script(res(st, time.Duration(i)*time.Millisecond, t0)),
			vitals.Groups(vitals.Readiness, fmt.Sprintf("group-%d", i%10)))
	}
	r := newReader(b, m, nil)
	for range 3 {
		runOnce(b, m)
	}
	b.ReportAllocs()
	for b.Loop() {
		r.collect(b)
	}
}
