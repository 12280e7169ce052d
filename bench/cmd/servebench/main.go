// Command servebench measures `vitals serve` watching 1,000 and 10,000
// HTTP targets at a 10 s interval, the targets of the monitor's issue:
//
//   - the first round: every target probed within one interval of the
//     start (the target server notes when each path was first asked);
//   - CPU per probe, the store's writes included, at most 0.15 ms: the
//     monitor process's utime+stime over the window (/proc) divided by the
//     probes the target server counted in it; 10,000 targets under 15 % of
//     one core, RSS at most 200 MB;
//   - every result written: the store's counters on /metrics;
//   - the history's growth: the SQLite file after a checkpoint at each end
//     of the window, and bytes per row (dbstat, after the monitor stopped)
//     projected to a day, a year and the steady state of a retention;
//   - after the window, the status page's latency (p99 under 50 ms at
//     10,000 targets): one client GETs / back to back, the whole body read,
//     for -page-window, then /api/v1/targets and one badge for less, while
//     the monitor goes on probing. It comes after the CPU window so that the
//     pages' cost is not counted as the probes'; the monitor's CPU while
//     each is asked is shown beside it.
//
// Each run starts two processes: the target server (this program's target
// role: one listener, target i at /t/i, counted per path) and the monitor,
// `vitals-full serve --config FILE` built from ../cmd/vitals, or with
// -monitor inproc this program's monitor role, which runs package monitor
// the same way and can take a CPU profile of the window (-cpuprofile).
// The store is a SQLite file in a temporary directory. Every process dies by
// a deadline.
//
// Run it from the bench module (BENCH=serve scripts/bench does):
//
//	go run ./cmd/servebench                          # 1,000 and 10,000, twice each
//	go run ./cmd/servebench -sizes 10000 -reps 1 -window 30s
//	go run ./cmd/servebench -monitor inproc -cpuprofile out/serve   # out/serve-10000-1.pprof …
//	go run ./cmd/servebench -sizes 10000 -reps 1 -floor              # and the floor beside it
//
// With -floor, each run is followed by one of a bare loop making the same
// probes the same way and nothing else (this program's floor role): the
// part of the CPU per probe that the machine sets, shown beside the
// monitor's (floor.go).
//
// The roles are `servebench target …`, `servebench monitor …` and
// `servebench floor …`; they are this program's own and not meant to be
// run by hand.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/vitalsgo/vitals/bench/internal/child"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "target":
		err = runTarget(os.Args[2:])
	case len(os.Args) > 1 && os.Args[1] == "monitor":
		err = runMonitor(os.Args[2:])
	case len(os.Args) > 1 && os.Args[1] == "floor":
		err = runFloor(os.Args[2:])
	default:
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err = run(ctx, os.Args[1:])
		stop()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "servebench:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	sizes      []int
	reps       int
	interval   time.Duration
	timeout    time.Duration
	keepAlive  string
	warmup     time.Duration
	window     time.Duration
	pageWindow time.Duration
	mode       string
	vitalsFull string
	cpuprofile string
	floor      bool
	json       string
}

func run(ctx context.Context, args []string) error {
	var o options
	fs := flag.NewFlagSet("servebench", flag.ContinueOnError)
	sizes := fs.String("sizes", "1000,10000", "comma-separated numbers of targets")
	fs.IntVar(&o.reps, "reps", 2, "runs of each size")
	fs.DurationVar(&o.interval, "interval", 10*time.Second, "interval of every target")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Second, "timeout of every target")
	fs.StringVar(&o.keepAlive, "keep-alive", "", "keep_alive of every target, e.g. 0s for a new connection every probe (default: the command's default)")
	fs.DurationVar(&o.warmup, "warmup", 30*time.Second, "from the monitor's start to the window (at least until every target was probed)")
	fs.DurationVar(&o.window, "window", 60*time.Second, "measurement window")
	fs.DurationVar(&o.pageWindow, "page-window", 20*time.Second, "after the window: GET / back to back for this long, /api/v1/targets for half of it, a badge for a quarter (0: do not)")
	fs.StringVar(&o.mode, "monitor", "binary", "binary (vitals-full serve) or inproc (this program's monitor role, from package monitor)")
	fs.StringVar(&o.vitalsFull, "vitals-full", "", "vitals-full binary (default: build ../cmd/vitals/vitals-full)")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "with -monitor inproc: write a CPU profile of each window to PREFIX-SIZE-RUN.pprof, a heap profile at its end to ….pprof.heap and one after the pages to ….pprof.pages.heap")
	fs.BoolVar(&o.floor, "floor", false, "after each run, measure the floor: a bare loop making the same probes the same way, and nothing else (floor.go)")
	fs.StringVar(&o.json, "json", "out/serve.json", "write the results here (empty: do not)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if o.sizes, err = parseSizes(*sizes); err != nil {
		return fmt.Errorf("-sizes: %w", err)
	}
	switch {
	case o.reps < 1:
		return fmt.Errorf("-reps must be at least 1")
	case o.interval <= 0 || o.timeout <= 0 || o.window < o.interval:
		return fmt.Errorf("-interval and -timeout must be positive and -window at least one interval")
	case o.pageWindow < 0:
		return fmt.Errorf("-page-window must not be negative")
	case o.mode != "binary" && o.mode != "inproc":
		return fmt.Errorf("-monitor: %q is neither binary nor inproc", o.mode)
	case o.cpuprofile != "" && o.mode != "inproc":
		return fmt.Errorf("-cpuprofile needs -monitor inproc: the binary has no profiler")
	}
	dir, err := os.MkdirTemp("", "servebench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if o.mode == "binary" && o.vitalsFull == "" {
		o.vitalsFull = filepath.Join(dir, "vitals-full")
		logf("building ../cmd/vitals/vitals-full")
		if err := child.BuildVitalsFull(ctx, o.vitalsFull, "../cmd/vitals"); err != nil {
			return err
		}
	}
	res := results{Started: time.Now().UTC(), Mode: o.mode, Interval: o.interval.String(),
		Timeout: o.timeout.String(), KeepAlive: o.keepAlive, Window: o.window.String(), Warmup: o.warmup.String(), PageWindow: o.pageWindow.String()}
	for _, n := range o.sizes {
		for rep := 1; rep <= o.reps; rep++ {
			logf("%d targets, run %d/%d", n, rep, o.reps)
			r, err := measure(ctx, o, dir, n, rep)
			if err != nil {
				return fmt.Errorf("%d targets, run %d: %w", n, rep, err)
			}
			if o.floor {
				if err := measureFloor(ctx, o, r); err != nil {
					return fmt.Errorf("%d targets, run %d, floor: %w", n, rep, err)
				}
			}
			res.Runs = append(res.Runs, r)
			r.print(os.Stderr)
		}
	}
	res.print(os.Stdout)
	if o.json == "" {
		return nil
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(o.json), 0o755); err != nil {
		return err
	}
	return os.WriteFile(o.json, append(b, '\n'), 0o644)
}

// parseSizes reads a comma-separated list of positive counts.
func parseSizes(s string) ([]int, error) {
	var ns []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive count", f)
		}
		ns = append(ns, n)
	}
	return ns, nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "servebench: "+format+"\n", args...)
}
