package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/monitor/store/storetest"
)

// BenchmarkAppend is the writer's transaction as `vitals serve` runs it at
// 10,000 targets every 10 s: a batch of 1,000 results a second, each
// target's next result, one in a hundred a failure that changes its
// interval. An op is a batch; ns/result is what a probe pays for its
// storage. The CPU of the database server is not counted on PostgreSQL.
//
//	cd monitor && go test -run '^$' -bench BenchmarkAppend -benchtime 200x ./store/
func BenchmarkAppend(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		benchAppend(b, filepath.Join(b.TempDir(), "vitals.db"))
	})
	b.Run("postgres", func(b *testing.B) {
		testservice.Require(b, "PostgreSQL", testservice.PostgresAddr)
		benchAppend(b, storetest.FreshPostgres(b))
	})
}

func benchAppend(b *testing.B, dsn string) {
	const targets, batch = 10_000, 1_000
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	names := make([]string, targets)
	for i := range names {
		names[i] = fmt.Sprintf("target-%05d", i)
	}
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	n := 0 // results appended
	next := func() []store.Result {
		rs := make([]store.Result, batch)
		for i := range rs {
			round, t := n/targets, n%targets
			r := store.Result{Target: names[t], At: t0.Add(time.Duration(round)*10*time.Second + time.Duration(t)*time.Millisecond),
				Status: vitals.StatusPass, Latency: 2 * time.Millisecond, Code: 200, Message: "200 OK", Expect: 15 * time.Second}
			if (round+t)%100 == 0 {
				r.Status, r.Message = vitals.StatusFail, "503 Service Unavailable"
			}
			rs[i] = r
			n++
		}
		return rs
	}
	for range 2 * targets / batch { // two rounds: every target has an open interval
		if err := s.Append(ctx, next()); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if err := s.Append(ctx, next()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/result")
}
