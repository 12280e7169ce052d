package main

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// results is what a servebench run writes to its JSON file.
type results struct {
	Started  time.Time `json:"started"`
	Mode     string    `json:"mode"`
	Interval string    `json:"interval"`
	Timeout  string    `json:"timeout"`
	// KeepAlive is every target's keep_alive, empty for the default.
	KeepAlive string `json:"keep_alive,omitempty"`
	Warmup    string `json:"warmup"`
	Window    string `json:"window"`
	// PageWindow is how long / was asked after the window (the API half
	// of it, the badge a quarter).
	PageWindow string `json:"page_window"`
	Runs       []*row `json:"runs"`
}

// row is one run of one size.
type row struct {
	Targets    int    `json:"targets"`
	Run        int    `json:"run"`
	LoadBefore string `json:"load_before"`
	LoadAfter  string `json:"load_after"`

	// The first round, from the monitor's exec.
	FirstProbeS float64 `json:"first_probe_s"`
	AllProbedS  float64 `json:"all_probed_s"` // -1: not within three intervals
	Unprobed    int     `json:"unprobed"`     // targets not probed by then

	// The window.
	WindowS       float64 `json:"window_s"`
	Probes        int64   `json:"probes"` // requests the target server counted
	PerTargetMin  int64   `json:"per_target_min"`
	PerTargetMax  int64   `json:"per_target_max"`
	MaxGapS       float64 `json:"max_gap_s"` // longest time between two probes of one target
	Late          int     `json:"late"`      // targets with a gap over 1.5 intervals
	CPUS          float64 `json:"cpu_s"`
	CPUPercent    float64 `json:"cpu_percent"` // of one core
	CPUPerProbeMS float64 `json:"cpu_per_probe_ms"`
	// SystemS is the part of CPUS spent in the kernel: on loopback it
	// holds most of the TCP work of both ends of each connection.
	SystemS      float64 `json:"system_s"`
	RSSMaxMB     float64 `json:"rss_max_mb"`
	RSSScrapedMB float64 `json:"rss_scraped_mb"` // after one /metrics scrape past the window
	Threads      int     `json:"threads"`
	Written      int64   `json:"written"`  // results stored in the window
	Dropped      float64 `json:"dropped"`  // since the start
	Failures     float64 `json:"failures"` // failed store transactions since the start
	QueuedEnd    float64 `json:"queued_end"`
	DBGrowth     int64   `json:"db_growth_bytes"` // checkpointed file, over the window
	DBPerDay     float64 `json:"db_per_day_bytes"`

	// The floor (-floor): a bare loop's probes of as many targets, measured
	// over as long a window right after the monitor's run.
	FloorProbes     int64   `json:"floor_probes,omitempty"`
	FloorCPUS       float64 `json:"floor_cpu_s,omitempty"`
	FloorSystemS    float64 `json:"floor_system_s,omitempty"`
	FloorPerProbeMS float64 `json:"floor_cpu_per_probe_ms,omitempty"`

	// After the window: the status page, the API and a badge.
	Pages []endpoint `json:"pages,omitempty"`

	ShutdownS float64    `json:"shutdown_s"`
	Rows      rowBytes   `json:"rows"`
	Retention string     `json:"retention"`
	Model     projection `json:"model"`
}

// print writes one run's numbers as they come.
func (r *row) print(w io.Writer) {
	fmt.Fprintf(w, "  first probe %.2fs, all %d probed at %s; window %.0fs: %d probes (%d–%d per target, max gap %.1fs, %d late)\n",
		r.FirstProbeS, r.Targets-r.Unprobed, secs(r.AllProbedS), r.WindowS, r.Probes, r.PerTargetMin, r.PerTargetMax, r.MaxGapS, r.Late)
	fmt.Fprintf(w, "  CPU %.2fs (%.2fs of it in the kernel) = %.1f%% of a core, %.3f ms per probe; RSS max %.1f MB (%.1f MB after a /metrics scrape), %d threads\n",
		r.CPUS, r.SystemS, r.CPUPercent, r.CPUPerProbeMS, r.RSSMaxMB, r.RSSScrapedMB, r.Threads)
	if r.FloorProbes > 0 {
		fmt.Fprintf(w, "  floor: a bare loop's %d probes took %.2fs (%.2fs of it in the kernel), %.3f ms per probe; the monitor's own %.3f ms\n",
			r.FloorProbes, r.FloorCPUS, r.FloorSystemS, r.FloorPerProbeMS, r.CPUPerProbeMS-r.FloorPerProbeMS)
	}
	for _, e := range r.Pages {
		fmt.Fprintf(w, "  GET %s: %d in %.0fs (%d errors), p50 %.1f ms, p99 %.1f ms, max %.1f ms, %s a body; monitor %.1f%% of a core, RSS %.1f MB after\n",
			e.Path, e.Requests, e.SecondsS, e.Errors, e.P50MS, e.P99MS, e.MaxMS, size(float64(e.Bytes)), e.CPUPercent, e.RSSAfterMB)
	}
	fmt.Fprintf(w, "  store: %d written in the window, %.0f dropped, %.0f failed transactions, %.0f queued at the end; shutdown %.2fs\n",
		r.Written, r.Dropped, r.Failures, r.QueuedEnd, r.ShutdownS)
	fmt.Fprintf(w, "  database: +%s in the window = %s/day; rows %d results (%.0f B), %d rollups (%.0f B), %d intervals; %d failed results\n",
		size(float64(r.DBGrowth)), size(r.DBPerDay), r.Rows.Results, r.Rows.Result, r.Rows.Rollups, r.Rows.Rollup, r.Rows.Intervals, r.Rows.Fails)
	fmt.Fprintf(w, "  model: %s/day, %s/year kept; %s steady (%s) after %.0f days, then %s/year; load %s → %s\n",
		size(r.Model.PerDay), size(r.Model.PerYear), size(r.Model.Steady), r.Retention, r.Model.SteadyDays, size(r.Model.SteadyPerYear), r.LoadBefore, r.LoadAfter)
}

// print writes the table docs/benchmarks.md shows.
func (res *results) print(w io.Writer) {
	fmt.Fprintf(w, "\n%s; interval %s, timeout %s; window %s from %s after the start\n\n", res.Mode, res.Interval, res.Timeout, res.Window, res.Warmup)
	fmt.Fprintln(w, "| targets | run | load before → after | first probe | all probed | probes in window (per target) | max gap | CPU, % of a core | CPU per probe | RSS max (scraped) | stored / dropped / queued | DB per day: measured, model | steady state |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range res.Runs {
		fmt.Fprintf(w, "| %d | %d | %s → %s | %.2f s | %s | %d (%d–%d) | %.1f s | %.1f %% | %.3f ms | %.0f MB (%.0f) | %d / %.0f / %.0f | %s, %s | %s |\n",
			r.Targets, r.Run, r.LoadBefore, r.LoadAfter, r.FirstProbeS, secs(r.AllProbedS), r.Probes, r.PerTargetMin, r.PerTargetMax,
			r.MaxGapS, r.CPUPercent, r.CPUPerProbeMS, r.RSSMaxMB, r.RSSScrapedMB, r.Written, r.Dropped, r.QueuedEnd,
			size(r.DBPerDay), size(r.Model.PerDay), size(r.Model.Steady))
	}
	if slices.ContainsFunc(res.Runs, func(r *row) bool { return r.FloorProbes > 0 }) {
		fmt.Fprintf(w, "\nthe floor: a bare loop making the same probes the same way, and nothing else, right after each run\n\n")
		fmt.Fprintln(w, "| targets | run | monitor: CPU per probe (kernel) | floor: CPU per probe (kernel) | the monitor's own |")
		fmt.Fprintln(w, "|---|---|---|---|---|")
		for _, r := range res.Runs {
			if r.FloorProbes > 0 {
				fmt.Fprintf(w, "| %d | %d | %.3f ms (%.0f %%) | %.3f ms (%.0f %%) | %.3f ms |\n", r.Targets, r.Run,
					r.CPUPerProbeMS, 100*r.SystemS/r.CPUS, r.FloorPerProbeMS, 100*r.FloorSystemS/r.FloorCPUS, r.CPUPerProbeMS-r.FloorPerProbeMS)
			}
		}
	}
	if !slices.ContainsFunc(res.Runs, func(r *row) bool { return len(r.Pages) > 0 }) {
		return
	}
	fmt.Fprintf(w, "\nafter the window, one client, one request at a time, back to back (/ for %s, the API half of it, the badge a quarter), the monitor probing\n\n", res.PageWindow)
	fmt.Fprintln(w, "| targets | run | GET | requests (errors) | p50 | p99 | max | body | monitor CPU, % of a core | RSS after |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range res.Runs {
		for _, e := range r.Pages {
			fmt.Fprintf(w, "| %d | %d | `%s` | %d (%d) | %.1f ms | %.1f ms | %.1f ms | %s | %.1f %% | %.0f MB |\n",
				r.Targets, r.Run, e.Path, e.Requests, e.Errors, e.P50MS, e.P99MS, e.MaxMS, size(float64(e.Bytes)), e.CPUPercent, e.RSSAfterMB)
		}
	}
}

// secs shows a time in seconds, "never" for a negative one.
func secs(s float64) string {
	if s < 0 {
		return "never"
	}
	return fmt.Sprintf("%.2f s", s)
}

// size shows bytes in decimal units, "unbounded" for a negative size.
func size(b float64) string {
	switch {
	case b < 0:
		return "unbounded"
	case b >= 1e12:
		return fmt.Sprintf("%.2f TB", b/1e12)
	case b >= 1e9:
		return fmt.Sprintf("%.2f GB", b/1e9)
	case b >= 1e6:
		return fmt.Sprintf("%.1f MB", b/1e6)
	case b >= 1e3:
		return fmt.Sprintf("%.0f kB", b/1e3)
	}
	return fmt.Sprintf("%.0f B", b)
}
