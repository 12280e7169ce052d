package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/vitalsgo/vitals/bench/internal/libs"
	"github.com/vitalsgo/vitals/bench/internal/procstat"
	"github.com/vitalsgo/vitals/bench/internal/report"
)

// scaleInterval is the interval of every check in the scale scenario.
const scaleInterval = 10 * time.Second

// scale is scenario 2: N periodic no-op checks at a 10s interval, their
// first runs spread over one interval in every library. It measures the
// registration time, then CPU (share of one core), RSS, goroutines and
// threads over a steady-state window, one process at a time.
func (r *runner) scale() error {
	type job struct {
		lib string
		n   int
	}
	var jobs []job
	for _, n := range r.cfg.scaleN {
		for _, lib := range r.libs {
			jobs = append(jobs, job{lib, n})
		}
	}
	if containsLib(r.libs, "vitals") {
		for _, n := range r.cfg.scaleVitalsN {
			jobs = append(jobs, job{"vitals", n})
		}
	}
	for _, j := range jobs {
		row := report.ScaleRow{Lib: j.lib, Checks: j.n, WantRuns: float64(j.n) / scaleInterval.Seconds()}
		if !libs.Supports(j.lib, libs.Periodic) {
			row.Status = "n/a"
			row.Err = "no periodic checks: every probe runs every check"
			r.res.Scale = append(r.res.Scale, row)
			continue
		}
		r.scaleOne(&row)
		r.log("scale %s %d: %s reg=%.2fs cpu=%.1f%% rss=%.0fMB goroutines=%d runs/s=%.0f %s",
			j.lib, j.n, row.Status, row.Register, row.CPU, row.RSSMB, row.Goroutines, row.RunsPerSec, row.Err)
		r.res.Scale = append(r.res.Scale, row)
	}
	return nil
}

func (r *runner) scaleOne(row *report.ScaleRow) {
	s, err := start(r.bin, serverArgs{
		Lib:      row.Lib,
		Register: r.cfg.scaleLimit,
		Args: []string{"--scenario", "scale", "--checks", strconv.Itoa(row.Checks),
			"--mode", "periodic", "--interval", scaleInterval.String(), "--timeout", "5s", "--spread"},
	})
	if errors.Is(err, errDNF) {
		row.Status = "DNF"
		row.Err = fmt.Sprintf("registration not done within %v", r.cfg.scaleLimit)
		return
	}
	if err != nil {
		row.Status = "error"
		row.Err = err.Error()
		return
	}
	defer s.stop()
	row.Register = s.Reg.Seconds()
	time.Sleep(r.cfg.scaleSettle)

	a, err1 := s.sample()
	st0, err2 := s.stats()
	time.Sleep(r.cfg.scaleWindow)
	b, err3 := s.sample()
	st1, err4 := s.stats()
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		row.Status = "error"
		row.Err = err.Error()
		return
	}
	window := b.Time.Sub(a.Time)
	row.Status = "ok"
	row.Window = window.Seconds()
	row.CPU = procstat.CPUPercent(a, b)
	row.RSSMB = float64(b.RSS) / 1e6
	row.Threads = b.Threads
	row.Goroutines = st1.Goroutines
	row.RunsPerSec = float64(st1.Calls-st0.Calls) / window.Seconds()
}

func containsLib(l []string, lib string) bool {
	for _, x := range l {
		if x == lib {
			return true
		}
	}
	return false
}
