package load

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

func TestParseWrk(t *testing.T) {
	tests := []struct {
		file    string
		want    WrkResult
		latency map[int]time.Duration
	}{
		{
			file: "wrk-latency.txt",
			want: WrkResult{Requests: 68446, Duration: 1100 * time.Millisecond, RPS: 62304.35},
			latency: map[int]time.Duration{
				50: 93 * time.Microsecond, 75: 155 * time.Microsecond,
				90: 526 * time.Microsecond, 99: 3360 * time.Microsecond,
			},
		},
		{
			file:    "wrk-plain.txt",
			want:    WrkResult{Requests: 65945, Duration: 1100 * time.Millisecond, RPS: 59952.02},
			latency: map[int]time.Duration{},
		},
		{
			file: "wrk-errors.txt",
			want: WrkResult{Requests: 30, Duration: 2 * time.Minute, RPS: 0.25, Non2xx: 30, SocketError: 15},
			latency: map[int]time.Duration{
				50: 1120 * time.Millisecond, 75: 1500 * time.Millisecond,
				90: 1800 * time.Millisecond, 99: 1990 * time.Millisecond,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseWrk(b)
			if err != nil {
				t.Fatal(err)
			}
			if got.Requests != tt.want.Requests || got.Duration != tt.want.Duration || got.RPS != tt.want.RPS ||
				got.Non2xx != tt.want.Non2xx || got.SocketError != tt.want.SocketError {
				t.Errorf("ParseWrk = %+v, want %+v", got, tt.want)
			}
			if len(got.Latency) != len(tt.latency) {
				t.Errorf("latency percentiles = %v, want %v", got.Latency, tt.latency)
			}
			for p, d := range tt.latency {
				if got.Latency[p] != d {
					t.Errorf("p%d = %v, want %v", p, got.Latency[p], d)
				}
			}
		})
	}
}

func TestParseWrkRejects(t *testing.T) {
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"usage", "Usage: wrk <options> <url>\n  Options:\n"},
		{"no total", "Requests/sec:  100.00\n"},
		{"no rate", "  100 requests in 1.00s, 1.00MB read\n"},
		{"bad rate", "  100 requests in 1.00s, 1.00MB read\nRequests/sec:  lots\n"},
		{"bad percentile", "  Latency Distribution\n     50%   fast\n  1 requests in 1.00s, 1B read\nRequests/sec: 1\n"},
	}
	for _, tt := range tests {
		if r, err := ParseWrk([]byte(tt.in)); err == nil {
			t.Errorf("%s: ParseWrk accepted %q as %+v", tt.name, tt.in, r)
		}
	}
}

func FuzzParseWrk(f *testing.F) {
	for _, name := range []string{"wrk-latency.txt", "wrk-plain.txt", "wrk-errors.txt"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseWrk(b)
		if err == nil && r.Latency == nil {
			t.Fatal("a parsed report has a nil latency map")
		}
	})
}

// TestWrk runs the real wrk when it is installed (scripts/services installs
// it) against a test server.
func TestWrk(t *testing.T) {
	if _, err := exec.LookPath("wrk"); err != nil {
		t.Skip("wrk not installed (scripts/services installs it)")
	}
	srv := newServer(t, 200)
	r, err := Wrk(t.Context(), srv.URL, WrkOptions{Threads: 1, Connections: 2, Duration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests == 0 || r.RPS <= 0 || r.Latency[99] <= 0 {
		t.Errorf("Wrk = %+v: want requests, a rate and a p99", r)
	}
}
