package vitalsprom

import (
	"math"
	"sort"
	"sync/atomic"
)

// histogram is a lock-free duration histogram for one check. The monitor
// calls Observe for one check in order, under that check's lock, so writes
// never race each other; a scrape reads while results come in, and takes
// the count from the buckets so that the two always agree.
type histogram struct {
	counts []atomic.Uint64 // per bucket, not cumulative; the last is +Inf
	sum    atomic.Uint64   // float64 bits
}

func newHistogram(bounds int) histogram {
	return histogram{counts: make([]atomic.Uint64, bounds+1)}
}

func (h *histogram) observe(bounds []float64, v float64) {
	// The first bound >= v: Prometheus buckets are "less than or equal".
	h.counts[sort.SearchFloat64s(bounds, v)].Add(1)
	for {
		old := h.sum.Load()
		if h.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

// snapshot returns the count, the sum and the cumulative bucket counts.
func (h *histogram) snapshot(bounds []float64) (count uint64, sum float64, cum map[float64]uint64) {
	cum = make(map[float64]uint64, len(bounds))
	for i, b := range bounds {
		count += h.counts[i].Load()
		cum[b] = count
	}
	count += h.counts[len(bounds)].Load()
	return count, math.Float64frombits(h.sum.Load()), cum
}
