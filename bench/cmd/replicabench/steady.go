package main

import (
	"context"
	"fmt"
	"time"
)

// startCluster makes a scenario's cluster and brings its replicas up.
func startCluster(ctx context.Context, o options, scenario string, sp spec) (*cluster, error) {
	c, err := newCluster(ctx, o, scenario, sp)
	if err != nil {
		return nil, err
	}
	if err := c.up(ctx); err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

// up starts the three replicas of c, waits until they share the shards
// and every target has been probed, and one more interval.
func (c *cluster) up(ctx context.Context) error {
	for slot := range c.reps {
		if err := c.start(ctx, slot); err != nil {
			return err
		}
	}
	if _, err := c.waitBalanced(ctx, 60*time.Second); err != nil {
		return err
	}
	end := time.Now().Add(3*c.sp.interval + 30*time.Second)
	for {
		st := c.tgt.Stats(time.Now())
		if st.Seen == c.sp.targets {
			break
		}
		if time.Now().After(end) {
			return fmt.Errorf("%d of %d targets probed so far", st.Seen, c.sp.targets)
		}
		if err := sleep(ctx, 500*time.Millisecond); err != nil {
			return err
		}
	}
	return sleep(ctx, c.sp.interval)
}

// steadyResult is what the steady scenario measured.
type steadyResult struct {
	Targets   int            `json:"targets"`
	IntervalS float64        `json:"interval_s"`
	WindowS   float64        `json:"window_s"`
	Probes    int            `json:"probes"`
	Expected  float64        `json:"expected"`
	DiffPct   float64        `json:"diff_pct"`
	Gaps      gapStats       `json:"gaps"`
	ByNode    map[string]int `json:"probes_by_node"`
	Shards    map[string]int `json:"shards_by_node"`
	MultiNode int            `json:"targets_probed_by_two_nodes"`
}

// steady: 3 replicas, every target probed once per interval over the
// window, the total within 2 % of window/interval × targets.
func steady(ctx context.Context, o options) (string, any, error) {
	ctx, cancel := context.WithTimeout(ctx, o.duration+5*time.Minute)
	defer cancel()
	c, err := startCluster(ctx, o, "steady", spec{targets: o.targets, interval: o.interval})
	if err != nil {
		return "", nil, err
	}
	defer c.close()
	t0 := time.Now()
	logf("steady: window of %v from %s", o.duration, t0.UTC().Format("15:04:05"))
	if err := sleep(ctx, o.duration); err != nil {
		return "", nil, err
	}
	t1 := time.Now()
	if err := c.checkAlive(); err != nil {
		return "", nil, err
	}
	r := &steadyResult{Targets: o.targets, IntervalS: o.interval.Seconds(), WindowS: t1.Sub(t0).Seconds(), ByNode: map[string]int{}}
	if r.Shards, err = c.owned(ctx); err != nil {
		return "", nil, err
	}
	hs := between(c.rec.since(t0), t0.UnixNano(), t1.UnixNano())
	r.Probes = len(hs)
	r.Expected = float64(o.targets) * t1.Sub(t0).Seconds() / o.interval.Seconds()
	r.DiffPct = 100 * (float64(r.Probes) - r.Expected) / r.Expected
	nodes := make([]map[string]bool, o.targets)
	for _, h := range hs {
		r.ByNode[h.Node]++
		if nodes[h.Target] == nil {
			nodes[h.Target] = map[string]bool{}
		}
		nodes[h.Target][h.Node] = true
	}
	for _, m := range nodes {
		if len(m) > 1 {
			r.MultiNode++
		}
	}
	r.Gaps = gaps(byTarget(hs, o.targets), nil, o.interval/2)
	sum := fmt.Sprintf("| targets | interval | window | probes | expected | diff | min gap | gaps < %v | max gap | targets probed by 2 nodes |\n|---|---|---|---|---|---|---|---|---|---|\n",
		o.interval/2)
	sum += fmt.Sprintf("| %d (3 replicas) | %v | %.0f s | %d | %.0f | %+.2f %% | %.2f s | %d of %d | %.2f s | %d |\n",
		o.targets, o.interval, r.WindowS, r.Probes, r.Expected, r.DiffPct, r.Gaps.MinS, r.Gaps.Short, r.Gaps.Gaps, r.Gaps.MaxS, r.MultiNode)
	sum += fmt.Sprintf("\nprobes by node %v; shards by node %v\n", r.ByNode, r.Shards)
	return sum, r, nil
}
