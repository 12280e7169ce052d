package monitor

import (
	"testing"
	"time"

	"github.com/vitalsgo/vitals/monitor/config"
)

// A target taken over starts at its next due time by the store, at most
// an interval away: the last run is stamped by the previous owner's clock,
// which may be ahead of this one's, and the target must not then start at
// once (a second probe within the skew).
func TestTakeoverDelayIsAtMostAnInterval(t *testing.T) {
	s := &Server{}
	c := config.Check{Name: "api", Interval: 10 * time.Second, Timeout: time.Second}
	base := len(c.Options())
	for _, tc := range []struct {
		name  string
		last  time.Time
		delay bool
	}{
		{"ran an interval ago", time.Now().Add(-10 * time.Second), false},
		{"ran just now", time.Now(), true},
		{"ran just now by a clock 2 s ahead", time.Now().Add(2 * time.Second), true},
	} {
		if got := len(s.optionsOf(&c, map[string]time.Time{"api": tc.last})) > base; got != tc.delay {
			t.Errorf("%s: delayed %v, want %v", tc.name, got, tc.delay)
		}
	}
}
