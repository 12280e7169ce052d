package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/vitalsgo/vitals/bench/internal/load"
)

// killRound is one kill -9.
type killRound struct {
	Victim  string  `json:"victim"`
	Targets int     `json:"targets"`   // the victim's: its request was the last before the kill
	MaxGapS float64 `json:"max_gap_s"` // longest handover gap of its targets
	P50GapS float64 `json:"p50_gap_s"`
	Missing int     `json:"missing"`  // victim's targets not probed again by the end of the round
	Short   int     `json:"short"`    // gaps under interval/2 of any target, kill to end of round
	RejoinS float64 `json:"rejoin_s"` // restart to balanced
}

type killResult struct {
	BoundS    float64     `json:"bound_s"`
	Rounds    []killRound `json:"rounds"`
	P50MaxGap float64     `json:"p50_of_max_gap_s"`
	MaxMaxGap float64     `json:"max_of_max_gap_s"`
	Short     int         `json:"short"`
	Missing   int         `json:"missing"`
}

// kill: kill -9 a random replica; its targets must be probed again within
// two lease periods, none twice within half an interval; the replica is
// restarted under a new node name and the shards rebalanced before the
// next kill.
func kill(ctx context.Context, o options) (string, any, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(o.kills)*2*time.Minute+5*time.Minute)
	defer cancel()
	c, err := startCluster(ctx, o, "kill", spec{targets: o.targets, interval: o.interval})
	if err != nil {
		return "", nil, err
	}
	defer c.close()
	res := &killResult{BoundS: (2 * o.ttl).Seconds()}
	for k := range o.kills {
		round, err := c.killOnce(ctx)
		if err != nil {
			return "", res, fmt.Errorf("kill %d: %w", k+1, err)
		}
		logf("kill %d/%d: %s, %d targets, max gap %.1f s, p50 %.1f s, %d missing, %d short gaps, rejoined in %.1f s",
			k+1, o.kills, round.Victim, round.Targets, round.MaxGapS, round.P50GapS, round.Missing, round.Short, round.RejoinS)
		res.Rounds = append(res.Rounds, round)
	}
	var maxes []float64
	for _, r := range res.Rounds {
		maxes = append(maxes, r.MaxGapS)
		res.Short += r.Short
		res.Missing += r.Missing
	}
	res.P50MaxGap, res.MaxMaxGap = load.Percentile(maxes, 50), slices.Max(maxes)
	sum := "| kills | targets per kill | max gap per kill: p50 | max | bound (2 × lease_ttl) | targets not probed again | gaps < interval/2 after kills |\n|---|---|---|---|---|---|---|\n"
	sum += fmt.Sprintf("| %d | %s | %.1f s | %.1f s | %.0f s | %d | %d |\n", len(res.Rounds), targetRange(res.Rounds),
		res.P50MaxGap, res.MaxMaxGap, res.BoundS, res.Missing, res.Short)
	return sum, res, nil
}

func targetRange(rs []killRound) string {
	lo, hi := -1, 0
	for _, r := range rs {
		if lo < 0 || r.Targets < lo {
			lo = r.Targets
		}
		hi = max(hi, r.Targets)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

func (c *cluster) killOnce(ctx context.Context) (killRound, error) {
	iv := c.sp.interval
	if _, err := c.waitBalanced(ctx, 90*time.Second); err != nil {
		return killRound{}, err
	}
	if err := sleep(ctx, iv+time.Second); err != nil {
		return killRound{}, err
	}
	slot := rand.IntN(len(c.reps))
	victim := c.reps[slot].node
	tk := time.Now()
	c.kill(slot)
	from := tk.Add(-2 * iv)
	before := lastBefore(c.rec.since(from), c.sp.targets, tk.UnixNano())
	var mine []int
	for i, n := range before {
		if n == victim {
			mine = append(mine, i)
		}
	}
	// Wait until each of the victim's targets was probed again, or two
	// lease periods and an interval.
	end := tk.Add(2*c.o.ttl + iv)
	for time.Now().Before(end) {
		times := byTarget(c.rec.since(from), c.sp.targets)
		left := 0
		for _, i := range mine {
			if handover(times[i], tk.UnixNano()) < 0 {
				left++
			}
		}
		if left == 0 {
			break
		}
		if err := sleep(ctx, 500*time.Millisecond); err != nil {
			return killRound{}, err
		}
	}
	// An interval more, to see a double probe right after the takeover.
	if err := sleep(ctx, iv); err != nil {
		return killRound{}, err
	}
	t0 := time.Now()
	if err := c.start(ctx, slot); err != nil {
		return killRound{}, err
	}
	if _, err := c.waitBalanced(ctx, 90*time.Second); err != nil {
		return killRound{}, err
	}
	r := killRound{Victim: victim, Targets: len(mine), RejoinS: time.Since(t0).Seconds()}
	if err := sleep(ctx, 2*iv); err != nil {
		return killRound{}, err
	}
	hs := c.rec.since(from)
	times := byTarget(hs, c.sp.targets)
	var gs []float64
	for _, i := range mine {
		g := handover(times[i], tk.UnixNano())
		if g < 0 {
			r.Missing++
			continue
		}
		gs = append(gs, g.Seconds())
	}
	if len(gs) > 0 {
		r.MaxGapS, r.P50GapS = slices.Max(gs), load.Percentile(gs, 50)
	}
	r.Short = gaps(byTarget(between(hs, tk.Add(-iv).UnixNano(), time.Now().UnixNano()), c.sp.targets), nil, iv/2).Short
	return r, nil
}
