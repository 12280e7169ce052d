package api

import (
	"strings"
	"testing"
	"time"
)

func TestParseSpan(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration // 0: an error
	}{
		{"24h", 24 * time.Hour},
		{"7d", 7 * day},
		{"1d12h", 36 * time.Hour},
		{"12h1d", 36 * time.Hour},
		{"90m", 90 * time.Minute},
		{"1h30m15s", time.Hour + 30*time.Minute + 15*time.Second},
		{"2w", 14 * day},
		{"400d", 400 * day},
		{"57w1d", 400 * day},
		{"0001s", time.Second},
		{"401d", 0},
		{"400d1s", 0},
		{"9223372036854775807s", 0},
		{"99999999999999999999d", 0},
		{"0s", 0},
		{"0d0h", 0},
		{"", 0},
		{"1", 0},
		{"h", 0},
		{"1.5h", 0},
		{"-1h", 0},
		{"+1h", 0},
		{"1H", 0},
		{"1ms", 0},
		{"1h ", 0},
		{"1y", 0},
		{"１h", 0}, // a full-width digit
	}
	for _, tt := range tests {
		got, err := parseSpan(tt.in)
		if tt.want == 0 {
			if err == nil {
				t.Errorf("parseSpan(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseSpan(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestFormatSpan(t *testing.T) {
	for d, want := range map[time.Duration]string{
		24 * time.Hour:                  "24h",
		36 * time.Hour:                  "36h",
		47*time.Hour + time.Second:      "47h1s",
		48 * time.Hour:                  "2d",
		7 * day:                         "7d",
		30 * day:                        "30d",
		90 * day:                        "90d",
		400*day + 90*time.Minute:        "400d1h30m",
		90 * time.Minute:                "1h30m",
		time.Second:                     "1s",
		1500 * time.Millisecond:         "1s500ms",
		0:                               "0s",
		MaxWindow:                       "400d",
		2*day + time.Hour + time.Second: "2d1h1s",
	} {
		if got := formatSpan(d); got != want {
			t.Errorf("formatSpan(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time // zero: an error
	}{
		{"now", now},
		{"2025-05-31T08:00:00Z", time.Date(2025, 5, 31, 8, 0, 0, 0, time.UTC)},
		{"2025-05-31T10:00:00+02:00", time.Date(2025, 5, 31, 8, 0, 0, 0, time.UTC)},
		{"2025-05-31T10:00:00 02:00", time.Date(2025, 5, 31, 8, 0, 0, 0, time.UTC)}, // + decoded to a space
		{"2025-05-31T08:00:00.250Z", time.Date(2025, 5, 31, 8, 0, 0, 250e6, time.UTC)},
		{"1748779200", time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)},
		{"0", time.Unix(0, 0)},
		{"253402300799", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"90m", now.Add(-90 * time.Minute)},
		{"7d", now.Add(-7 * day)},
		{"", time.Time{}},
		{"253402300800", time.Time{}},
		{"2025-05-31", time.Time{}},
		{"2025-05-31 08:00:00", time.Time{}},
		{"2025-05-31T08:00:00", time.Time{}}, // no zone
		{"yesterday", time.Time{}},
		{"NOW", time.Time{}},
		{"-1h", time.Time{}},
		{"1e9", time.Time{}},
		{"401d", time.Time{}},
	}
	for _, tt := range tests {
		got, err := parseTime(tt.in, now)
		if tt.want.IsZero() {
			if err == nil {
				t.Errorf("parseTime(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

// FuzzParseSpan: any input parses to a positive whole number of seconds
// within MaxWindow, which formatSpan writes back in a form that parses to
// it again; or it is refused with a reason. Nothing panics.
func FuzzParseSpan(f *testing.F) {
	for _, s := range []string{"24h", "7d", "1d12h", "2w", "400d", "401d", "0s", "1h30m", "9223372036854775807s", "1.5h", "", "d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseSpan(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("parseSpan(%q): an empty reason", s)
			}
			return
		}
		if d <= 0 || d > MaxWindow || d%time.Second != 0 {
			t.Fatalf("parseSpan(%q) = %v", s, d)
		}
		back, err := parseSpan(formatSpan(d))
		if err != nil || back != d {
			t.Fatalf("parseSpan(%q) = %v, written %q, read back %v, %v", s, d, formatSpan(d), back, err)
		}
	})
}

// FuzzParseTime: an accepted time is a real instant a query can name
// again: RFC 3339 writes it and parseTime reads the same instant back;
// a span lands within MaxWindow before now. Nothing panics.
func FuzzParseTime(f *testing.F) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"now", "2025-05-31T08:00:00Z", "2025-05-31T10:00:00+02:00", "2025-05-31T10:00:00 02:00",
		"1748779200", "253402300800", "90m", "7d", "-1h", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999-23:59"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseTime(s, now)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("parseTime(%q): an empty reason", s)
			}
			return
		}
		if !strings.ContainsAny(s, "-:") && !allDigits(s) && s != "now" {
			if got.After(now) || now.Sub(got) > MaxWindow {
				t.Fatalf("parseTime(%q) = %v: a span outside (0, MaxWindow] before now", s, got)
			}
		}
		written := got.Format(time.RFC3339Nano)
		back, err := parseTime(written, now)
		if err != nil || !back.Equal(got) {
			t.Fatalf("parseTime(%q) = %v, written %q, read back %v, %v", s, got, written, back, err)
		}
	})
}
