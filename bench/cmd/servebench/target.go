package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// targetPrefix is the path under which target i is /t/i.
const targetPrefix = "/t/"

// targetStats is what the target server's /_stats answers: per target,
// how often it was asked, when first, and its longest gap between two
// requests since the last /_mark (or since the last request, if longer).
type targetStats struct {
	At       int64   `json:"at_ns"` // unix ns when the stats were taken
	Total    int64   `json:"total"` // requests for a target path
	Unknown  int64   `json:"unknown"`
	Seen     int     `json:"seen"`             // targets asked at least once
	FirstMin int64   `json:"first_min"`        // unix ns of the earliest first request, 0 for none
	FirstMax int64   `json:"first_max"`        // unix ns of the latest first request
	Counts   []int64 `json:"counts,omitempty"` // by target; not with ?brief
	GapsMS   []int64 `json:"gaps_ms,omitempty"`
}

// targets counts the requests of n target paths. Every field is updated
// with atomics from the handler's goroutines; the counts are read without
// a lock, so a snapshot is only consistent per target.
type targets struct {
	total, unknown atomic.Int64
	count          []atomic.Int64
	first, last    []atomic.Int64 // unix ns; 0 for none
	maxGap         []atomic.Int64 // ns, since the last mark
}

func newTargets(n int) *targets {
	return &targets{
		count: make([]atomic.Int64, n), first: make([]atomic.Int64, n),
		last: make([]atomic.Int64, n), maxGap: make([]atomic.Int64, n),
	}
}

func (t *targets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_stats":
		st := t.stats(time.Now())
		if r.URL.Query().Has("brief") {
			st.Counts, st.GapsMS = nil, nil
		}
		json.NewEncoder(w).Encode(st)
		return
	case "/_mark":
		for i := range t.maxGap {
			t.maxGap[i].Store(0)
		}
		return
	}
	i, ok := targetIndex(r.URL.Path, len(t.count))
	if !ok {
		t.unknown.Add(1)
		http.NotFound(w, r)
		return
	}
	now := time.Now().UnixNano()
	t.total.Add(1)
	t.count[i].Add(1)
	t.first[i].CompareAndSwap(0, now)
	if prev := t.last[i].Swap(now); prev != 0 {
		gap := now - prev
		for {
			m := t.maxGap[i].Load()
			if gap <= m || t.maxGap[i].CompareAndSwap(m, gap) {
				break
			}
		}
	}
	w.Header().Set("Content-Type", "text/plain")
	w.Write([]byte("ok\n"))
}

// targetIndex parses /t/NNNNN into its index below n.
func targetIndex(path string, n int) (int, bool) {
	s, ok := strings.CutPrefix(path, targetPrefix)
	if !ok || s == "" || s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	i, err := strconv.Atoi(s)
	if err != nil || i < 0 || i >= n {
		return 0, false
	}
	return i, true
}

func (t *targets) stats(now time.Time) targetStats {
	n := len(t.count)
	st := targetStats{At: now.UnixNano(), Total: t.total.Load(), Unknown: t.unknown.Load(),
		Counts: make([]int64, n), GapsMS: make([]int64, n)}
	for i := range n {
		st.Counts[i] = t.count[i].Load()
		f := t.first[i].Load()
		if f == 0 {
			continue
		}
		st.Seen++
		if st.FirstMin == 0 || f < st.FirstMin {
			st.FirstMin = f
		}
		st.FirstMax = max(st.FirstMax, f)
		// A target not asked lately has an open gap up to now.
		gap := max(t.maxGap[i].Load(), st.At-t.last[i].Load())
		st.GapsMS[i] = gap / 1e6
	}
	return st
}

// runTarget is the target role: it serves n target paths on loopback,
// prints {"addr": …} and serves until SIGTERM or its deadline.
func runTarget(args []string) error {
	fs := flag.NewFlagSet("servebench target", flag.ContinueOnError)
	n := fs.Int("n", 1000, "number of target paths")
	deadline := fs.Duration("deadline", 10*time.Minute, "exit after this long whatever happens")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *deadline)
	defer cancel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: newTargets(*n), ReadHeaderTimeout: 5 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	if err := json.NewEncoder(os.Stdout).Encode(map[string]string{"addr": ln.Addr().String()}); err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	err = srv.Shutdown(sctx)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// targetURL is the URL of target i on the server at addr.
func targetURL(addr string, i int) string {
	return fmt.Sprintf("http://%s%s%05d", addr, targetPrefix, i)
}

var statsClient = &http.Client{Timeout: 30 * time.Second}

// fetchStats asks the target server at addr for its counts; brief leaves
// out the per-target arrays.
func fetchStats(addr string, brief bool) (targetStats, error) {
	var st targetStats
	u := "http://" + addr + "/_stats"
	if brief {
		u += "?brief"
	}
	resp, err := statsClient.Get(u)
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	err = json.NewDecoder(resp.Body).Decode(&st)
	return st, err
}

// markGaps starts the target server's longest gaps afresh.
func markGaps(addr string) error {
	resp, err := statsClient.Post("http://"+addr+"/_mark", "", nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
