package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/vitalsgo/vitals/bench/internal/child"
	"github.com/vitalsgo/vitals/bench/internal/procstat"
	"github.com/vitalsgo/vitals/bench/internal/targetsrv"
	"github.com/vitalsgo/vitals/monitor/config"
	"github.com/vitalsgo/vitals/monitor/store"
)

// measure runs one monitor of n targets through its first round, the
// warm-up, the window and the pages' requests, stops it and reads its
// database.
func measure(ctx context.Context, o options, tmp string, n, rep int) (*row, error) {
	// Everything of this run dies by this deadline: the first round may
	// take three intervals before it counts as failed, and shutdown and the
	// database's reading get two minutes; the pages their windows and a
	// request's timeout.
	limit := max(o.warmup, 3*o.interval) + o.window + 2*time.Minute
	if o.pageWindow > 0 {
		limit += o.pageWindow*7/4 + pageTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	dir := filepath.Join(tmp, fmt.Sprintf("run-%d-%d", n, rep))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	r := &row{Targets: n, Run: rep, LoadBefore: procstat.LoadAvg()}

	bin, err := self()
	if err != nil {
		return nil, err
	}
	var ready struct{ Addr string }
	tgt, err := child.Start(ctx, "target server", []string{bin, "target", "-n", strconv.Itoa(n), "-deadline", limit.String()}, nil, &ready, 10*time.Second)
	if err != nil {
		return nil, err
	}
	defer tgt.Stop(5 * time.Second)

	listen, err := child.FreeAddr()
	if err != nil {
		return nil, err
	}
	file, db := filepath.Join(dir, "vitals.yaml"), filepath.Join(dir, "vitals.db")
	if err := writeConfig(file, n, ready.Addr, listen, db, o.interval, o.timeout, o.keepAlive); err != nil {
		return nil, err
	}
	cfg, err := config.Load(file)
	if err != nil {
		return nil, err
	}
	argv := []string{o.vitalsFull, "serve", "--config", file}
	profile := ""
	if o.mode == "inproc" {
		argv = []string{bin, "monitor", "-config", file, "-deadline", limit.String()}
		if o.cpuprofile != "" {
			profile = fmt.Sprintf("%s-%d-%d.pprof", o.cpuprofile, n, rep)
			if profile, err = filepath.Abs(profile); err != nil {
				return nil, err
			}
			argv = append(argv, "-cpuprofile", profile)
		}
	}
	t0 := time.Now()
	mon, err := child.Start(ctx, "monitor", argv, nil, nil, 0)
	if err != nil {
		return nil, err
	}
	defer mon.Stop(5 * time.Second)

	if err := firstRound(ctx, r, mon, ready.Addr, t0, 3*o.interval); err != nil {
		return nil, err
	}
	if err := sleepUntil(ctx, t0.Add(o.warmup)); err != nil {
		return nil, err
	}
	if err := window(ctx, r, o, mon, ready.Addr, listen, db, profile); err != nil {
		return nil, err
	}
	if o.pageWindow > 0 {
		if err := pages(ctx, r, o, mon, listen); err != nil {
			return nil, err
		}
		if profile != "" {
			// The heap after the pages, written before the monitor stops.
			mon.Signal(syscall.SIGUSR2)
			time.Sleep(3 * time.Second)
		}
	}
	stopped, err := mon.Stop(60 * time.Second)
	r.ShutdownS = stopped.Seconds()
	if err != nil {
		return nil, fmt.Errorf("monitor did not stop cleanly: %w: %s", err, mon.Tail)
	}
	if r.Rows, err = measureRows(ctx, db); err != nil {
		return nil, err
	}
	keep := store.Retention{Raw: cfg.Retention.Raw, Minute: cfg.Retention.Minute, Hour: cfg.Retention.Hour}
	r.Retention = fmt.Sprintf("raw %v, minute %v, hour %v", days(keep.Raw), days(keep.Minute), days(keep.Hour))
	r.Model = project(n, o.interval, r.Rows, keep)
	r.LoadAfter = procstat.LoadAvg()
	return r, nil
}

// firstRound waits until every target was asked once, or limit after t0.
func firstRound(ctx context.Context, r *row, mon *child.Child, addr string, t0 time.Time, limit time.Duration) error {
	r.AllProbedS = -1
	for {
		st, err := targetsrv.Fetch(addr, true)
		if err != nil {
			return err
		}
		if st.FirstMin != 0 {
			r.FirstProbeS = time.Unix(0, st.FirstMin).Sub(t0).Seconds()
		}
		r.Unprobed = r.Targets - st.Seen
		if st.Seen == r.Targets {
			r.AllProbedS = time.Unix(0, st.FirstMax).Sub(t0).Seconds()
			return nil
		}
		if mon.Exited() {
			return fmt.Errorf("monitor exited: %v: %s", mon.Err(), mon.Tail)
		}
		if time.Since(t0) > limit {
			logf("%d of %d targets not probed %v after the start", r.Unprobed, r.Targets, limit)
			return nil
		}
		if err := sleepUntil(ctx, time.Now().Add(100*time.Millisecond)); err != nil {
			return err
		}
	}
}

// window measures the monitor from outside over o.window: its CPU and RSS,
// the probes the target server counted, the results stored and the
// database's growth. The checkpoints lie outside the CPU samples, so their
// cost to the monitor is not counted. /metrics is scraped once, after the
// window: with vitalsprom's series of every target, a scrape costs the
// monitor CPU and memory of its own (RSSScrapedMB).
func window(ctx context.Context, r *row, o options, mon *child.Child, addr, listen, db, profile string) error {
	size0, rows0, err := checkpoint(ctx, db)
	if err != nil {
		return err
	}
	if err := targetsrv.MarkGaps(addr); err != nil {
		return err
	}
	s0, err := targetsrv.Fetch(addr, false)
	if err != nil {
		return err
	}
	p0, err := procstat.Read(mon.Pid)
	if err != nil {
		return err
	}
	if profile != "" {
		mon.Signal(syscall.SIGUSR1)
	}
	end := p0.Time.Add(o.window)
	var rssMax int64
	p1 := p0
	for p1.Time.Before(end) {
		next := time.Now().Add(time.Second)
		if next.After(end) {
			next = end
		}
		if err := sleepUntil(ctx, next); err != nil {
			return err
		}
		if p1, err = procstat.Read(mon.Pid); err != nil {
			return fmt.Errorf("monitor: %w: %s", err, mon.Tail)
		}
		rssMax = max(rssMax, p1.RSS)
	}
	s1, err := targetsrv.Fetch(addr, false)
	if err != nil {
		return err
	}
	size1, rows1, err := checkpoint(ctx, db)
	if err != nil {
		return err
	}
	if profile != "" {
		mon.Signal(syscall.SIGUSR2)
		// The heap profile is written after a collection: before the
		// scrape below allocates.
		if err := sleepUntil(ctx, time.Now().Add(2*time.Second)); err != nil {
			return err
		}
	}
	m1, err := scrapeStore(listen)
	if err != nil {
		return err
	}
	scraped, err := procstat.Read(mon.Pid)
	if err != nil {
		return err
	}

	wall := p1.Time.Sub(p0.Time)
	r.WindowS = wall.Seconds()
	r.Probes = s1.Total - s0.Total
	r.CPUS = (p1.CPU - p0.CPU).Seconds()
	r.SystemS = (p1.System - p0.System).Seconds()
	r.CPUPercent = procstat.CPUPercent(p0, p1)
	if r.Probes > 0 {
		r.CPUPerProbeMS = 1e3 * r.CPUS / float64(r.Probes)
	}
	r.RSSMaxMB, r.RSSScrapedMB, r.Threads = mb(rssMax), mb(scraped.RSS), p1.Threads
	per := make([]int64, len(s1.Counts))
	for i := range per {
		per[i] = s1.Counts[i] - s0.Counts[i]
	}
	r.PerTargetMin, r.PerTargetMax = slices.Min(per), slices.Max(per)
	r.MaxGapS = float64(slices.Max(s1.GapsMS)) / 1e3
	for _, g := range s1.GapsMS {
		if time.Duration(g)*time.Millisecond > o.interval*3/2 {
			r.Late++
		}
	}
	r.Written, r.Dropped, r.Failures = rows1-rows0, m1.Dropped, m1.Failures
	r.QueuedEnd = m1.Queued
	r.DBGrowth = size1 - size0
	r.DBPerDay = float64(r.DBGrowth) / wall.Seconds() * day.Seconds()
	return nil
}

// sleepUntil sleeps until t or the end of ctx.
func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

// days shows a retention in days, "forever" for 0.
func days(d time.Duration) string {
	if d <= 0 {
		return "forever"
	}
	return fmt.Sprintf("%gd", d.Hours()/24)
}
