package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vitalsgo/vitals/bench/internal/cfgfile"
	"github.com/vitalsgo/vitals/bench/internal/procstat"
)

// replicaCost is one replica's share of the window.
type replicaCost struct {
	Node       string  `json:"node"`
	Shards     int     `json:"shards"`
	CPUPercent float64 `json:"cpu_percent"` // of one core
	RSSMB      float64 `json:"rss_mb"`      // at the end of the window
	RSSMaxMB   float64 `json:"rss_max_mb"`
	// From its /metrics after the window: what its store writer has
	// written, still holds and failed.
	Written  int64 `json:"store_written"`
	Queued   int64 `json:"store_queued"`
	Failures int64 `json:"store_write_failures"`
	// Rejected and dropped results are lost: refused by the database,
	// or pushed out of a full queue.
	Rejected int64 `json:"store_rejected"`
	Dropped  int64 `json:"store_dropped"`
}

// benchResult is what the bench scenario measured.
type benchResult struct {
	Targets    int           `json:"targets"`
	Files      int           `json:"check_files"` // included by each replica's file
	WindowS    float64       `json:"window_s"`
	ProbesPerS float64       `json:"probes_per_s"`
	Replicas   []replicaCost `json:"replicas"`
	XactsPerS  float64       `json:"pg_transactions_per_s"`
	// StmtsPerS is -1 without pg_stat_statements.
	StmtsPerS   float64 `json:"pg_statements_per_s"`
	InsertsPerS float64 `json:"pg_rows_inserted_per_s"`
	UpdatesPerS float64 `json:"pg_rows_updated_per_s"`
	RenewPerS   float64 `json:"lease_renewals_per_s"`
	// StoredPerS is results probed in the window found in the store 5 s
	// after it: with ProbesPerS, whether the writers keep up.
	StoredPerS float64 `json:"stored_per_s"`
	Load       string  `json:"load_after"`
}

// bench: three replicas on many targets at 10 s: CPU and RSS of each,
// PostgreSQL statements per second (pg_stat_statements, where the server
// loads it) and transactions per second (pg_stat_database), lease
// renewals per second (changes of each
// node's latest expires_at in vitals_shards, polled every 250 ms).
func bench(ctx context.Context, o options) (string, any, error) {
	ctx, cancel := context.WithTimeout(ctx, o.warmup+o.window+8*time.Minute)
	defer cancel()
	res := &benchResult{Targets: o.benchN, Files: (o.benchN + cfgfile.PerFile - 1) / cfgfile.PerFile}
	c, err := startCluster(ctx, o, "bench", spec{targets: o.benchN, interval: 10 * time.Second, compact: true})
	if err != nil {
		return "", nil, err
	}
	defer c.close()
	if err := sleep(ctx, o.warmup); err != nil {
		return "", nil, err
	}
	p0 := make([]procstat.Sample, len(c.reps))
	for i, r := range c.reps {
		if p0[i], err = procstat.Read(r.proc.Pid); err != nil {
			return "", nil, err
		}
	}
	pg0, err := c.pgStats(ctx)
	if err != nil {
		return "", nil, err
	}
	s0 := c.tgt.Stats(time.Now())
	renewals, rssMax := 0, make([]int64, len(c.reps))
	prev := map[string]time.Time{}
	end := time.Now().Add(o.window)
	for k := 0; time.Now().Before(end); k++ {
		latest, err := c.latestExpiry(ctx)
		if err != nil {
			return "", nil, err
		}
		for node, t := range latest {
			if p, ok := prev[node]; ok && !t.Equal(p) {
				renewals++
			}
			prev[node] = t
		}
		if k%8 == 0 {
			for i, r := range c.reps {
				if p, err := procstat.Read(r.proc.Pid); err == nil {
					rssMax[i] = max(rssMax[i], p.RSS)
				}
			}
		}
		if err := sleep(ctx, 250*time.Millisecond); err != nil {
			return "", nil, err
		}
	}
	s1 := c.tgt.Stats(time.Now())
	t0, t1 := time.Unix(0, s0.At), time.Unix(0, s1.At)
	pg1, err := c.pgStats(ctx)
	if err != nil {
		return "", nil, err
	}
	own, err := c.owned(ctx)
	if err != nil {
		return "", nil, err
	}
	var wall time.Duration
	for i, r := range c.reps {
		p1, err := procstat.Read(r.proc.Pid)
		if err != nil {
			return "", nil, err
		}
		wall = p1.Time.Sub(p0[i].Time)
		res.Replicas = append(res.Replicas, replicaCost{Node: r.node, Shards: own[r.node], CPUPercent: procstat.CPUPercent(p0[i], p1),
			RSSMB: float64(p1.RSS) / 1e6, RSSMaxMB: float64(max(rssMax[i], p1.RSS)) / 1e6})
	}
	if err := c.checkAlive(); err != nil {
		return "", nil, err
	}
	res.WindowS = wall.Seconds()
	pgS := pg1.At.Sub(pg0.At).Seconds()
	res.ProbesPerS = float64(s1.Total-s0.Total) / time.Duration(s1.At-s0.At).Seconds()
	res.XactsPerS = float64(pg1.Xacts-pg0.Xacts) / pgS
	res.StmtsPerS = -1
	if pg0.Statements >= 0 && pg1.Statements >= 0 {
		res.StmtsPerS = float64(pg1.Statements-pg0.Statements) / pgS
	}
	res.InsertsPerS = float64(pg1.Inserted-pg0.Inserted) / pgS
	res.UpdatesPerS = float64(pg1.Updated-pg0.Updated) / pgS
	res.RenewPerS = float64(renewals) / pgS
	res.Load = procstat.LoadAvg()
	if err := sleep(ctx, 5*time.Second); err != nil {
		return "", nil, err
	}
	var stored int64
	if err := c.db.QueryRowContext(ctx, `SELECT count(*) FROM results WHERE at >= $1 AND at < $2`, t0.UnixMilli(), t1.UnixMilli()).Scan(&stored); err != nil {
		return "", nil, err
	}
	res.StoredPerS = float64(stored) / t1.Sub(t0).Seconds()
	for i, r := range c.reps {
		m, err := scrape(ctx, r.listen, "vitals_monitor_store_written_total", "vitals_monitor_store_queued", "vitals_monitor_store_write_failures_total",
			"vitals_monitor_store_rejected_total", "vitals_monitor_store_dropped_total")
		if err != nil {
			return "", nil, err
		}
		rc := &res.Replicas[i]
		rc.Written, rc.Queued, rc.Failures, rc.Rejected, rc.Dropped = m[0], m[1], m[2], m[3], m[4]
	}
	var per []string
	for _, r := range res.Replicas {
		per = append(per, fmt.Sprintf("%s: %d shards, %.1f %% CPU, RSS %.0f MB (max %.0f), store written %d, queued %d, failures %d, rejected %d, dropped %d",
			r.Node, r.Shards, r.CPUPercent, r.RSSMB, r.RSSMaxMB, r.Written, r.Queued, r.Failures, r.Rejected, r.Dropped))
	}
	sum := "| targets | window | probes/s | stored/s | CPU per replica (% of a core) | RSS per replica | PG statements/s | PG transactions/s | rows inserted/s | rows updated/s | lease renewals/s |\n|---|---|---|---|---|---|---|---|---|---|---|\n"
	var cpus, rss []string
	for _, r := range res.Replicas {
		cpus = append(cpus, fmt.Sprintf("%.1f", r.CPUPercent))
		rss = append(rss, fmt.Sprintf("%.0f MB", r.RSSMB))
	}
	stmts := "n/a (no pg_stat_statements)"
	if res.StmtsPerS >= 0 {
		stmts = fmt.Sprintf("%.0f", res.StmtsPerS)
	}
	sum += fmt.Sprintf("| %d | %.0f s | %.0f | %.0f | %s | %s | %s | %.0f | %.0f | %.0f | %.2f |\n", res.Targets, res.WindowS, res.ProbesPerS, res.StoredPerS,
		strings.Join(cpus, " / "), strings.Join(rss, " / "), stmts, res.XactsPerS, res.InsertsPerS, res.UpdatesPerS, res.RenewPerS)
	sum += "\n" + strings.Join(per, "; ") + "; load after: " + res.Load + "\n"
	return sum, res, nil
}

// latestExpiry returns each node's latest lease expiry: it moves at every
// renewal.
func (c *cluster) latestExpiry(ctx context.Context) (map[string]time.Time, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT owner, max(expires_at) FROM vitals_shards WHERE owner IS NOT NULL GROUP BY owner`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var node string
		var t time.Time
		if err := rows.Scan(&node, &t); err != nil {
			return nil, err
		}
		out[node] = t
	}
	return out, rows.Err()
}

// scrape returns the values of the named series in the /metrics of the
// monitor at listen, 0 for one it lacks. At 30,000 targets the page is
// large, so it gets a minute.
func scrape(ctx context.Context, listen string, names ...string) ([]int64, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+listen+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := make([]int64, len(names))
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if i := slices.Index(names, name); ok && i >= 0 {
			f, err := strconv.ParseFloat(value, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", listen, name, err)
			}
			out[i] = int64(f)
		}
	}
	return out, sc.Err()
}
