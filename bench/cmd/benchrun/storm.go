package main

import (
	"strconv"
	"time"

	"github.com/vitalsgo/vitals/bench/internal/libs"
	"github.com/vitalsgo/vitals/bench/internal/load"
	"github.com/vitalsgo/vitals/bench/internal/report"
)

// stormPeriod is the interval of periodic checks and the TTL of on-demand
// ones in the storm scenario: at most one dependency call per period is
// the target.
const stormPeriod = time.Second

// storm is scenario 3: rate concurrent probes at the start of every second
// against one check whose dependency call (1ms) is counted, in every mode
// each library offers.
func (r *runner) storm() error {
	for _, lib := range r.libs {
		for _, mode := range libs.Modes(lib) {
			row := report.StormRow{Lib: lib, Mode: string(mode), Seconds: float64(r.cfg.stormSecs)}
			if mode != libs.PerRequest {
				// One call per period, plus one for a period the storm
				// only partly covers.
				row.WantMax = float64(r.cfg.stormSecs)/stormPeriod.Seconds() + 1
			}
			r.stormOne(&row)
			r.log("storm %s %s: %d requests, %d dependency calls (want ≤ %.0f), p99 %.1fms %s",
				lib, mode, row.Requests, row.Calls, row.WantMax, row.P99, row.Err)
			r.res.Storm = append(r.res.Storm, row)
		}
	}
	return nil
}

func (r *runner) stormOne(row *report.StormRow) {
	s, err := startHealthy(r.bin, serverArgs{Lib: row.Lib, Args: []string{
		"--scenario", "storm", "--checks", "1", "--mode", row.Mode,
		"--interval", stormPeriod.String(), "--ttl", stormPeriod.String(), "--timeout", "1s",
	}}, 10*time.Second)
	if err != nil {
		row.Err = err.Error()
		return
	}
	defer s.stop()
	c := load.NewClient(r.cfg.stormRate, 10*time.Second)
	defer c.CloseIdleConnections()
	st0, err := s.stats()
	if err != nil {
		row.Err = err.Error()
		return
	}
	t0 := time.Now()
	res := load.Storm(ctx, c, s.URL(), r.cfg.stormRate, r.cfg.stormSecs)
	elapsed := time.Since(t0)
	st1, err := s.stats()
	if err != nil {
		row.Err = err.Error()
		return
	}
	row.Seconds = elapsed.Seconds()
	row.Requests = res.Count()
	row.Codes = codes(res.Codes())
	row.Calls = st1.Calls - st0.Calls
	row.P50 = ms(res.Percentile(50))
	row.P99 = ms(res.Percentile(99))
}

// codes turns a count per status code into JSON-friendly keys ("error" for
// requests that got no answer).
func codes(m map[int]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		key := strconv.Itoa(k)
		if k == 0 {
			key = "error"
		}
		out[key] = v
	}
	return out
}
