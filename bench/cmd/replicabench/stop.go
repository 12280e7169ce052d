package main

import (
	"context"
	"fmt"
	"syscall"
	"time"
)

// stopResult is what the SIGSTOP scenario measured.
type stopResult struct {
	Victim       string     `json:"victim"`
	Shards       int        `json:"shards"` // the victim held at the stop
	StoppedS     float64    `json:"stopped_s"`
	Failing      int        `json:"failing_targets"`
	RowsAtStop   int64      `json:"old_epoch_rows_at_stop"`
	RowsAtEnd    int64      `json:"old_epoch_rows_at_end"`
	StaleRows    int64      `json:"stale_rows"` // written with the old epochs after the stop
	Alerts       alertCount `json:"alerts"`
	VictimAfter  int        `json:"victim_alerts_after_cont"`
	VictimProbes int        `json:"victim_probes_2s_after_cont"`
	RejoinS      float64    `json:"rejoin_s"`
}

// stopCont: SIGSTOP one replica for 40 s, then SIGCONT. Some of its
// targets start failing one interval before the stop, so that their
// incidents fall due while it is stopped. Nothing may be written with its
// old epochs after the stop, and each incident is notified once.
func stopCont(ctx context.Context, o options) (string, any, error) {
	ctx, cancel := context.WithTimeout(ctx, 8*time.Minute)
	defer cancel()
	c, err := startCluster(ctx, o, "stop", spec{targets: o.targets, interval: o.interval, alertAfter: 3, resolveAfter: 2})
	if err != nil {
		return "", nil, err
	}
	defer c.close()
	iv := o.interval
	r := c.reps[0]
	res := &stopResult{Victim: r.node, StoppedS: 40}
	held, err := c.leases(ctx, r.node)
	if err != nil {
		return "", nil, err
	}
	var failing []int
	for i := 0; i < o.targets && len(failing) < 20; i++ {
		if _, ok := held[c.shardOf(i)]; ok {
			failing = append(failing, i)
		}
	}
	res.Failing = len(failing)
	for _, i := range failing {
		c.down[i].Store(true)
	}
	if err := sleep(ctx, iv+time.Second); err != nil {
		return "", nil, err
	}
	if held, err = c.leases(ctx, r.node); err != nil {
		return "", nil, err
	}
	res.Shards = len(held)
	ts := time.Now()
	if err := r.proc.Signal(syscall.SIGSTOP); err != nil {
		return "", nil, err
	}
	logf("stop: %s stopped, holding %d shards; %d of its targets failing", r.node, len(held), len(failing))
	// Whatever it committed before the stop is in; a commit it sent just
	// before is given a second to land.
	if err := sleep(ctx, time.Second); err != nil {
		return "", nil, err
	}
	if res.RowsAtStop, err = c.epochRows(ctx, held); err != nil {
		return "", nil, err
	}
	if err := sleep(ctx, time.Until(ts.Add(40*time.Second))); err != nil {
		return "", nil, err
	}
	tc := time.Now()
	if err := r.proc.Signal(syscall.SIGCONT); err != nil {
		return "", nil, err
	}
	logf("stop: %s continued", r.node)
	took, err := c.waitBalanced(ctx, 90*time.Second)
	if err != nil {
		return "", nil, err
	}
	res.RejoinS = took.Seconds()
	if err := sleep(ctx, time.Until(tc.Add(20*time.Second))); err != nil {
		return "", nil, err
	}
	for _, i := range failing {
		c.down[i].Store(false)
	}
	// resolve_after 2 at 5 s, the write, the send: 30 s is ample.
	if err := sleep(ctx, 30*time.Second); err != nil {
		return "", nil, err
	}
	if err := c.checkAlive(); err != nil {
		return "", nil, err
	}
	if res.RowsAtEnd, err = c.epochRows(ctx, held); err != nil {
		return "", nil, err
	}
	res.StaleRows = res.RowsAtEnd - res.RowsAtStop
	ds, n := c.hook.deliveries()
	res.Alerts = countAlerts(ds, n)
	for _, d := range ds {
		if d.Node == r.node && d.At > tc.UnixNano() {
			res.VictimAfter++
		}
	}
	// Its timers fire at once after SIGCONT; it holds no shard then (its
	// peers took them all), so a probe in these 2 s ran on a stale lease.
	for _, h := range c.rec.since(tc) {
		if h.Node == r.node && h.At < tc.Add(2*time.Second).UnixNano() {
			res.VictimProbes++
		}
	}
	sum := "| stopped | shards held | results with its old epochs written after the stop | failing targets | incidents notified (firing / resolved) | duplicate notifications | its notifications after SIGCONT | rejoined after SIGCONT |\n|---|---|---|---|---|---|---|---|\n"
	sum += fmt.Sprintf("| 40 s | %d | %d (%d rows at the stop, %d at the end) | %d | %d / %d | %d | %d | %.1f s |\n",
		res.Shards, res.StaleRows, res.RowsAtStop, res.RowsAtEnd, res.Failing, res.Alerts.Firing, res.Alerts.Resolved,
		res.Alerts.Duplicates, res.VictimAfter, res.RejoinS)
	sum += fmt.Sprintf("\nalerts by sending node %v; probes by the stopped replica in the 2 s after SIGCONT: %d\n", res.Alerts.ByNode, res.VictimProbes)
	return sum, res, nil
}
