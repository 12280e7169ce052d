// Command benchserver serves one health endpoint built with one library,
// for the side-by-side benchmarks: the driver (benchrun) starts one
// benchserver process per library and measures it from outside.
//
// Usage:
//
//	benchserver --lib vitals|alexliesenfeld|hellofresh|sundheit|bare
//	            --scenario probe|scale|storm|hang|detect
//	            [--checks N] [--mode periodic|ondemand|perrequest]
//	            [--interval 10s] [--ttl 1s] [--timeout 1s] [--spread]
//	            [--body-file FILE]
//
// When the checks are registered it prints one JSON line to stdout:
//
//	{"addr":"127.0.0.1:40001","side":"127.0.0.1:40002","register_ns":1234}
//
// addr serves the probe at /readyz; side serves /stats, the process's
// goroutine count and how many times the checks were called, apart from the
// endpoint under load, and net/http/pprof under /debug/pprof/. The detect scenario reads the PostgreSQL connection
// string from BENCH_PG_DSN. SIGTERM or SIGINT stops the server.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vitalsgo/vitals/bench/internal/libs"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchserver:", err)
		os.Exit(1)
	}
}

// Ready is the line benchserver prints once it serves.
type Ready struct {
	Addr       string `json:"addr"`
	Side       string `json:"side"`
	RegisterNS int64  `json:"register_ns"`
}

// Stats is what the side endpoint answers.
type Stats struct {
	Goroutines int   `json:"goroutines"`
	Calls      int64 `json:"calls"`
}

func run(args []string) error {
	fs := flag.NewFlagSet("benchserver", flag.ContinueOnError)
	lib := fs.String("lib", "vitals", "library: vitals, alexliesenfeld, hellofresh, sundheit or bare")
	scenario := fs.String("scenario", "probe", "check to register: probe|scale (no-op), storm (counted 1ms dependency call), hang (passes once, then never returns), detect (pgx ping)")
	n := fs.Int("checks", 1, "number of checks")
	mode := fs.String("mode", "", "periodic, ondemand or perrequest (default: the library's preferred mode)")
	interval := fs.Duration("interval", 10*time.Second, "interval of periodic checks")
	ttl := fs.Duration("ttl", time.Second, "cache lifetime of on-demand checks")
	timeout := fs.Duration("timeout", time.Second, "timeout of one check run")
	spread := fs.Bool("spread", false, "spread the first runs of periodic checks over one interval")
	addr := fs.String("addr", "127.0.0.1:0", "probe listen address")
	bodyFile := fs.String("body-file", "", "bare: serve this file's contents (default: a fixed JSON body listing the checks)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	var calls atomic.Int64
	check, cleanup, err := checkFor(*scenario, &calls)
	if err != nil {
		return err
	}
	defer cleanup()
	spec := libs.Spec{
		Checks: *n, Check: check, Mode: libs.Mode(*mode),
		Interval: *interval, TTL: *ttl, Timeout: *timeout, Spread: *spread,
	}
	if spec.Mode == "" && *lib != "bare" {
		spec.Mode = libs.Modes(*lib)[0]
	}
	if *bodyFile != "" {
		if spec.Body, err = os.ReadFile(*bodyFile); err != nil {
			return err
		}
	}

	start := time.Now()
	srv, err := libs.New(*lib, spec)
	if err != nil {
		return err
	}
	registered := time.Since(start)
	defer srv.Close()

	probe, err := listen(*addr, srv.Handler)
	if err != nil {
		return err
	}
	defer probe.Close()
	sideMux := http.NewServeMux()
	sideMux.HandleFunc("/stats", func(w http.ResponseWriter, _ *http.Request) {
		json.NewEncoder(w).Encode(Stats{Goroutines: runtime.NumGoroutine(), Calls: calls.Load()})
	})
	// Profiles of the library under load, for finding out why a target is
	// missed: go tool pprof http://SIDE/debug/pprof/profile?seconds=30
	sideMux.HandleFunc("/debug/pprof/", pprof.Index)
	sideMux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	side, err := listen("127.0.0.1:0", sideMux)
	if err != nil {
		return err
	}
	defer side.Close()

	ready := Ready{Addr: probe.Addr, Side: side.Addr, RegisterNS: registered.Nanoseconds()}
	if err := json.NewEncoder(os.Stdout).Encode(ready); err != nil {
		return err
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	return nil
}

// listen serves h on addr in the background.
func listen(addr string, h http.Handler) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Addr: ln.Addr().String(), Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return srv, nil
}

// checkFor returns the check function of a scenario; every call is counted
// in calls.
func checkFor(scenario string, calls *atomic.Int64) (func(context.Context) error, func(), error) {
	nothing := func() {}
	switch scenario {
	case "probe", "scale":
		return func(context.Context) error { calls.Add(1); return nil }, nothing, nil
	case "storm":
		// A dependency call takes time; 1ms is a fast one.
		return func(context.Context) error {
			calls.Add(1)
			time.Sleep(time.Millisecond)
			return nil
		}, nothing, nil
	case "hang":
		// The dependency answers once, then hangs for good and ignores ctx,
		// as a call blocked in a driver without deadlines does.
		never := make(chan struct{})
		return func(context.Context) error {
			if calls.Add(1) == 1 {
				return nil
			}
			<-never
			return nil
		}, nothing, nil
	case "detect":
		dsn := os.Getenv("BENCH_PG_DSN")
		if dsn == "" {
			return nil, nil, fmt.Errorf("scenario detect needs BENCH_PG_DSN")
		}
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			return nil, nil, fmt.Errorf("BENCH_PG_DSN: %w", err)
		}
		cfg.ConnConfig.ConnectTimeout = 2 * time.Second
		pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
		if err != nil {
			return nil, nil, err
		}
		return func(ctx context.Context) error {
			calls.Add(1)
			return pool.Ping(ctx)
		}, pool.Close, nil
	}
	return nil, nil, fmt.Errorf("unknown scenario %q", scenario)
}
