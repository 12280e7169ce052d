package web

import (
	"testing"
	"time"

	"github.com/vitalsgo/vitals/monitor/store"
)

func TestPercent(t *testing.T) {
	tests := []struct {
		u    store.Uptime
		want string
	}{
		{store.Uptime{NoData: time.Hour}, ""}, // no data is not 0%
		{store.Uptime{Up: time.Hour, NoData: time.Hour}, "100%"},
		{store.Uptime{Up: 30*24*time.Hour - time.Second, Down: time.Second}, "99.99%"}, // never rounded up to 100%
		{store.Uptime{Up: time.Hour, Down: time.Hour}, "50.00%"},
		{store.Uptime{Down: time.Hour}, "0.00%"},
	}
	for _, tt := range tests {
		if got := percent(tt.u.Ratio()); got != tt.want {
			t.Errorf("percent(%+v) = %q, want %q", tt.u, got, tt.want)
		}
	}
}

func TestFormats(t *testing.T) {
	spans := map[time.Duration]string{
		0:                               "0s",
		45 * time.Second:                "45s",
		90 * time.Second:                "1m 30s",
		2*time.Hour + 5*time.Minute:     "2h 5m",
		2 * time.Hour:                   "2h",
		3*24*time.Hour + 4*time.Hour:    "3d 4h",
		3*24*time.Hour + 59*time.Minute: "3d",
	}
	for d, want := range spans {
		if got := span(d); got != want {
			t.Errorf("span(%v) = %q, want %q", d, got, want)
		}
	}
	latencies := map[time.Duration]string{
		850 * time.Microsecond:  "850 µs",
		1500 * time.Microsecond: "1.5 ms",
		42 * time.Millisecond:   "42 ms",
		1234 * time.Millisecond: "1.23 s",
		12 * time.Second:        "12.0 s",
	}
	for d, want := range latencies {
		if got := latency(d); got != want {
			t.Errorf("latency(%v) = %q, want %q", d, got, want)
		}
	}
	windows := map[time.Duration]string{24 * time.Hour: "24h", 7 * 24 * time.Hour: "7d", 90 * 24 * time.Hour: "90d"}
	for d, want := range windows {
		if got := window(d); got != want {
			t.Errorf("window(%v) = %q, want %q", d, got, want)
		}
	}
}
