package vitals

import (
	"testing"
	"time"
)

func TestHistEntryRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 23, 16, 4, 5, 678_901_234, time.UTC)
	tests := []struct {
		d    time.Duration
		want time.Duration // what comes back
	}{
		{0, 0},
		{-time.Second, 0},
		{999 * time.Nanosecond, 0},
		{37 * time.Microsecond, 37 * time.Microsecond},
		{32767 * time.Microsecond, 32767 * time.Microsecond}, // largest exact value
		{2 * time.Second, 2 * time.Second},
		{1234567 * time.Microsecond, 1234560 * time.Microsecond}, // 15 significant bits
		{5 * time.Minute, 299_991_040 * time.Microsecond},        // truncated, not rounded
		{time.Hour, histMaxMicros * time.Microsecond},            // saturates at ~18 minutes
	}
	for _, tt := range tests {
		for _, st := range []Status{StatusUnknown, StatusPass, StatusWarn, StatusFail, StatusStopping} {
			e := newHistEntry(at, st, tt.d)
			if got := e.time(); !got.Equal(at.Truncate(time.Millisecond)) {
				t.Errorf("time = %v, want %v", got, at.Truncate(time.Millisecond))
			}
			if e.status() != st {
				t.Errorf("status = %v, want %v", e.status(), st)
			}
			if got := e.duration(); got != tt.want {
				t.Errorf("duration(%v) = %v, want %v", tt.d, got, tt.want)
			}
		}
	}
	if histMaxMicros*time.Microsecond < 17*time.Minute {
		t.Errorf("durations saturate at %v", histMaxMicros*time.Microsecond)
	}
}

// The relative error of a stored duration stays under 1/16,000 across the
// range.
func TestHistEntryPrecision(t *testing.T) {
	for us := int64(1); us < histMaxMicros; us = us*3/2 + 1 {
		got := newHistEntry(time.Unix(0, 0), StatusPass, time.Duration(us)*time.Microsecond).duration().Microseconds()
		if got > us || float64(us-got)/float64(us) > 1.0/16000 {
			t.Errorf("%dµs stored as %dµs", us, got)
		}
	}
}
