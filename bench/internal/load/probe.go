package load

import (
	"cmp"
	"context"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Stats collects the outcome of many probes.
type Stats struct {
	mu        sync.Mutex // protects the fields below
	latencies []time.Duration
	codes     map[int]int64 // HTTP status -> count; 0 for transport errors
}

// Add records one probe.
func (s *Stats) Add(code int, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.codes == nil {
		s.codes = map[int]int64{}
	}
	s.latencies = append(s.latencies, d)
	s.codes[code]++
}

// Count returns the number of probes recorded.
func (s *Stats) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.latencies)
}

// Codes returns a copy of the count of answers per HTTP status (0 stands
// for a request that got no answer).
func (s *Stats) Codes() map[int]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[int]int64, len(s.codes))
	for k, v := range s.codes {
		m[k] = v
	}
	return m
}

// Percentile returns the p-th percentile (0–100) of the latencies recorded,
// by the nearest-rank method; 0 when nothing was recorded.
func (s *Stats) Percentile(p float64) time.Duration {
	s.mu.Lock()
	l := slices.Clone(s.latencies)
	s.mu.Unlock()
	return Percentile(l, p)
}

// Percentile returns the p-th percentile (0–100) of l by the nearest-rank
// method, 0 for none; it sorts l.
func Percentile[T cmp.Ordered](l []T, p float64) T {
	if len(l) == 0 {
		var zero T
		return zero
	}
	slices.Sort(l)
	rank := int(p/100*float64(len(l))+0.999999) - 1
	return l[min(max(rank, 0), len(l)-1)]
}

// NewClient returns an HTTP client that keeps up to conns connections to
// one host open, so that a burst of concurrent probes reuses connections
// instead of exhausting ephemeral ports.
func NewClient(conns int, timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: timeout}).DialContext,
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			DisableCompression:  true,
		},
	}
}

// Get probes url once and returns the status code (0 on a transport error)
// and how long the answer took, body included.
func Get(ctx context.Context, c *http.Client, url string) (int, time.Duration) {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, time.Since(start)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, time.Since(start)
}

// Storm sends perSecond concurrent probes at the start of every second for
// the given number of seconds: perSecond goroutines each probe once a
// second. A probe still running when its next second starts makes that
// goroutine skip a beat, so at most perSecond probes are ever in flight.
func Storm(ctx context.Context, c *http.Client, url string, perSecond, seconds int) *Stats {
	var st Stats
	var wg sync.WaitGroup
	start := time.Now().Add(50 * time.Millisecond)
	for range perSecond {
		wg.Go(func() {
			for i := range seconds {
				at := start.Add(time.Duration(i) * time.Second)
				if time.Now().After(at.Add(time.Second)) {
					continue // fell behind: this beat is over
				}
				if !sleepUntil(ctx, at) {
					return
				}
				st.Add(Get(ctx, c, url))
			}
		})
	}
	wg.Wait()
	return &st
}

// Paced sends n probes evenly spaced over the duration over (back to back
// when over is 0), from conc goroutines: each takes the next due slot, so a
// slow answer delays only its own goroutine. It stops early when limit has
// passed; probes cut short then are not recorded.
func Paced(ctx context.Context, c *http.Client, url string, n, conc int, over, limit time.Duration) *Stats {
	var st Stats
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				if !sleepUntil(ctx, start.Add(time.Duration(int64(over)*i/int64(n)))) {
					return
				}
				code, d := Get(ctx, c, url)
				if ctx.Err() != nil {
					return // cut short by the limit, not an answer
				}
				st.Add(code, d)
			}
		})
	}
	wg.Wait()
	return &st
}

func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}
