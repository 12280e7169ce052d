package load

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type countingServer struct {
	*httptest.Server
	hits atomic.Int64
}

func newServer(t *testing.T, code int) *countingServer {
	t.Helper()
	s := &countingServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.hits.Add(1)
		w.WriteHeader(code)
	}))
	t.Cleanup(s.Close)
	return s
}

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var l []time.Duration
		for _, x := range v {
			l = append(l, time.Duration(x)*time.Millisecond)
		}
		return l
	}
	tests := []struct {
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{nil, 50, 0},
		{ms(7), 99, 7 * time.Millisecond},
		{ms(5, 1, 4, 2, 3), 50, 3 * time.Millisecond},
		{ms(5, 1, 4, 2, 3), 0, 1 * time.Millisecond},
		{ms(5, 1, 4, 2, 3), 100, 5 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := Percentile(tt.in, tt.p); got != tt.want {
			t.Errorf("Percentile(%v, %v) = %v, want %v", tt.in, tt.p, got, tt.want)
		}
	}
}

func TestStorm(t *testing.T) {
	srv := newServer(t, 503)
	c := NewClient(20, 5*time.Second)
	defer c.CloseIdleConnections()
	st := Storm(t.Context(), c, srv.URL, 20, 2)
	if st.Count() != 40 || srv.hits.Load() != 40 {
		t.Errorf("Storm of 20/s for 2s: %d recorded, %d served; want 40", st.Count(), srv.hits.Load())
	}
	if got := st.Codes(); got[503] != 40 {
		t.Errorf("codes = %v, want 40 × 503", got)
	}
}

func TestPaced(t *testing.T) {
	srv := newServer(t, 200)
	c := NewClient(4, 5*time.Second)
	defer c.CloseIdleConnections()
	start := time.Now()
	st := Paced(t.Context(), c, srv.URL, 20, 4, 400*time.Millisecond, 10*time.Second)
	if st.Count() != 20 || st.Codes()[200] != 20 {
		t.Errorf("Paced: %d probes, codes %v; want 20 × 200", st.Count(), st.Codes())
	}
	// The last probe is due at 19/20 of the span: pacing, not a burst.
	if el := time.Since(start); el < 380*time.Millisecond {
		t.Errorf("20 probes paced over 400ms took %v", el)
	}
}

func TestPacedLimit(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	c := NewClient(2, 5*time.Second)
	defer c.CloseIdleConnections()
	st := Paced(t.Context(), c, srv.URL, 10, 2, 0, 200*time.Millisecond)
	if st.Count() != 0 {
		t.Errorf("probes cut short by the limit were recorded: %d, codes %v", st.Count(), st.Codes())
	}
}
