package main

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/vitalsgo/vitals/bench/internal/libs"
	"github.com/vitalsgo/vitals/bench/internal/load"
	"github.com/vitalsgo/vitals/bench/internal/report"
	"github.com/vitalsgo/vitals/internal/faultproxy"
	"github.com/vitalsgo/vitals/internal/testservice"
)

// Settings of the detection scenario: every library checks PostgreSQL with
// the same pgx ping, every second (or on every probe), with a 1s timeout.
const (
	detectInterval = time.Second
	detectTimeout  = time.Second
	detectPoll     = 20 * time.Millisecond
	detectLimit    = 30 * time.Second
)

// detect is scenario 5: a real PostgreSQL reached through an in-process
// proxy that is cut (connections refused) or blackholed (connections held
// open and silent); it measures the time from the fault until readiness answers
// 503, and from the repair until it answers 200 again.
func (r *runner) detect() error {
	u, err := url.Parse(testservice.PostgresDSN)
	if err != nil || u.Host == "" {
		return fmt.Errorf("PostgreSQL DSN must be a URL with a host (VITALS_POSTGRES_DSN)")
	}
	conn, err := net.DialTimeout("tcp", u.Host, 2*time.Second)
	if err != nil {
		r.res.Notes = append(r.res.Notes, "detection: PostgreSQL not reachable on "+u.Host+"; run scripts/services")
		r.log("detect: PostgreSQL not reachable at %s, skipped", u.Host)
		return nil
	}
	conn.Close()
	for _, lib := range r.libs {
		mode := libs.Modes(lib)[0]
		for _, fault := range []string{"cut", "blackhole"} {
			row := report.DetectRow{Lib: lib, Mode: string(mode), Fault: fault}
			r.detectOne(u, &row)
			r.log("detect %s %s %s: down %v up %v %s", lib, mode, fault, row.Down, row.Up, row.Err)
			r.res.Detect = append(r.res.Detect, row)
		}
	}
	return nil
}

func (r *runner) detectOne(dsn *url.URL, row *report.DetectRow) {
	// Restore drops what a blackhole held: a partition that outlasts the
	// checks' timeouts, after which neither end expects those bytes.
	p, err := faultproxy.New(dsn.Host, &faultproxy.Options{DropOnRestore: true})
	if err != nil {
		row.Err = err.Error()
		return
	}
	defer p.Close()
	via := *dsn
	via.Host = p.Addr()
	s, err := startHealthy(r.bin, serverArgs{
		Lib: row.Lib,
		Env: []string{"BENCH_PG_DSN=" + via.String()},
		Args: []string{"--scenario", "detect", "--checks", "1", "--mode", row.Mode,
			"--interval", detectInterval.String(), "--timeout", detectTimeout.String()},
	}, 15*time.Second)
	if err != nil {
		row.Err = err.Error()
		return
	}
	defer s.stop()
	c := load.NewClient(1, 10*time.Second)
	defer c.CloseIdleConnections()
	fault := func() error { p.Cut(); return nil }
	if row.Fault == "blackhole" {
		fault = p.Blackhole
	}
	for range r.cfg.detectReps {
		// A random phase against the check's schedule, so that the median
		// over repetitions is the typical time, not a lucky or unlucky one.
		time.Sleep(rand.N(detectInterval))
		if err := fault(); err != nil {
			row.Err = err.Error()
			return
		}
		down, err := pollUntil(c, s.URL(), 503, time.Now())
		if err != nil {
			row.Err = "no 503: " + err.Error()
			p.Restore()
			return
		}
		time.Sleep(rand.N(detectInterval)) // likewise for the repair
		if err := p.Restore(); err != nil {
			row.Err = err.Error()
			return
		}
		up, err := pollUntil(c, s.URL(), 200, time.Now())
		if err != nil {
			row.Err = "no recovery: " + err.Error()
			return
		}
		row.Down = append(row.Down, down.Seconds())
		row.Up = append(row.Up, up.Seconds())
		time.Sleep(detectInterval) // settle between repetitions
	}
}

// pollUntil probes url every detectPoll until it answers want and returns
// the time since t0 at which that answer arrived.
func pollUntil(c *http.Client, u string, want int, t0 time.Time) (time.Duration, error) {
	for time.Since(t0) < detectLimit {
		code, _ := load.Get(ctx, c, u)
		if code == want {
			return time.Since(t0), nil
		}
		time.Sleep(detectPoll)
	}
	return 0, fmt.Errorf("not within %v", detectLimit)
}
