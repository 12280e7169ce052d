package report

import (
	"errors"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
)

func TestFail(t *testing.T) {
	cause := errors.New("refused")
	d := map[string]any{"k": 1}
	r := Fail(d, "dial %s: %w", "db", cause)
	if r.Status != vitals.StatusFail || r.Message != "dial db: refused" || !errors.Is(r.Err, cause) || r.Details["k"] != 1 {
		t.Errorf("Fail = %+v", r)
	}
}

func TestTimed(t *testing.T) {
	tests := []struct {
		took, warnAfter time.Duration
		status          vitals.Status
		msg             string
	}{
		{1500 * time.Microsecond, 0, vitals.StatusPass, "connected in 1.5ms"},
		{1500 * time.Microsecond, 2 * time.Millisecond, vitals.StatusPass, "connected in 1.5ms"},
		{2 * time.Millisecond, 2 * time.Millisecond, vitals.StatusPass, "connected in 2ms"},
		{2500 * time.Microsecond, 2 * time.Millisecond, vitals.StatusWarn, "slow connect: 3ms, over 2ms"},
	}
	for _, tt := range tests {
		r := Timed(nil, tt.took, tt.warnAfter, "connected", "slow connect")
		if r.Status != tt.status || r.Message != tt.msg {
			t.Errorf("Timed(%v, %v) = %v %q, want %v %q", tt.took, tt.warnAfter, r.Status, r.Message, tt.status, tt.msg)
		}
		if want := float64(tt.took.Microseconds()) / 1000; r.Observed != want || r.Unit != "ms" {
			t.Errorf("Timed(%v) observed %v %s, want %v ms", tt.took, r.Observed, r.Unit, want)
		}
	}
}

func TestBytes(t *testing.T) {
	tests := []struct {
		n    uint64
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{3 << 29, "1.5 GiB"},
		{1 << 62, "4.0 EiB"},
	}
	for _, tt := range tests {
		if got := Bytes(tt.n); got != tt.want {
			t.Errorf("Bytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
