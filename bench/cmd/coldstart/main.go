// Command coldstart measures the cold start of `vitals probe` side by side
// with the tools it replaces in a Docker HEALTHCHECK: curl for an HTTP
// target and grpc-health-probe for a gRPC one.
//
// It builds cmd/vitals the way `go install ./cmd/vitals` does (no tags, no
// flags), starts an HTTP and a gRPC health server in this process, and runs
// hyperfine (-N, no shell) over all four commands in one invocation per
// round; the rounds rotate the order, so drift on a shared machine spreads
// over every command. The result is each probe's median time as a ratio to
// its baseline's in the same round, and the median of those ratios over the
// rounds: the target is at most 1.1 for both.
//
// It also runs `GODEBUG=inittrace=1 vitals version` and lists the package
// initialisations that cost most (median over the runs): the start-up a
// probe pays before main.
//
// Run it from the bench module (BENCH=coldstart scripts/bench does):
//
//	go run ./cmd/coldstart                          # 3 rounds of 100 runs
//	go run ./cmd/coldstart -rounds 5 -runs 200
//	go run ./cmd/coldstart -also slim=/tmp/vitals-slim   # another build beside it
//	go run ./cmd/coldstart -attribute   # and what each driver module adds
//
// grpc-health-probe is taken from PATH or GOBIN; failing that it is
// installed with `go install` at the version pinned below.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/vitalsgo/vitals/bench/internal/procstat"
)

// healthProbe is the grpc-health-probe module installed when none is found.
const healthProbe = "github.com/grpc-ecosystem/grpc-health-probe@v0.4.63"

// maxRatio is the target: a probe takes at most this many times
// its baseline's time.
const maxRatio = 1.1

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	vitals    string
	also      builds
	curl      string
	ghp       string
	warmup    int
	runs      int
	rounds    int
	inittrace int
	attribute bool
	json      string
}

func run(ctx context.Context, args []string) error {
	var o options
	fs := flag.NewFlagSet("coldstart", flag.ContinueOnError)
	fs.StringVar(&o.vitals, "vitals", "", "vitals binary to measure (default: build ../cmd/vitals as go install does)")
	fs.Var(&o.also, "also", "another vitals build to measure beside it, `name=path`, repeatable")
	fs.StringVar(&o.curl, "curl", "curl", "curl binary")
	fs.StringVar(&o.ghp, "grpc-health-probe", "", "grpc-health-probe binary (default: PATH, GOBIN, or go install "+healthProbe+")")
	fs.IntVar(&o.warmup, "warmup", 5, "hyperfine warm-up runs of each command, each round")
	fs.IntVar(&o.runs, "runs", 100, "hyperfine runs of each command, each round")
	fs.IntVar(&o.rounds, "rounds", 3, "hyperfine invocations, each in a rotated order")
	fs.IntVar(&o.inittrace, "inittrace", 30, "runs of GODEBUG=inittrace=1 vitals version (0: none)")
	fs.BoolVar(&o.attribute, "attribute", false, "also measure what each driver module adds to the start of a program (builds 13 programs)")
	fs.StringVar(&o.json, "json", "out/coldstart.json", "write the results here (empty: do not)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.runs < 1 || o.rounds < 1 {
		return fmt.Errorf("-runs and -rounds must be at least 1")
	}
	if _, err := exec.LookPath("hyperfine"); err != nil {
		return fmt.Errorf("hyperfine is not installed (scripts/services installs it): %w", err)
	}
	dir, err := os.MkdirTemp("", "coldstart")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	res := result{Started: time.Now().UTC(), Target: maxRatio}
	if o.vitals == "" {
		o.vitals = filepath.Join(dir, "vitals")
		logf("building ../cmd/vitals (as go install ./cmd/vitals)")
		if err := goBuild(ctx, "../cmd/vitals", o.vitals); err != nil {
			return err
		}
		res.Build = "go build ./cmd/vitals (as go install)"
	} else {
		res.Build = o.vitals
	}
	if o.ghp, err = findHealthProbe(ctx, o.ghp, dir); err != nil {
		return err
	}
	if o.curl, err = exec.LookPath(o.curl); err != nil {
		return err
	}
	res.Sizes = map[string]int64{}
	for _, b := range append(builds{{"vitals", o.vitals}}, o.also...) {
		if fi, err := os.Stat(b.path); err == nil {
			res.Sizes[b.name] = fi.Size()
		}
	}

	t, err := startTargets()
	if err != nil {
		return err
	}
	defer t.Close()
	cmds := commands(o, t)
	res.Commands = cmds
	if err := preflight(ctx, cmds); err != nil {
		return err
	}
	res.LoadBefore = procstat.LoadAvg()
	for i := range o.rounds {
		order := rotate(cmds, i)
		logf("round %d/%d: %d commands, %d runs each", i+1, o.rounds, len(order), o.runs)
		tm, err := hyperfineRun(ctx, dir, order, o.warmup, o.runs)
		if err != nil {
			return err
		}
		res.Rounds = append(res.Rounds, newRound(order, tm, o.also))
	}
	res.LoadAfter = procstat.LoadAvg()
	res.summarise(o.also)

	if o.inittrace > 0 {
		logf("inittrace: %d runs of vitals version", o.inittrace)
		if res.Inits, err = initTrace(ctx, o.vitals, o.inittrace); err != nil {
			return err
		}
	}
	if o.attribute {
		if err := os.MkdirAll("out", 0o755); err != nil {
			return err
		}
		if res.Attribution, err = attribute(ctx, dir, o.warmup, o.runs, o.rounds); err != nil {
			return err
		}
	}
	res.print(os.Stdout)
	if o.json != "" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(o.json), 0o755); err != nil {
			return err
		}
		return os.WriteFile(o.json, append(b, '\n'), 0o644)
	}
	return nil
}

// commands returns the rows of a round: each baseline, then each vitals
// build probing the same target.
func commands(o options, t *targets) []command {
	const timeout = "2s"
	cmds := []command{
		{Name: "curl http", Argv: []string{o.curl, "-fsS", "-o", "/dev/null", "--max-time", "2", t.HTTP}},
		{Name: "grpc-health-probe", Argv: []string{o.ghp, "-addr=" + t.GRPC, "-connect-timeout=" + timeout, "-rpc-timeout=" + timeout}},
	}
	for _, b := range append(builds{{"vitals", o.vitals}}, o.also...) {
		cmds = append(cmds,
			command{Name: b.name + " http", Argv: []string{b.path, "probe", "--quiet", "--timeout", timeout, t.HTTP}},
			command{Name: b.name + " grpc", Argv: []string{b.path, "probe", "--quiet", "--timeout", timeout, "grpc://" + t.GRPC}},
		)
	}
	return cmds
}

// rotate returns cmds started at index i (mod len).
func rotate(cmds []command, i int) []command {
	i %= len(cmds)
	return append(append([]command(nil), cmds[i:]...), cmds[:i]...)
}

// goBuild builds the main package in dir to out as go install would.
func goBuild(ctx context.Context, dir, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build in %s: %w", dir, err)
	}
	return nil
}

// findHealthProbe returns the grpc-health-probe to use: the flag's, then
// PATH's, then GOBIN's, else one installed into dir.
func findHealthProbe(ctx context.Context, flagValue, dir string) (string, error) {
	if flagValue != "" {
		return exec.LookPath(flagValue)
	}
	if p, err := exec.LookPath("grpc-health-probe"); err == nil {
		return p, nil
	}
	gobin, err := exec.CommandContext(ctx, "go", "env", "GOBIN", "GOPATH").Output()
	if err == nil {
		lines := strings.Split(strings.TrimSpace(string(gobin)), "\n")
		for i, d := range lines {
			if i == 1 {
				d = filepath.Join(strings.Split(d, string(os.PathListSeparator))[0], "bin")
			}
			p := filepath.Join(d, "grpc-health-probe")
			if d != "" && isExecutable(p) {
				return p, nil
			}
		}
	}
	logf("installing %s", healthProbe)
	bin := filepath.Join(dir, "bin")
	cmd := exec.CommandContext(ctx, "go", "install", healthProbe)
	cmd.Env = append(os.Environ(), "GOBIN="+bin, "GOWORK=off")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("grpc-health-probe is not installed and go install failed: %w", err)
	}
	return filepath.Join(bin, "grpc-health-probe"), nil
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "coldstart: "+format+"\n", args...)
}

// build is a vitals binary to measure beside the default one.
type build struct{ name, path string }

// builds is a repeatable name=path flag.
type builds []build

func (b *builds) String() string {
	var s []string
	for _, x := range *b {
		s = append(s, x.name+"="+x.path)
	}
	return strings.Join(s, ",")
}

func (b *builds) Set(v string) error {
	name, path, ok := strings.Cut(v, "=")
	if !ok || name == "" || path == "" || name == "vitals" {
		return fmt.Errorf("want name=path with a name other than vitals, got %q", v)
	}
	*b = append(*b, build{name, path})
	return nil
}
