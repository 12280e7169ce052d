// Command faults runs the fault scenarios of the vitals engine in one
// process and prints what it measured:
//
//	starve  N checks against a blackholed dependency (it accepts and never
//	        answers) beside one healthy 1s check: that check's start
//	        lateness p50/p99, how long readiness stays "starting", and the
//	        time until a real failure of it shows, against interval + timeout.
//	soak    1,000 checks (healthy, slow, hung, hung ignoring their context,
//	        panicking, flapping) for 10 minutes: RSS and goroutines over time,
//	        the median result age against the interval, and how long
//	        readiness stays "starting".
//
// Everything talks to real TCP listeners on 127.0.0.1 that this process
// opens; nothing else is contacted. The goroutines counted include the
// blackhole's, one per connection a check holds open. Run it from the bench module:
//
//	go run ./cmd/faults -scenario starve
//	go run ./cmd/faults -scenario soak -duration 10m
//	go run ./cmd/faults -scenario starve -json out/starve.json
//
// The same source builds against any commit of the core that has the
// options it uses, so a before/after comparison is this command run in two
// checkouts.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("faults", flag.ContinueOnError)
	scenario := fs.String("scenario", "starve", "starve or soak")
	counts := fs.String("n", "0,40,1000", "starve: comma-separated numbers of blackholed checks")
	window := fs.Duration("window", 30*time.Second, "starve: how long the fast check's starts are sampled")
	reps := fs.Int("reps", 5, "starve: failures of the fast check to time")
	fs.BoolVar(&showStarts, "starts", false, "starve: print the fast check's start times to stderr")
	duration := fs.Duration("duration", 10*time.Minute, "soak: how long it runs")
	checks := fs.Int("checks", 1000, "soak: number of checks")
	jsonOut := fs.String("json", "", "also write the results as JSON to this file")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var res any
	switch *scenario {
	case "starve":
		var ns []int
		for _, f := range strings.Split(*counts, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 0 {
				return fmt.Errorf("-n: %q is not a count", f)
			}
			ns = append(ns, n)
		}
		if *window < 5*time.Second || *reps < 1 {
			return fmt.Errorf("-window must be at least 5s and -reps at least 1")
		}
		rows, err := starve(ns, *window, *reps)
		if err != nil {
			return err
		}
		printStarve(os.Stdout, rows)
		res = rows
	case "soak":
		if *checks < 10 || *duration < 30*time.Second {
			return fmt.Errorf("-checks must be at least 10 and -duration at least 30s")
		}
		r, err := soak(*checks, *duration, os.Stderr)
		if err != nil {
			return err
		}
		printSoak(os.Stdout, r)
		res = r
	default:
		return fmt.Errorf("-scenario: %q is neither starve nor soak", *scenario)
	}
	if *jsonOut == "" {
		return nil
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(*jsonOut, append(b, '\n'), 0o644)
}
