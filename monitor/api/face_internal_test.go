package api

import (
	"testing"
	"time"

	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/store"
)

// An uptime badge's color follows the ratio; its percentage is cut, not
// rounded, so that a 99.996% target never shows 100%.
func TestUptimeBadgeGrades(t *testing.T) {
	tests := []struct {
		up, down time.Duration
		msg      string
		color    string
	}{
		{10000 * time.Second, 0, "100%", "brightgreen"},
		{99996 * time.Second, 4 * time.Second, "99.99%", "brightgreen"},
		{9995 * time.Second, 5 * time.Second, "99.95%", "brightgreen"},
		{9990 * time.Second, 10 * time.Second, "99.9%", "brightgreen"},
		{9989 * time.Second, 11 * time.Second, "99.89%", "green"},
		{99 * time.Second, time.Second, "99%", "green"},
		{98 * time.Second, 2 * time.Second, "98%", "yellowgreen"},
		{96 * time.Second, 4 * time.Second, "96%", "yellow"},
		{92 * time.Second, 8 * time.Second, "92%", "orange"},
		{time.Second, 2 * time.Second, "33.33%", "red"},
		{0, time.Second, "0%", "red"},
		{0, 0, "no data", "lightgrey"},
	}
	for _, tt := range tests {
		st := &board.State{Uptime: []store.Uptime{{Window: board.Windows[0], Up: tt.up, Down: tt.down}}}
		got := uptimeBadge(st, 0)
		if got.Label != "uptime 24h" || got.Message != tt.msg || got.Color != tt.color {
			t.Errorf("up %v down %v: %+v, want %q %s", tt.up, tt.down, got, tt.msg, tt.color)
		}
	}
	// Before the board first computed uptimes.
	if got := uptimeBadge(&board.State{}, 3); got.Label != "uptime 90d" || got.Message != "no data" {
		t.Errorf("uncomputed: %+v", got)
	}
}

func TestLatencyBadgeGrades(t *testing.T) {
	tests := []struct {
		latency time.Duration
		msg     string
		color   string
	}{
		{450 * time.Microsecond, "0.5 ms", "brightgreen"},
		{9940 * time.Microsecond, "9.9 ms", "brightgreen"},
		{100 * time.Millisecond, "100 ms", "brightgreen"},
		{101 * time.Millisecond, "101 ms", "green"},
		{400 * time.Millisecond, "400 ms", "yellowgreen"},
		{999 * time.Millisecond, "999 ms", "yellow"},
		{1500 * time.Millisecond, "1.50 s", "orange"},
		{12345 * time.Millisecond, "12.35 s", "red"},
	}
	for _, tt := range tests {
		st := &board.State{Recent: []board.Point{{Latency: tt.latency}, {Latency: tt.latency}}}
		got := latencyBadge(st)
		if got.Message != tt.msg || got.Color != tt.color {
			t.Errorf("%v: %+v, want %q %s", tt.latency, got, tt.msg, tt.color)
		}
	}
}
