//go:build linux

package disk_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/disk"
)

// actual returns the real free space and inode share of t.TempDir's file
// system, so that thresholds can be set just above or below them.
func actual(t *testing.T, dir string) (free uint64, pct, inodePct float64, hasInodes bool) {
	t.Helper()
	r := checktest.CheckNew(t, disk.New, dir, &disk.Options{FailFreeBytes: 1})
	if r.Status != vitals.StatusPass {
		t.Fatalf("baseline: %v %q", r.Status, r.Message)
	}
	free = r.Details["free_bytes"].(uint64)
	if free < 1<<20 {
		t.Skipf("only %d bytes free in %s: too little to move thresholds around", free, dir)
	}
	ip, ok := r.Details["inodes_free_percent"].(float64)
	return free, r.Details["free_percent"].(float64), ip, ok
}

func TestThresholdsOnRealFileSystem(t *testing.T) {
	dir := t.TempDir()
	free, pct, ipct, hasInodes := actual(t, dir)
	tests := []struct {
		name   string
		o      disk.Options
		status vitals.Status
		msg    string
	}{
		{"bytes hold", disk.Options{FailFreeBytes: free / 4}, vitals.StatusPass, ""},
		{"fail bytes", disk.Options{FailFreeBytes: free * 4}, vitals.StatusFail, "space under"},
		{"warn bytes", disk.Options{WarnFreeBytes: free * 4, FailFreeBytes: 1}, vitals.StatusWarn, "space under"},
		{"percent holds", disk.Options{WarnFreePercent: pct / 2, FailFreePercent: pct / 4}, vitals.StatusPass, ""},
		{"warn percent", disk.Options{WarnFreePercent: 100, FailFreePercent: pct / 2}, vitals.StatusWarn, "space under 100%"},
		{"fail percent", disk.Options{FailFreePercent: 100}, vitals.StatusFail, "space under 100%"},
	}
	if hasInodes && ipct < 99 {
		tests = append(tests, struct {
			name   string
			o      disk.Options
			status vitals.Status
			msg    string
		}{"warn inodes", disk.Options{WarnFreeInodesPercent: 100}, vitals.StatusWarn, "inodes under 100%"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := checktest.CheckNew(t, disk.New, dir, &tt.o)
			if r.Status != tt.status || !strings.Contains(r.Message, tt.msg) {
				t.Fatalf("result = %v %q, want %v with %q", r.Status, r.Message, tt.status, tt.msg)
			}
			if r.Unit != "bytes" || r.Observed.(uint64) == 0 || r.Details["path"] != dir || r.Details["total_bytes"].(uint64) < r.Observed.(uint64) {
				t.Fatalf("observed %v %s, details %v", r.Observed, r.Unit, r.Details)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	dir := t.TempDir()
	_, pct, _, _ := actual(t, dir)
	r := checktest.CheckNew(t, disk.New, dir, nil)
	want := vitals.StatusPass
	if pct < disk.DefaultFailFreePercent {
		want = vitals.StatusFail
	} else if pct < disk.DefaultWarnFreePercent {
		want = vitals.StatusWarn
	}
	if r.Status != want {
		t.Fatalf("%.1f%% free: %v %q, want %v", pct, r.Status, r.Message, want)
	}
}

func TestMissingPath(t *testing.T) {
	r := checktest.CheckNew(t, disk.New, filepath.Join(t.TempDir(), "nope"), nil)
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "no such file") {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
}

func TestWritable(t *testing.T) {
	dir := t.TempDir()
	w, err := disk.Writable(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := w.Check(context.Background())
	if r.Status != vitals.StatusPass || r.Unit != "ms" || r.Details["dir"] != dir {
		t.Fatalf("result = %v %q %v", r.Status, r.Message, r.Details)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func TestNotWritable(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, dir, msg string }{
		{"missing", filepath.Join(dir, "missing"), "no such file"},
		{"a file", file, "not a directory"},
	}
	if os.Geteuid() != 0 { // root writes anywhere
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct{ name, dir, msg string }{"read-only", ro, "permission denied"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := disk.Writable(tt.dir)
			if err != nil {
				t.Fatal(err)
			}
			r := w.Check(context.Background())
			if r.Status != vitals.StatusFail || !strings.Contains(r.Message, tt.msg) {
				t.Fatalf("result = %v %q, want fail with %q", r.Status, r.Message, tt.msg)
			}
		})
	}
}

func TestInvalidOptions(t *testing.T) {
	tests := []disk.Options{
		{WarnFreePercent: -1},
		{FailFreePercent: 101},
		{WarnFreeInodesPercent: 200},
		{WarnFreePercent: 5, FailFreePercent: 10},
		{WarnFreeBytes: 5, FailFreeBytes: 10},
		{WarnFreeInodesPercent: 5, FailFreeInodesPercent: 10},
	}
	for _, o := range tests {
		if _, err := disk.New("/", &o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	if _, err := disk.New("", nil); err == nil {
		t.Error("empty path: no error")
	}
	if _, err := disk.Writable(""); err == nil {
		t.Error("empty dir: no error")
	}
}
