package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/store"

	_ "modernc.org/sqlite" // the "sqlite" driver, as the store uses
)

// openDB opens the store's SQLite file from a connection of this process,
// waiting up to 10 s for the monitor's writes.
func openDB(path string) (*sql.DB, error) {
	return sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(10000)")
}

// checkpoint copies the WAL into the database file and truncates it, from a
// connection of this process, and returns the size of the database file
// after it (with the WAL empty, that is what the history takes) and the
// number of results stored. The monitor goes on writing meanwhile; its next
// write waits for the checkpoint.
func checkpoint(ctx context.Context, path string) (size, results int64, err error) {
	db, err := openDB(path)
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	for try := 0; ; try++ {
		var busy, log, done int
		if err := db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &log, &done); err != nil {
			return 0, 0, fmt.Errorf("checkpoint: %w", err)
		}
		if busy == 0 {
			break
		}
		if try == 20 {
			return 0, 0, fmt.Errorf("checkpoint: still busy after %d tries", try+1)
		}
		time.Sleep(100 * time.Millisecond)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0, 0, err
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM results`).Scan(&results); err != nil {
		return 0, 0, err
	}
	return fi.Size(), results, nil
}

// fileSize returns the size of path, 0 when it does not exist.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// rowBytes is what one row of each growing table takes in the file, with
// its indexes and the free space of its pages (SQLite's dbstat).
type rowBytes struct {
	Result   float64 `json:"result"`
	Rollup   float64 `json:"rollup"`
	Interval float64 `json:"interval"`
	// The counts they were measured over, and the failed results among them.
	Results, Rollups, Intervals, Fails int64
	FileBytes                          int64 `json:"file_bytes"`
	FreeBytes                          int64 `json:"free_bytes"` // on the freelist
}

// measureRows reads, from a stopped monitor's database, the bytes per row
// of results, rollups and intervals.
func measureRows(ctx context.Context, path string) (rowBytes, error) {
	var rb rowBytes
	db, err := openDB(path)
	if err != nil {
		return rb, err
	}
	defer db.Close()
	bytes := map[string]int64{}
	rows, err := db.QueryContext(ctx, `SELECT name, SUM(pgsize) FROM dbstat GROUP BY name`)
	if err != nil {
		return rb, fmt.Errorf("dbstat: %w", err)
	}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			rows.Close()
			return rb, err
		}
		bytes[name] = n
	}
	if err := rows.Close(); err != nil {
		return rb, err
	}
	for _, q := range []struct {
		sql string
		n   *int64
	}{
		{`SELECT COUNT(*) FROM results`, &rb.Results},
		{`SELECT COUNT(*) FROM rollups`, &rb.Rollups},
		{`SELECT COUNT(*) FROM intervals`, &rb.Intervals},
		{fmt.Sprintf(`SELECT COUNT(*) FROM results WHERE status = %d`, vitals.StatusFail), &rb.Fails},
	} {
		if err := db.QueryRowContext(ctx, q.sql).Scan(q.n); err != nil {
			return rb, err
		}
	}
	var pageSize, free int64
	if err := db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		return rb, err
	}
	if err := db.QueryRowContext(ctx, `PRAGMA freelist_count`).Scan(&free); err != nil {
		return rb, err
	}
	rb.FreeBytes = free * pageSize
	rb.FileBytes = fileSize(path)
	per := func(n int64, names ...string) float64 {
		if n == 0 {
			return 0
		}
		var sum int64
		for _, name := range names {
			sum += bytes[name]
		}
		return float64(sum) / float64(n)
	}
	// The table and its indexes, by the names migration 1 and 2 give them
	// (sqlite_autoindex_rollups_1 is the primary key's).
	rb.Result = per(rb.Results, "results", "results_target_at", "results_at")
	rb.Rollup = per(rb.Rollups, "rollups", "sqlite_autoindex_rollups_1", "rollups_res_start")
	rb.Interval = per(rb.Intervals, "intervals", "intervals_open", "intervals_target_since")
	return rb, nil
}

// projection is the history's size at n targets of one interval, from the
// bytes per row.
type projection struct {
	PerDay  float64 `json:"per_day"`  // bytes added per day, keeping everything
	PerYear float64 `json:"per_year"` // keeping everything
	// Steady is the size under the retention once the longest retention
	// has passed (a year and more of day rollups kept forever on top);
	// -1 when raw results or rollups are kept forever.
	Steady float64 `json:"steady"`
	// SteadyDays is when it is reached; after it the file grows by the day
	// rollups alone: SteadyPerYear.
	SteadyDays    float64 `json:"steady_days"`
	SteadyPerYear float64 `json:"steady_per_year"`
}

const day = 24 * time.Hour

// project computes the growth of n targets probed every interval, with
// status intervals left aside: a target that keeps its status has one row,
// updated in place, and one more per change of status.
func project(n int, interval time.Duration, rb rowBytes, keep store.Retention) projection {
	nf := float64(n)
	rows := func(d, every time.Duration) float64 { return nf * float64(d) / float64(every) }
	perDay := rows(day, interval)*rb.Result + (rows(day, time.Minute)+rows(day, time.Hour)+rows(day, day))*rb.Rollup
	p := projection{PerDay: perDay, PerYear: 365 * perDay, Steady: -1}
	if keep.Raw <= 0 || keep.Minute <= 0 || keep.Hour <= 0 {
		return p
	}
	longest := max(keep.Raw, keep.Minute, keep.Hour)
	p.SteadyDays = float64(longest) / float64(day)
	p.Steady = rows(keep.Raw, interval)*rb.Result +
		(rows(keep.Minute, time.Minute)+rows(keep.Hour, time.Hour)+rows(longest, day))*rb.Rollup +
		nf*rb.Interval
	p.SteadyPerYear = rows(365*day, day) * rb.Rollup
	return p
}
