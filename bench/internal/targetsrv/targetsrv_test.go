package targetsrv

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestTargetIndex(t *testing.T) {
	tests := []struct {
		path string
		want int
		ok   bool
	}{
		{"/t/00000", 0, true},
		{"/t/09999", 9999, true},
		{"/t/10000", 0, false}, // past n
		{"/t/", 0, false},
		{"/t/+1", 0, false},
		{"/t/-1", 0, false},
		{"/t/1/x", 0, false},
		{"/u/1", 0, false},
	}
	for _, tt := range tests {
		if got, ok := Index(tt.path, 10000); got != tt.want || ok != tt.ok {
			t.Errorf("Index(%q) = %d, %v; want %d, %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
}

// TestTargets asks the target server as the monitor does and reads what
// the benchmark reads: counts per target, first times, gaps.
func TestTargets(t *testing.T) {
	srv := httptest.NewServer(New(3))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	get := func(url string, want int) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("GET %s: %d, want %d", url, resp.StatusCode, want)
		}
	}
	get(URL(addr, 0), 200)
	get(URL(addr, 2), 200)
	time.Sleep(20 * time.Millisecond)
	get(URL(addr, 2), 200)
	get(srv.URL+"/t/3", 404)
	st, err := Fetch(addr, false)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 3 || st.Unknown != 1 || st.Seen != 2 || len(st.Counts) != 3 || st.Counts[1] != 0 || st.Counts[2] != 2 {
		t.Errorf("stats = %+v: want 3 requests to 2 of 3 targets, target 2 twice, 1 unknown", st)
	}
	if st.FirstMin == 0 || st.FirstMax < st.FirstMin {
		t.Errorf("first requests %d, %d: want the earliest before the latest", st.FirstMin, st.FirstMax)
	}
	if st.GapsMS[2] < 20 {
		t.Errorf("gap of target 2 = %d ms, want at least the 20 ms between its requests", st.GapsMS[2])
	}
	if brief, err := Fetch(addr, true); err != nil || brief.Counts != nil || brief.Total != 3 {
		t.Errorf("brief stats = %+v, %v: want the totals without the arrays", brief, err)
	}
	statsClient.CloseIdleConnections()
	http.DefaultClient.CloseIdleConnections()
}
