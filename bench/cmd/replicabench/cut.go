package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/vitalsgo/vitals/bench/internal/load"
)

// cutResult is what the cut scenario measured.
type cutResult struct {
	Victim          string  `json:"victim"`
	Targets         int     `json:"targets"`            // its, at the cut
	RenewalBeforeS  float64 `json:"renewal_before_s"`   // its last renewal, this long before the cut
	LastProbeAfterS float64 `json:"last_probe_after_s"` // its last probe, this long after the cut
	SinceRenewalS   float64 `json:"last_probe_since_renewal_s"`
	BoundS          float64 `json:"bound_s"` // lease_ttl − 1 s after the last renewal
	MaxGapS         float64 `json:"max_gap_s"`
	P50GapS         float64 `json:"p50_gap_s"`
	Missing         int     `json:"missing"`
	Short           int     `json:"short"`
	Alive           bool    `json:"alive"`
	RejoinS         float64 `json:"rejoin_s"` // restore to balanced
}

// cut: cut one replica's proxy to PostgreSQL for 60 s. It must stop
// probing within lease_ttl − 1 s of its last renewal; its peers take its
// targets within two lease periods; restored, it rejoins.
func cut(ctx context.Context, o options) (string, any, error) {
	ctx, cancel := context.WithTimeout(ctx, 8*time.Minute)
	defer cancel()
	c, err := startCluster(ctx, o, "cut", spec{targets: o.targets, interval: o.interval})
	if err != nil {
		return "", nil, err
	}
	defer c.close()
	iv := o.interval
	r := c.reps[1]
	res := &cutResult{Victim: r.node, BoundS: (o.ttl - time.Second).Seconds()}
	tc := time.Now()
	r.proxy.setCut(true)
	logf("cut: %s cut from PostgreSQL", r.node)
	// The last renewal that reached the database, read after the cut so
	// that one in flight at the cut is seen.
	renewed, err := c.lastRenewal(ctx, r.node)
	if err != nil {
		return "", nil, err
	}
	res.RenewalBeforeS = tc.Sub(renewed).Seconds()
	if err := sleep(ctx, 60*time.Second); err != nil {
		return "", nil, err
	}
	from := tc.Add(-2 * iv)
	hs := c.rec.since(from)
	var last int64
	for _, h := range hs {
		if h.Node == r.node {
			last = max(last, h.At)
		}
	}
	res.LastProbeAfterS = time.Duration(last - tc.UnixNano()).Seconds()
	res.SinceRenewalS = time.Duration(last - renewed.UnixNano()).Seconds()
	// Handover gap of each of its targets: from its own last request to
	// the first of a peer after it.
	before := lastBefore(hs, c.sp.targets, tc.UnixNano())
	var gs []float64
	for i, n := range before {
		if n != r.node {
			continue
		}
		res.Targets++
		var mine, peer int64
		for _, h := range hs {
			if int(h.Target) == i && h.Node == r.node {
				mine = max(mine, h.At)
			}
		}
		for _, h := range hs {
			if int(h.Target) == i && h.Node != r.node && h.At > mine && (peer == 0 || h.At < peer) {
				peer = h.At
			}
		}
		if peer == 0 {
			res.Missing++
			continue
		}
		gs = append(gs, time.Duration(peer-mine).Seconds())
	}
	if len(gs) > 0 {
		res.MaxGapS, res.P50GapS = slices.Max(gs), load.Percentile(gs, 50)
	}
	res.Alive = !r.proc.Exited()
	t0 := time.Now()
	r.proxy.setCut(false)
	logf("cut: %s restored", r.node)
	if _, err := c.waitBalanced(ctx, 90*time.Second); err != nil {
		return "", res, err
	}
	res.RejoinS = time.Since(t0).Seconds()
	if err := sleep(ctx, 2*iv); err != nil {
		return "", res, err
	}
	res.Short = gaps(byTarget(c.rec.since(from), c.sp.targets), nil, iv/2).Short
	sum := "| its targets | last renewal before the cut | its last probe after the cut | … after its last renewal | bound | peers' takeover gap p50 / max | not taken over | gaps < interval/2 | alive | rejoined after restore |\n|---|---|---|---|---|---|---|---|---|---|\n"
	sum += fmt.Sprintf("| %d | %.1f s | %.1f s | %.1f s | %.0f s | %.1f / %.1f s | %d | %d | %v | %.1f s |\n",
		res.Targets, res.RenewalBeforeS, res.LastProbeAfterS, res.SinceRenewalS, res.BoundS, res.P50GapS, res.MaxGapS,
		res.Missing, res.Short, res.Alive, res.RejoinS)
	return sum, res, nil
}
