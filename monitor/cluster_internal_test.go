package monitor

import (
	"os"
	"path/filepath"
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

// Replicas started with the file by a relative and by an absolute path
// hash their configurations alike: included files' paths are left out.
func TestConfigHashLeavesPathsOut(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "checks"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"vitals.yaml": "include: [checks/*.yaml]\n", "checks/a.yaml": "checks:\n  - {name: a, type: memory}\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	abs, err := config.Load(filepath.Join(dir, "vitals.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	rel, err := config.Load("vitals.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if configHash(abs) != configHash(rel) {
		t.Errorf("hashes differ for includes %q and %q", abs.Includes, rel.Includes)
	}
}
