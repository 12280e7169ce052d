// Command benchrun runs the side-by-side benchmarks of vitals against the
// peer Go health libraries and writes the results: JSON, the side-by-side
// section of docs/benchmarks.md and PNG charts beside it.
//
// It builds cmd/benchserver once, starts one server process per library and
// measures each from outside: wrk for probe throughput, Go clients for the
// storm, hang and detection scenarios, /proc for CPU, RSS and threads, and
// the server's side endpoint for goroutines and dependency calls.
//
// Run it from the bench module (scripts/bench does):
//
//	go run ./cmd/benchrun                 # quick mode, a few minutes
//	go run ./cmd/benchrun -mode full      # the long runs
//	go run ./cmd/benchrun -scenarios probe,storm -libs vitals,sundheit
//	go run ./cmd/benchrun -mode full -scenarios probe -merge   # redo one scenario
//	go run ./cmd/benchrun -from out/sidebyside.json   # re-render only
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/vitalsgo/vitals/bench/internal/libs"
	"github.com/vitalsgo/vitals/bench/internal/report"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

// config holds the sizes and durations of one mode.
type config struct {
	probeChecks []int
	probeReps   int
	probeDur    time.Duration
	probeConns  int

	scaleN       []int // for every library
	scaleVitalsN []int // for vitals only, in addition
	scaleLimit   time.Duration
	scaleSettle  time.Duration
	scaleWindow  time.Duration

	stormRate int
	stormSecs int

	hangProbes int
	hangConc   int
	hangOver   time.Duration // the probes are spread over this time

	detectReps int
}

var modes = map[string]config{
	"quick": {
		probeChecks: []int{10, 100}, probeReps: 3, probeDur: 2 * time.Second, probeConns: 32,
		// One interval of settling even here: the first interval is start-up
		// (first runs, first results allocated), not the steady state.
		scaleN: []int{10_000}, scaleVitalsN: []int{100_000},
		scaleLimit: 30 * time.Second, scaleSettle: 11 * time.Second, scaleWindow: 10 * time.Second,
		stormRate: 1000, stormSecs: 5,
		hangProbes: 2_000, hangConc: 16, hangOver: 5 * time.Second,
		detectReps: 1,
	},
	"full": {
		probeChecks: []int{10, 100}, probeReps: 8, probeDur: 6 * time.Second, probeConns: 32,
		scaleN:     []int{1_000, 10_000, 100_000},
		scaleLimit: 2 * time.Minute, scaleSettle: 11 * time.Second, scaleWindow: 60 * time.Second,
		stormRate: 1000, stormSecs: 10,
		hangProbes: 10_000, hangConc: 16, hangOver: 20 * time.Second,
		detectReps: 5,
	},
}

var allScenarios = []string{"probe", "scale", "storm", "hang", "detect"}

// runner carries what every scenario needs.
type runner struct {
	cfg    config
	bin    string   // benchserver binary
	libs   []string // health libraries under test (bare is added where needed)
	pinned bool     // server on CPU 0, load on CPU 1
	res    *report.Results
	log    func(format string, args ...any)
}

func run(args []string) error {
	fs := flag.NewFlagSet("benchrun", flag.ContinueOnError)
	mode := fs.String("mode", "quick", "quick (a few minutes) or full (the long runs)")
	scenarios := fs.String("scenarios", strings.Join(allScenarios, ","), "comma-separated scenarios to run")
	libList := fs.String("libs", "vitals,alexliesenfeld,hellofresh,sundheit", "comma-separated libraries")
	jsonOut := fs.String("json", "out/sidebyside.json", "where to write the results as JSON")
	docs := fs.String("docs", "../docs", "directory of benchmarks.md and the charts; empty to skip")
	from := fs.String("from", "", "render docs from this JSON file instead of running")
	bin := fs.String("server", "", "prebuilt benchserver binary (default: build ./cmd/benchserver)")
	merge := fs.Bool("merge", false, "keep the scenarios not run now from the existing -json file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from != "" {
		res, err := report.Read(*from)
		if err != nil {
			return err
		}
		return render(res, *docs)
	}
	cfg, ok := modes[*mode]
	if !ok {
		return fmt.Errorf("unknown mode %q (quick or full)", *mode)
	}
	selected := strings.Split(*scenarios, ",")
	for _, s := range selected {
		if !slices.Contains(allScenarios, s) {
			return fmt.Errorf("unknown scenario %q (want %v)", s, allScenarios)
		}
	}
	chosen := strings.Split(*libList, ",")
	for _, l := range chosen {
		if !slices.Contains(libs.Names, l) || l == "bare" {
			return fmt.Errorf("unknown library %q", l)
		}
	}
	raiseFileLimit()

	r := &runner{cfg: cfg, libs: chosen, res: newResults(*mode, commandLine(fs)), log: logf}
	r.pinned = runtime.NumCPU() >= 2 && haveCommand("taskset")
	r.res.Pinned = r.pinned
	if *bin == "" {
		dir, err := os.MkdirTemp("", "benchrun")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*bin = filepath.Join(dir, "benchserver")
		r.log("building benchserver")
		build := exec.Command("go", "build", "-o", *bin, "./cmd/benchserver")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build benchserver: %w", err)
		}
	}
	r.bin = *bin

	// A scenario that fails is reported and the others still run: an hour
	// of measurements is not thrown away for one error.
	var failed []string
	start := time.Now()
	steps := map[string]func() error{
		"probe": r.probe, "scale": r.scale, "storm": r.storm, "hang": r.hang, "detect": r.detect,
	}
	for _, s := range allScenarios {
		if !slices.Contains(selected, s) {
			continue
		}
		t := time.Now()
		r.log("== %s", s)
		if err := steps[s](); err != nil {
			r.log("== %s failed: %v", s, err)
			r.res.Notes = append(r.res.Notes, fmt.Sprintf("%s: not measured: %v", s, err))
			failed = append(failed, s)
			continue
		}
		r.log("== %s done in %v", s, time.Since(t).Round(time.Second))
	}
	r.log("all scenarios done in %v", time.Since(start).Round(time.Second))
	if *merge {
		if err := mergeFrom(r.res, *jsonOut, selected); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(*jsonOut), 0o755); err != nil {
		return err
	}
	if err := r.res.Write(*jsonOut); err != nil {
		return err
	}
	r.log("results: %s", *jsonOut)
	if err := render(r.res, *docs); err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("scenarios failed: %s", strings.Join(failed, ", "))
	}
	return nil
}

// mergeFrom copies into res the rows of the scenarios not in ran from the
// results stored at path, and notes where they came from.
func mergeFrom(res *report.Results, path string, ran []string) error {
	old, err := report.Read(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var kept []string
	keep := func(name string, copyRows func()) {
		if !slices.Contains(ran, name) {
			copyRows()
			kept = append(kept, name)
		}
	}
	keep("probe", func() { res.Probe = old.Probe })
	keep("scale", func() { res.Scale = old.Scale })
	keep("storm", func() { res.Storm = old.Storm })
	keep("hang", func() { res.Hang = old.Hang })
	keep("detect", func() { res.Detect = old.Detect })
	if len(kept) > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%s: from an earlier run (%s mode, %s, commit %s)",
			strings.Join(kept, ", "), old.Mode, old.Date.Format("2006-01-02 15:04 MST"), old.Commit))
	}
	return nil
}

// render writes the Markdown section and the charts into docs.
func render(res *report.Results, docs string) error {
	if docs == "" {
		return nil
	}
	if err := report.Charts(res, docs); err != nil {
		return fmt.Errorf("charts: %w", err)
	}
	path := filepath.Join(docs, "benchmarks.md")
	if err := report.UpdateMarkdown(path, res); err != nil {
		return err
	}
	logf("wrote %s and its charts", path)
	return nil
}

// commandLine is the benchrun command that repeats this run: the flags set,
// each once with the value that took effect (scripts/bench passes its own
// -mode before the caller's, and the last one wins), sorted by name, each
// value quoted for a POSIX shell where it needs it.
func commandLine(fs *flag.FlagSet) string {
	cmd := "go run ./cmd/benchrun"
	fs.Visit(func(f *flag.Flag) {
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			if f.Value.String() == "true" {
				cmd += " -" + f.Name
			} else {
				cmd += " -" + f.Name + "=false"
			}
			return
		}
		cmd += " -" + f.Name + " " + shellQuote(f.Value.String())
	})
	return cmd
}

// shellQuote returns s as one word of a POSIX shell command: as it is when
// it holds only characters no shell treats specially, else in single
// quotes; the empty string is two single quotes.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./,:=+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func newResults(mode, cmd string) *report.Results {
	r := &report.Results{
		Mode: mode, Date: time.Now().UTC(), GoVersion: runtime.Version(),
		Cores: runtime.NumCPU(), CPU: cpuModel(), Kernel: kernel(), Command: cmd,
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		r.Versions = map[string]string{}
		for _, d := range bi.Deps {
			if d.Path == "github.com/alexliesenfeld/health" || d.Path == "github.com/hellofresh/health-go/v5" ||
				d.Path == "github.com/AppsFlyer/go-sundheit" || d.Path == "github.com/jackc/pgx/v5" {
				r.Versions[d.Path] = d.Version
			}
		}
	}
	if out, err := exec.Command("git", "describe", "--always", "--dirty").Output(); err == nil {
		r.Commit = strings.TrimSpace(string(out))
	}
	return r
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func kernel() string {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		return "unknown"
	}
	var b []byte
	for _, c := range u.Release {
		if c == 0 {
			break
		}
		b = append(b, byte(c))
	}
	return "Linux " + string(b)
}

// raiseFileLimit lifts the soft limit on open files to the hard one: a
// storm holds a thousand connections on each side, and the servers inherit
// the limit.
func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}

func haveCommand(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// ctx is the background context of every probe.
var ctx = context.Background()
