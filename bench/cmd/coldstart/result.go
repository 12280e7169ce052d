package main

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// result is what a coldstart run writes to its JSON file.
type result struct {
	Started     time.Time        `json:"started"`
	Build       string           `json:"build"`
	Sizes       map[string]int64 `json:"sizes"`
	LoadBefore  string           `json:"load_before"`
	LoadAfter   string           `json:"load_after"`
	Commands    []command        `json:"commands"`
	Rounds      []round          `json:"rounds"`
	Target      float64          `json:"target"`
	Ratios      []ratio          `json:"ratios"`
	Inits       *inits           `json:"inits,omitempty"`
	Attribution *attribution     `json:"attribution,omitempty"`
}

// round is one hyperfine invocation.
type round struct {
	Order  []string           `json:"order"`
	Median map[string]float64 `json:"median_ms"`
	Mean   map[string]float64 `json:"mean_ms"`
	CPU    map[string]float64 `json:"cpu_ms"` // user + system, mean
	Ratios map[string]float64 `json:"ratios"` // by pair name, of medians
}

// ratio is one probe against its baseline over every round.
type ratio struct {
	Pair     string  `json:"pair"` // "vitals http / curl http"
	Median   float64 `json:"median"`
	Min      float64 `json:"min"`
	Max      float64 `json:"max"`
	ProbeMs  float64 `json:"probe_median_ms"`    // median over the rounds
	BaseMs   float64 `json:"baseline_median_ms"` // median over the rounds
	Within   bool    `json:"within_target"`
	probe    string
	baseline string
}

// pairs returns each probe row with its baseline row.
func pairs(also builds) [][2]string {
	var p [][2]string
	for _, b := range append(builds{{name: "vitals"}}, also...) {
		p = append(p, [2]string{b.name + " http", "curl http"}, [2]string{b.name + " grpc", "grpc-health-probe"})
	}
	return p
}

func newRound(order []command, tm map[string]timing, also builds) round {
	r := round{Median: map[string]float64{}, Mean: map[string]float64{}, CPU: map[string]float64{}, Ratios: map[string]float64{}}
	for _, c := range order {
		r.Order = append(r.Order, c.Name)
		r.Median[c.Name] = tm[c.Name].Median * 1e3
		r.Mean[c.Name] = tm[c.Name].Mean * 1e3
		r.CPU[c.Name] = (tm[c.Name].User + tm[c.Name].System) * 1e3
	}
	for _, p := range pairs(also) {
		if base := r.Median[p[1]]; base > 0 {
			r.Ratios[p[0]+" / "+p[1]] = r.Median[p[0]] / base
		}
	}
	return r
}

// summarise takes, for every pair, the median of its ratios over the
// rounds.
func (res *result) summarise(also builds) {
	for _, p := range pairs(also) {
		name := p[0] + " / " + p[1]
		var rs, probe, base []float64
		for _, r := range res.Rounds {
			rs = append(rs, r.Ratios[name])
			probe = append(probe, r.Median[p[0]])
			base = append(base, r.Median[p[1]])
		}
		q := ratio{Pair: name, Median: median(rs), Min: slices.Min(rs), Max: slices.Max(rs),
			ProbeMs: median(probe), BaseMs: median(base), probe: p[0], baseline: p[1]}
		q.Within = q.Median <= res.Target
		res.Ratios = append(res.Ratios, q)
	}
}

func (res *result) print(w io.Writer) {
	fmt.Fprintf(w, "\nload average before %s, after %s; %d rounds\n\n", res.LoadBefore, res.LoadAfter, len(res.Rounds))
	fmt.Fprintf(w, "| probe | baseline | probe ms | baseline ms | ratio (median of rounds) | min–max | ≤ %.2f |\n|---|---|---|---|---|---|---|\n", res.Target)
	for _, q := range res.Ratios {
		verdict := "yes"
		if !q.Within {
			verdict = "**no**"
		}
		fmt.Fprintf(w, "| %s | %s | %.1f | %.1f | %.2f | %.2f–%.2f | %s |\n", q.probe, q.baseline, q.ProbeMs, q.BaseMs, q.Median, q.Min, q.Max, verdict)
	}
	for name, size := range res.Sizes {
		fmt.Fprintf(w, "\n%s: %.1f MB", name, float64(size)/1e6)
	}
	fmt.Fprintln(w)
	if res.Inits != nil {
		res.Inits.print(w)
	}
	if res.Attribution != nil {
		res.Attribution.print(w)
	}
}

// median returns the median of xs, 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
