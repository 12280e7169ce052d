package main

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// restartResult is what the PostgreSQL restart and the rolling restart
// measured.
type restartResult struct {
	RestartS float64    `json:"restart_s,omitempty"` // the restart command's run
	ReadyS   float64    `json:"ready_s,omitempty"`   // from the restart until every replica's /readyz is 200 again
	Alive    bool       `json:"alive"`
	Failing  int        `json:"failing_targets"`
	MaxGapS  float64    `json:"max_gap_s"`
	BoundS   float64    `json:"bound_s"`
	Short    int        `json:"short"`
	Alerts   alertCount `json:"alerts"`
	Steps    []string   `json:"steps,omitempty"`
}

// failSome makes n targets fail (the first n whose shards are spread over
// the replicas) and returns them.
func (c *cluster) failSome(n int) []int {
	var out []int
	for i := 0; i < c.sp.targets && len(out) < n; i += c.sp.targets / n {
		c.down[i].Store(true)
		out = append(out, i)
	}
	return out
}

func (c *cluster) recover(ts []int) {
	for _, i := range ts {
		c.down[i].Store(false)
	}
}

// startIncidents starts the cluster of scenario name with 20 of its
// targets failing, and waits four intervals, so that their incidents are
// open before the scenario's fault.
func startIncidents(ctx context.Context, o options, name string) (*cluster, *restartResult, []int, error) {
	c, err := startCluster(ctx, o, name, spec{targets: o.targets, interval: o.interval, alertAfter: 2, resolveAfter: 2})
	if err != nil {
		return nil, nil, nil, err
	}
	res := &restartResult{BoundS: (2 * o.ttl).Seconds()}
	failing := c.failSome(20)
	res.Failing = len(failing)
	if err := sleep(ctx, 4*o.interval); err != nil {
		c.close()
		return nil, nil, nil, err
	}
	return c, res, failing, nil
}

// pgRestart: restart PostgreSQL under load, with 20 targets failing
// across it. The replicas must not crash, be ready again, keep probing,
// and notify each incident once.
func pgRestart(ctx context.Context, o options) (string, any, error) {
	ctx, cancel := context.WithTimeout(ctx, 8*time.Minute)
	defer cancel()
	c, res, failing, err := startIncidents(ctx, o, "pgrestart")
	if err != nil {
		return "", nil, err
	}
	defer c.close()
	iv := o.interval
	t0 := time.Now()
	logf("pgrestart: restarting PostgreSQL")
	rctx, rcancel := context.WithTimeout(ctx, 2*time.Minute)
	f := strings.Fields(o.pgRestart)
	out, err := exec.CommandContext(rctx, f[0], f[1:]...).CombinedOutput()
	rcancel()
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w: %s", o.pgRestart, err, out)
	}
	res.RestartS = time.Since(t0).Seconds()
	for {
		all := true
		for _, r := range c.reps {
			all = all && ready(r.listen)
		}
		if all {
			break
		}
		if time.Since(t0) > 3*time.Minute {
			return "", res, fmt.Errorf("replicas not ready 3 min after the restart")
		}
		if err := c.checkAlive(); err != nil {
			return "", res, err
		}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return "", nil, err
		}
	}
	res.ReadyS = time.Since(t0).Seconds()
	logf("pgrestart: every replica ready %.1f s after the restart began", res.ReadyS)
	if err := sleep(ctx, time.Until(t0.Add(45*time.Second))); err != nil {
		return "", nil, err
	}
	c.recover(failing)
	if err := sleep(ctx, 30*time.Second); err != nil {
		return "", nil, err
	}
	res.Alive = c.checkAlive() == nil
	c.measureGaps(res, t0.Add(-iv))
	sum := "| targets | failing across it | restart took | all replicas ready again | replicas alive | longest gap of a target | gaps < interval/2 | incidents notified (firing / resolved) | duplicates |\n|---|---|---|---|---|---|---|---|---|\n"
	sum += fmt.Sprintf("| %d | %d | %.1f s | %.1f s | %v | %.1f s | %d | %d / %d | %d |\n", o.targets, res.Failing, res.RestartS, res.ReadyS,
		res.Alive, res.MaxGapS, res.Short, res.Alerts.Firing, res.Alerts.Resolved, res.Alerts.Duplicates)
	return sum, res, nil
}

// measureGaps fills res's gaps since from and its alert counts.
func (c *cluster) measureGaps(res *restartResult, from time.Time) {
	g := gaps(byTarget(c.rec.since(from), c.sp.targets), nil, c.sp.interval/2)
	res.MaxGapS, res.Short = g.MaxS, g.Short
	ds, n := c.hook.deliveries()
	res.Alerts = countAlerts(ds, n)
}

// rolling: restart the three replicas one after another with SIGTERM,
// each back and the shards rebalanced before the next, with 20 targets
// failing throughout. No target may go unprobed for two lease periods,
// and each incident is notified once.
func rolling(ctx context.Context, o options) (string, any, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	c, res, failing, err := startIncidents(ctx, o, "rolling")
	if err != nil {
		return "", nil, err
	}
	defer c.close()
	iv := o.interval
	t0 := time.Now()
	for slot := range c.reps {
		old := c.reps[slot].node
		ts := time.Now()
		if err := c.term(slot, 30*time.Second); err != nil {
			return "", res, err
		}
		stopped := time.Since(ts)
		if err := c.start(ctx, slot); err != nil {
			return "", res, err
		}
		if _, err := c.waitBalanced(ctx, 90*time.Second); err != nil {
			return "", res, err
		}
		step := fmt.Sprintf("%s stopped in %.1f s, %s ready and balanced %.1f s after the stop", old, stopped.Seconds(),
			c.reps[slot].node, time.Since(ts).Seconds())
		logf("rolling: %s", step)
		res.Steps = append(res.Steps, step)
		if err := sleep(ctx, 2*iv); err != nil {
			return "", nil, err
		}
	}
	c.recover(failing)
	if err := sleep(ctx, 30*time.Second); err != nil {
		return "", nil, err
	}
	res.Alive = c.checkAlive() == nil
	c.measureGaps(res, t0.Add(-iv))
	sum := "| targets | failing throughout | longest gap of a target | bound | gaps < interval/2 | incidents notified (firing / resolved) | duplicates |\n|---|---|---|---|---|---|---|\n"
	sum += fmt.Sprintf("| %d | %d | %.1f s | %.0f s | %d | %d / %d | %d |\n", o.targets, res.Failing, res.MaxGapS, res.BoundS,
		res.Short, res.Alerts.Firing, res.Alerts.Resolved, res.Alerts.Duplicates)
	sum += "\n" + strings.Join(res.Steps, "; ") + "\n"
	return sum, res, nil
}
