package main

import (
	"context"
	"fmt"
	"time"
)

// sharedResult is what the shared-outage scenario measured.
type sharedResult struct {
	Targets   int            `json:"targets"`
	Flapping  int            `json:"flapping_targets"`
	Owners    map[string]int `json:"flapping_targets_by_owner"`
	Outages   int            `json:"outages"`
	Alerts    alertCount     `json:"alerts"`
	PerTarget map[string]int `json:"firing_per_target"`
}

// shared: 10 targets in different shards, owned by different replicas, go
// down for 4 s and up for 6 s, 5 times each: 50 outages of targets that
// all three replicas have in their file. Each must be notified exactly
// once as firing and once as resolved at the webhook receiver.
func shared(ctx context.Context, o options) (string, any, error) {
	ctx, cancel := context.WithTimeout(ctx, 6*time.Minute)
	defer cancel()
	const n, flap, cycles = 90, 10, 5
	const downFor, period = 4 * time.Second, 10 * time.Second
	c, err := startCluster(ctx, o, "shared", spec{targets: n, interval: time.Second, alertAfter: 1, resolveAfter: 1})
	if err != nil {
		return "", nil, err
	}
	defer c.close()
	// Targets of distinct shards.
	var ts []int
	seen := map[int]bool{}
	for i := 0; i < n && len(ts) < flap; i++ {
		if s := c.shardOf(i); !seen[s] {
			seen[s] = true
			ts = append(ts, i)
		}
	}
	now := time.Now()
	owner := lastBefore(c.rec.since(now.Add(-3*time.Second)), n, now.UnixNano())
	res := &sharedResult{Targets: n, Flapping: len(ts), Owners: map[string]int{}, PerTarget: map[string]int{}}
	for _, i := range ts {
		res.Owners[owner[i]]++
	}
	t0 := time.Now()
	last := t0.Add(time.Duration(len(ts)-1)*time.Second + cycles*period)
	for time.Now().Before(last) {
		e := time.Since(t0)
		for j, i := range ts {
			local := e - time.Duration(j)*time.Second
			c.down[i].Store(local >= 0 && local < cycles*period && local%period < downFor)
		}
		if err := sleep(ctx, 50*time.Millisecond); err != nil {
			return "", nil, err
		}
	}
	c.recover(ts)
	res.Outages = len(ts) * cycles
	if err := sleep(ctx, 15*time.Second); err != nil {
		return "", nil, err
	}
	if err := c.checkAlive(); err != nil {
		return "", nil, err
	}
	ds, reqs := c.hook.deliveries()
	res.Alerts = countAlerts(ds, reqs)
	for _, d := range ds {
		if d.Kind == "firing" {
			res.PerTarget[d.Target]++
		}
	}
	sum := "| outages | targets (shards) | owners of the flapping targets | firing notifications | resolved notifications | duplicates | webhook requests |\n|---|---|---|---|---|---|---|\n"
	sum += fmt.Sprintf("| %d | %d (%d distinct) | %v | %d | %d | %d | %d |\n", res.Outages, len(ts), len(seen), res.Owners,
		res.Alerts.Firing, res.Alerts.Resolved, res.Alerts.Duplicates, res.Alerts.Requests)
	return sum, res, nil
}
