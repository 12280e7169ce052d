package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// drivers are the checker modules whose start-up -attribute measures.
var drivers = []string{"postgres", "mysql", "redis", "amqp", "mqtt", "nats", "etcd", "memcached", "bolt", "badger"}

// attribution is what each driver adds to the start of a program that
// links what a probe needs (the core, client, checks/grpc): programs that
// do nothing but import it, so the difference is the driver's package
// initialisation and the pages it brings, not any code a command runs.
type attribution struct {
	BaseMs  float64            `json:"base_median_ms"`
	EmptyMs float64            `json:"empty_median_ms"` // func main() {}
	AddsMs  map[string]float64 `json:"adds_median_ms"`  // by driver, and "all"
}

// attribute builds one program per driver in dir, runs them in rounds of
// one hyperfine invocation each, in rotated orders, and returns what each
// adds to the base's median: the median over the rounds of the difference
// within a round (hyperfine runs one command after another, and a shared
// machine drifts more between commands than that).
func attribute(ctx context.Context, dir string, warmup, runs, rounds int) (*attribution, error) {
	probePkgs := []string{"github.com/vitalsgo/vitals", "github.com/vitalsgo/vitals/client", "github.com/vitalsgo/vitals/checks/grpc"}
	progs := map[string][]string{"empty": nil, "base": probePkgs}
	all := probePkgs
	for _, d := range drivers {
		pkg := "github.com/vitalsgo/vitals/checks/" + d
		progs[d] = append(append([]string(nil), probePkgs...), pkg)
		all = append(all[:len(all):len(all)], pkg)
	}
	progs["all"] = all
	// The programs are built inside the bench module (under out/, which is
	// not committed) so that go.work resolves the checker modules.
	src, err := os.MkdirTemp("out", "attr")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(src)
	var cmds []command
	for _, name := range append([]string{"empty", "base", "all"}, drivers...) {
		pdir := filepath.Join(src, name)
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			return nil, err
		}
		var b strings.Builder
		b.WriteString("package main\n\nimport (\n")
		for _, p := range progs[name] {
			fmt.Fprintf(&b, "\t_ %q\n", p)
		}
		b.WriteString(")\n\nfunc main() {}\n")
		if err := os.WriteFile(filepath.Join(pdir, "main.go"), []byte(b.String()), 0o644); err != nil {
			return nil, err
		}
		bin := filepath.Join(dir, "attr-"+name)
		if err := goBuild(ctx, pdir, bin); err != nil {
			return nil, err
		}
		cmds = append(cmds, command{Name: name, Argv: []string{bin}})
	}
	var base, empty []float64
	adds := map[string][]float64{}
	for i := range rounds {
		logf("attribution round %d/%d: %d programs, %d runs each", i+1, rounds, len(cmds), runs)
		// Rotate by a step coprime with the count so base moves too.
		tm, err := hyperfineRun(ctx, dir, rotate(cmds, i*5), warmup, runs)
		if err != nil {
			return nil, err
		}
		b := tm["base"].Median * 1e3
		base, empty = append(base, b), append(empty, tm["empty"].Median*1e3)
		for _, name := range append([]string{"all"}, drivers...) {
			adds[name] = append(adds[name], tm[name].Median*1e3-b)
		}
	}
	a := &attribution{BaseMs: median(base), EmptyMs: median(empty), AddsMs: map[string]float64{}}
	for name, d := range adds {
		a.AddsMs[name] = median(d)
	}
	return a, nil
}

func (a *attribution) print(w io.Writer) {
	fmt.Fprintf(w, "\nstart-up a driver adds to a program linking the core, client and checks/grpc (%.1f ms; an empty program %.1f ms):\n\n", a.BaseMs, a.EmptyMs)
	fmt.Fprintln(w, "| driver | adds ms (median) |\n|---|---|")
	for _, name := range append([]string{"all"}, drivers...) {
		fmt.Fprintf(w, "| %s | %+.1f |\n", name, a.AddsMs[name])
	}
}
