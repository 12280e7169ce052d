package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// command is one row of a hyperfine run: a name and the argv it runs
// (hyperfine -N: no shell, so nothing but the program's own start-up is
// timed).
type command struct {
	Name string   `json:"name"`
	Argv []string `json:"argv"`
}

// timing is what hyperfine measured for one command, in seconds.
type timing struct {
	Mean   float64   `json:"mean"`
	Stddev float64   `json:"stddev"`
	Median float64   `json:"median"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
	User   float64   `json:"user"`   // mean CPU time in user mode
	System float64   `json:"system"` // mean CPU time in the kernel
	Times  []float64 `json:"times,omitempty"`
	Exits  []int     `json:"exit_codes,omitempty"`
}

// hyperfineRun runs every command in one hyperfine invocation, in the
// order given, and returns the timings by name. Any run that exits
// non-zero fails the whole run: a probe that failed measured nothing.
func hyperfineRun(ctx context.Context, dir string, cmds []command, warmup, runs int) (map[string]timing, error) {
	out := filepath.Join(dir, "hyperfine.json")
	args := []string{"-N", "--style", "none", "--warmup", strconv.Itoa(warmup), "--runs", strconv.Itoa(runs), "--export-json", out}
	for _, c := range cmds {
		args = append(args, "-n", c.Name, shellJoin(c.Argv))
	}
	cmd := exec.CommandContext(ctx, "hyperfine", args...)
	cmd.Stderr = os.Stderr
	if b, err := cmd.Output(); err != nil {
		return nil, fmt.Errorf("hyperfine: %w\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	return parseHyperfine(b)
}

// parseHyperfine reads hyperfine's --export-json output.
func parseHyperfine(b []byte) (map[string]timing, error) {
	var doc struct {
		Results []struct {
			Command string `json:"command"`
			timing
		} `json:"results"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("hyperfine's JSON: %w", err)
	}
	res := make(map[string]timing, len(doc.Results))
	for _, r := range doc.Results {
		if i := slices.IndexFunc(r.Exits, func(c int) bool { return c != 0 }); i >= 0 {
			return nil, fmt.Errorf("%s: run %d exited %d", r.Command, i+1, r.Exits[i])
		}
		res[r.Command] = r.timing
	}
	return res, nil
}

// shellJoin quotes argv for hyperfine, which splits a command line the way
// a POSIX shell would (it runs it without one under -N).
func shellJoin(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		if a != "" && !strings.ContainsFunc(a, needsQuote) {
			q[i] = a
			continue
		}
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

func needsQuote(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,@%+", r))
}

// preflight runs every command once and fails with its output if it does
// not exit 0: hyperfine would only say that one did not.
func preflight(ctx context.Context, cmds []command) error {
	for _, c := range cmds {
		out, err := exec.CommandContext(ctx, c.Argv[0], c.Argv[1:]...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s (%s): %w\n%s", c.Name, shellJoin(c.Argv), err, out)
		}
	}
	return nil
}
