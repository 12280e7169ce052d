package main

import (
	"context"
	"fmt"
	"github.com/vitalsgo/vitals/bench/internal/child"
	"io"
	"net/http"
	"time"

	"github.com/vitalsgo/vitals/bench/internal/load"
	"github.com/vitalsgo/vitals/bench/internal/procstat"
)

// endpoint is the latency of one of the monitor's pages, asked by one
// client, one request at a time and back to back, while the monitor goes
// on probing its targets.
type endpoint struct {
	Path       string  `json:"path"`
	SecondsS   float64 `json:"seconds"`
	Requests   int     `json:"requests"` // answered 200, body read whole
	Errors     int     `json:"errors"`   // transport errors and other statuses
	P50MS      float64 `json:"p50_ms"`
	P99MS      float64 `json:"p99_ms"`
	MaxMS      float64 `json:"max_ms"`
	Bytes      int64   `json:"bytes"`       // the last 200 answer's body
	CPUPercent float64 `json:"cpu_percent"` // the monitor's, of one core, its probes included
	RSSAfterMB float64 `json:"rss_after_mb"`
}

// pageTimeout bounds one request; a request cut by it counts as an error.
const pageTimeout = 30 * time.Second

// pages measures the status page, the JSON API and one badge after the CPU
// window, so that their cost to the monitor is not in the CPU per probe:
// the page for o.pageWindow, the API for half of it, the badge for a
// quarter.
func pages(ctx context.Context, r *row, o options, mon *child.Child, listen string) error {
	c := load.NewClient(1, pageTimeout)
	defer c.CloseIdleConnections()
	for _, p := range []struct {
		path string
		d    time.Duration
	}{
		{"/", o.pageWindow},
		{"/api/v1/targets", o.pageWindow / 2},
		{"/badge/t00000/status.svg", o.pageWindow / 4},
	} {
		p0, err := procstat.Read(mon.Pid)
		if err != nil {
			return fmt.Errorf("monitor: %w: %s", err, mon.Tail)
		}
		e := getFor(ctx, c, "http://"+listen, p.path, p.d)
		p1, err := procstat.Read(mon.Pid)
		if err != nil {
			return fmt.Errorf("monitor: %w: %s", err, mon.Tail)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.Requests == 0 {
			return fmt.Errorf("GET %s: no answer in %v (%d errors): %s", p.path, p.d, e.Errors, mon.Tail)
		}
		e.CPUPercent = procstat.CPUPercent(p0, p1)
		e.RSSAfterMB = mb(p1.RSS)
		r.Pages = append(r.Pages, e)
	}
	return nil
}

// getFor asks base+path one request at a time, back to back, for d, and
// sums up the answers' latencies, body included.
func getFor(ctx context.Context, c *http.Client, base, path string, d time.Duration) endpoint {
	e := endpoint{Path: path}
	var lat []time.Duration
	t0 := time.Now()
	end := t0.Add(d)
	for time.Now().Before(end) && ctx.Err() == nil {
		start := time.Now()
		n, ok := get(ctx, c, base+path)
		took := time.Since(start)
		if !ok {
			e.Errors++
			continue
		}
		lat = append(lat, took)
		e.Bytes = n
	}
	e.SecondsS = time.Since(t0).Seconds()
	e.Requests = len(lat)
	e.MaxMS = ms(load.Percentile(lat, 100))
	e.P50MS = ms(load.Percentile(lat, 50))
	e.P99MS = ms(load.Percentile(lat, 99))
	return e
}

// get asks url once and reads the whole body; ok is a 200 read to its end.
func get(ctx context.Context, c *http.Client, url string) (n int64, ok bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, false
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	n, err = io.Copy(io.Discard, resp.Body)
	return n, err == nil && resp.StatusCode == http.StatusOK
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
