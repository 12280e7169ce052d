package main

import (
	"time"

	"github.com/vitalsgo/vitals/bench/internal/libs"
	"github.com/vitalsgo/vitals/bench/internal/load"
	"github.com/vitalsgo/vitals/bench/internal/report"
)

// Settings of the hang scenario: the check's interval (or TTL) and timeout.
const (
	hangPeriod  = time.Second
	hangTimeout = 500 * time.Millisecond
	// hangGrace is how long probes may run past their schedule, for a
	// library whose probes queue behind the hung check.
	hangGrace = 5 * time.Second
)

// hang is scenario 4: one check whose dependency answers once and then never
// returns (it ignores its context). After the first pass, probes are sent
// from a few goroutines back to back; the report gives their latency, what
// they answered (a hung dependency should turn readiness 503, not leave a
// stale pass) and how the goroutine count grew. The probes are paced over a
// fixed time, since a library that leaks a goroutine per run leaks with time,
// not with probes.
func (r *runner) hang() error {
	for _, lib := range r.libs {
		for _, mode := range libs.Modes(lib) {
			row := report.HangRow{Lib: lib, Mode: string(mode)}
			r.hangOne(&row)
			r.log("hang %s %s: %d probes in %.1fs, p50 %.2fms p99 %.2fms, codes %v, goroutines %d -> %d %s",
				lib, mode, row.Probes, row.Seconds, row.P50, row.P99, row.Codes, row.GoroutinesA, row.GoroutinesB, row.Err)
			r.res.Hang = append(r.res.Hang, row)
		}
	}
	return nil
}

func (r *runner) hangOne(row *report.HangRow) {
	s, err := startHealthy(r.bin, serverArgs{Lib: row.Lib, Args: []string{
		"--scenario", "hang", "--checks", "1", "--mode", row.Mode,
		"--interval", hangPeriod.String(), "--ttl", hangPeriod.String(), "--timeout", hangTimeout.String(),
	}}, 10*time.Second)
	if err != nil {
		row.Err = err.Error()
		return
	}
	defer s.stop()
	// Let the next run start and hang, and outlive its timeout.
	time.Sleep(hangPeriod + hangTimeout + 500*time.Millisecond)
	st0, err := s.stats()
	if err != nil {
		row.Err = err.Error()
		return
	}
	c := load.NewClient(r.cfg.hangConc, 30*time.Second)
	t0 := time.Now()
	res := load.Paced(ctx, c, s.URL(), r.cfg.hangProbes, r.cfg.hangConc, r.cfg.hangOver, r.cfg.hangOver+hangGrace)
	row.Seconds = time.Since(t0).Seconds()
	// Count goroutines once the probe connections are gone, so that only
	// what the library keeps is left: close them and let the server's
	// handlers finish.
	c.CloseIdleConnections()
	time.Sleep(time.Second)
	st1, err := s.stats()
	if err != nil {
		row.Err = err.Error()
		return
	}
	row.Probes = res.Count()
	row.Codes = codes(res.Codes())
	row.P50 = ms(res.Percentile(50))
	row.P99 = ms(res.Percentile(99))
	row.GoroutinesA, row.GoroutinesB = st0.Goroutines, st1.Goroutines
}
