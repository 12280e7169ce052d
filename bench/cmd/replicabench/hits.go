package main

import (
	"net/http"
	"slices"
	"sync"
	"time"
)

// replicaHeader names the replica that sent a probe: each replica's file
// gives its targets this header with the replica's node name, so that the
// target server tells the replicas' requests apart.
const replicaHeader = "X-Replica"

// hit is one request the target server saw.
type hit struct {
	At     int64  // unix ns
	Target int32  // index
	Node   string // the X-Replica header; "" without one
}

// recorder keeps every request of every target. It is the target server's
// Record hook.
type recorder struct {
	mu   sync.Mutex // protects hits
	hits []hit
}

func (r *recorder) record(i int, req *http.Request, now int64) {
	node := req.Header.Get(replicaHeader)
	r.mu.Lock()
	r.hits = append(r.hits, hit{At: now, Target: int32(i), Node: node})
	r.mu.Unlock()
}

// since returns a copy of the hits at or after t, in arrival order.
func (r *recorder) since(t time.Time) []hit {
	r.mu.Lock()
	defer r.mu.Unlock()
	ns := t.UnixNano()
	i, _ := slices.BinarySearchFunc(r.hits, ns, func(h hit, t int64) int { return cmp64(h.At, t) })
	return slices.Clone(r.hits[i:])
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// between returns the hits in [from, to).
func between(hs []hit, from, to int64) []hit {
	var out []hit
	for _, h := range hs {
		if h.At >= from && h.At < to {
			out = append(out, h)
		}
	}
	return out
}

// byTarget returns, per target below n, the times of its hits in order.
func byTarget(hs []hit, n int) [][]int64 {
	out := make([][]int64, n)
	for _, h := range hs {
		if int(h.Target) < n {
			out[h.Target] = append(out[h.Target], h.At)
		}
	}
	for _, ts := range out {
		slices.Sort(ts)
	}
	return out
}

// gapStats sums up the gaps between consecutive requests of each target.
type gapStats struct {
	Gaps  int     `json:"gaps"`    // consecutive pairs looked at
	MinS  float64 `json:"min_s"`   // shortest gap
	MaxS  float64 `json:"max_s"`   // longest gap
	Short int     `json:"short"`   // gaps shorter than the limit
	Limit float64 `json:"limit_s"` // the limit of Short
}

// gaps measures the gaps of the given targets' times (nil: all); short
// counts those under limit.
func gaps(times [][]int64, only []int, limit time.Duration) gapStats {
	g := gapStats{Limit: limit.Seconds(), MinS: -1}
	look := func(ts []int64) {
		for k := 1; k < len(ts); k++ {
			d := time.Duration(ts[k] - ts[k-1])
			g.Gaps++
			if g.MinS < 0 || d.Seconds() < g.MinS {
				g.MinS = d.Seconds()
			}
			g.MaxS = max(g.MaxS, d.Seconds())
			if d < limit {
				g.Short++
			}
		}
	}
	if only == nil {
		for _, ts := range times {
			look(ts)
		}
	} else {
		for _, i := range only {
			look(times[i])
		}
	}
	return g
}

// handover is, for one target, the gap from its last request before t to
// its first at or after t; -1 when it has none on one side.
func handover(ts []int64, t int64) time.Duration {
	k, _ := slices.BinarySearch(ts, t)
	if k == 0 || k == len(ts) {
		return -1
	}
	return time.Duration(ts[k] - ts[k-1])
}

// lastBefore returns, per target, the node of its last hit before t ("" for
// none).
func lastBefore(hs []hit, n int, t int64) []string {
	at := make([]int64, n)
	node := make([]string, n)
	for _, h := range hs {
		if h.At < t && int(h.Target) < n && h.At >= at[h.Target] {
			at[h.Target], node[h.Target] = h.At, h.Node
		}
	}
	return node
}
