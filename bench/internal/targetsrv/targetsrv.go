// Package targetsrv is the target server of the process-level benchmarks:
// one loopback listener serving n target paths, target i at /t/i, that
// counts the requests of every path, notes when each was first asked and
// its longest gap between two requests. A benchmark points a monitor's
// HTTP targets at it and reads what the monitor did from the outside.
//
// GET /_stats answers the counts as JSON ([Stats]); POST /_mark starts
// the longest gaps afresh. [Targets.Record] and [Targets.Fail], when set,
// see every request of a target and make a target answer 500.
package targetsrv

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Prefix is the path under which target i is /t/i.
const Prefix = "/t/"

// Stats is what the target server's /_stats answers: per target, how often
// it was asked, when first, and its longest gap between two requests since
// the last /_mark (or since the last request, if longer).
type Stats struct {
	At       int64   `json:"at_ns"` // unix ns when the stats were taken
	Total    int64   `json:"total"` // requests for a target path
	Unknown  int64   `json:"unknown"`
	Seen     int     `json:"seen"`             // targets asked at least once
	FirstMin int64   `json:"first_min"`        // unix ns of the earliest first request, 0 for none
	FirstMax int64   `json:"first_max"`        // unix ns of the latest first request
	Counts   []int64 `json:"counts,omitempty"` // by target; not with ?brief
	GapsMS   []int64 `json:"gaps_ms,omitempty"`
}

// Targets counts the requests of n target paths. Every field is updated
// with atomics from the handler's goroutines; the counts are read without
// a lock, so a snapshot is only consistent per target.
type Targets struct {
	// Record, when not nil, is called with every request of target i and
	// the time it arrived (unix ns). It is called from the handler's
	// goroutines concurrently; set it before serving.
	Record func(i int, r *http.Request, now int64)
	// Fail, when not nil, makes target i answer 500 while it returns true.
	Fail func(i int) bool

	total, unknown atomic.Int64
	count          []atomic.Int64
	first, last    []atomic.Int64 // unix ns; 0 for none
	maxGap         []atomic.Int64 // ns, since the last mark
}

// New returns the counters of n target paths.
func New(n int) *Targets {
	return &Targets{
		count: make([]atomic.Int64, n), first: make([]atomic.Int64, n),
		last: make([]atomic.Int64, n), maxGap: make([]atomic.Int64, n),
	}
}

func (t *Targets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_stats":
		st := t.Stats(time.Now())
		if r.URL.Query().Has("brief") {
			st.Counts, st.GapsMS = nil, nil
		}
		json.NewEncoder(w).Encode(st)
		return
	case "/_mark":
		t.Mark()
		return
	}
	i, ok := Index(r.URL.Path, len(t.count))
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
	if t.Record != nil {
		t.Record(i, r, now)
	}
	w.Header().Set("Content-Type", "text/plain")
	if t.Fail != nil && t.Fail(i) {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("down\n"))
		return
	}
	w.Write([]byte("ok\n"))
}

// Mark starts the longest gaps afresh.
func (t *Targets) Mark() {
	for i := range t.maxGap {
		t.maxGap[i].Store(0)
	}
}

// Index parses /t/NNNNN into its index below n.
func Index(path string, n int) (int, bool) {
	s, ok := strings.CutPrefix(path, Prefix)
	if !ok || s == "" || s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	i, err := strconv.Atoi(s)
	if err != nil || i < 0 || i >= n {
		return 0, false
	}
	return i, true
}

// Stats returns the counts as of now.
func (t *Targets) Stats(now time.Time) Stats {
	n := len(t.count)
	st := Stats{At: now.UnixNano(), Total: t.total.Load(), Unknown: t.unknown.Load(),
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

// URL is the URL of target i on the server at addr.
func URL(addr string, i int) string {
	return fmt.Sprintf("http://%s%s%05d", addr, Prefix, i)
}

var statsClient = &http.Client{Timeout: 30 * time.Second}

// Fetch asks the target server at addr for its counts; brief leaves out
// the per-target arrays.
func Fetch(addr string, brief bool) (Stats, error) {
	var st Stats
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

// MarkGaps asks the target server at addr to start its longest gaps afresh.
func MarkGaps(addr string) error {
	resp, err := statsClient.Post("http://"+addr+"/_mark", "", nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
