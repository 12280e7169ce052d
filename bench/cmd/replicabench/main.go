// Command replicabench runs `vitals serve` replicas as real processes on
// a real PostgreSQL and measures what the replicas issue asks of them:
// each target probed once per interval, failover after kill -9 within two
// lease periods, no write and no alert with a stale lease after SIGSTOP,
// a replica cut from the database stopping within its trust window, a
// PostgreSQL restart and a rolling restart survived, one alert per
// incident, and the cost of 3 replicas on many targets.
//
// Each scenario gets a fresh database (replicabench_SCENARIO, dropped at
// its end), an in-process target server (target i at /t/i; every request
// recorded with its X-Replica header, which each replica's file sets to
// its node name), an in-process webhook receiver (/hook/NODE) and three
// replica slots, each with its own TCP proxy in front of PostgreSQL so
// that one replica can be cut alone. The replicas are vitals-full serve
// processes built from ../cmd/vitals; each dies by the scenario's
// deadline and with this process.
//
// Run it from the bench module:
//
//	go run ./cmd/replicabench -scenario steady -duration 10m
//	go run ./cmd/replicabench -scenario kill -kills 20
//	go run ./cmd/replicabench -scenario stop
//	go run ./cmd/replicabench -scenario all
//
// Every scenario prints a summary and writes out/replica-SCENARIO.json.
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
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "replicabench:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	scenarios  []string
	targets    int
	interval   time.Duration
	duration   time.Duration
	kills      int
	ttl, renew time.Duration
	shards     int
	benchN     int
	warmup     time.Duration
	window     time.Duration
	vitalsFull string
	pgAddr     string
	out        string
	pgRestart  string
}

// pgDSN is the DSN of database db, directly (not through a proxy).
func (o options) pgDSN(db string) string {
	return fmt.Sprintf("postgres://postgres@%s/%s?sslmode=disable", o.pgAddr, db)
}

// scenarios are the command's scenarios, in the order of -scenario all.
var scenarios = []struct {
	name string
	run  func(ctx context.Context, o options) (summary string, result any, err error)
}{
	{"steady", steady},
	{"kill", kill},
	{"stop", stopCont},
	{"cut", cut},
	{"pgrestart", pgRestart},
	{"rolling", rolling},
	{"shared", shared},
	{"bench", bench},
}

func run(ctx context.Context, args []string) error {
	var o options
	fs := flag.NewFlagSet("replicabench", flag.ContinueOnError)
	names := fs.String("scenario", "steady", "comma-separated scenarios: steady, kill, stop, cut, pgrestart, rolling, shared, bench, or all")
	fs.IntVar(&o.targets, "targets", 900, "HTTP targets in all (every scenario but shared and bench)")
	fs.DurationVar(&o.interval, "interval", 5*time.Second, "interval of every target (every scenario but shared and bench)")
	fs.DurationVar(&o.duration, "duration", 10*time.Minute, "steady: the measured window")
	fs.IntVar(&o.kills, "kills", 20, "kill: kill -9 this many times")
	fs.DurationVar(&o.ttl, "lease-ttl", 15*time.Second, "cluster.lease_ttl of every replica")
	fs.DurationVar(&o.renew, "renew", 5*time.Second, "cluster.renew of every replica")
	fs.IntVar(&o.shards, "shards", 128, "cluster.shards (the default; the files leave it out)")
	fs.IntVar(&o.benchN, "bench-targets", 30000, "bench: targets in all, at 10 s")
	fs.DurationVar(&o.warmup, "warmup", 30*time.Second, "bench: from balanced to the window")
	fs.DurationVar(&o.window, "window", 120*time.Second, "bench: measured window")
	fs.StringVar(&o.vitalsFull, "vitals-full", "", "vitals-full binary (default: build ../cmd/vitals/vitals-full)")
	fs.StringVar(&o.pgAddr, "pg", "127.0.0.1:5432", "PostgreSQL host:port (user postgres, no password)")
	fs.StringVar(&o.pgRestart, "pg-restart", "pg_ctlcluster --skip-systemctl-redirect 15 main restart", "pgrestart: the command that restarts PostgreSQL")
	fs.StringVar(&o.out, "out", "out", "directory of the JSON results")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *names == "all" {
		for _, s := range scenarios {
			o.scenarios = append(o.scenarios, s.name)
		}
	} else {
		o.scenarios = strings.Split(*names, ",")
	}
	if o.shards != 128 {
		return fmt.Errorf("-shards: only the default 128 (the files leave the field out)")
	}
	dir, err := os.MkdirTemp("", "replicabench-bin")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if o.vitalsFull == "" {
		o.vitalsFull = filepath.Join(dir, "vitals-full")
		logf("building ../cmd/vitals/vitals-full")
		if err := child.BuildVitalsFull(ctx, o.vitalsFull, "../cmd/vitals"); err != nil {
			return err
		}
	}
	for _, name := range o.scenarios {
		var fn func(context.Context, options) (string, any, error)
		for _, s := range scenarios {
			if s.name == name {
				fn = s.run
			}
		}
		if fn == nil {
			return fmt.Errorf("-scenario: no scenario %q", name)
		}
		logf("scenario %s", name)
		t0 := time.Now()
		summary, res, err := fn(ctx, o)
		if res != nil {
			if werr := writeJSON(filepath.Join(o.out, "replica-"+name+".json"), name, t0, res, err); werr != nil {
				logf("%v", werr)
			}
		}
		if summary != "" {
			fmt.Printf("## %s\n\n%s\n", name, summary)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func writeJSON(path, name string, t0 time.Time, res any, runErr error) error {
	v := map[string]any{"scenario": name, "started": t0.UTC(), "seconds": time.Since(t0).Seconds(), "result": res}
	if runErr != nil {
		v["error"] = runErr.Error()
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().UTC().Format("15:04:05")+" replicabench: "+format+"\n", args...)
}
