package memory_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/memory"
)

// fixture points the checker at testdata/<name>/proc and testdata/<name>/cgroup.
func fixture(name string, o memory.Options) *memory.Options {
	o.ProcSelf = filepath.Join("testdata", name, "proc")
	o.CgroupRoot = filepath.Join("testdata", name, "cgroup")
	return &o
}

func check(t *testing.T, o *memory.Options) vitals.Result {
	t.Helper()
	c, err := memory.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c.Check(context.Background())
}

const mib = 1 << 20

func TestCgroupFixtures(t *testing.T) {
	pageSize := uint64(os.Getpagesize())
	tests := []struct {
		name    string
		o       memory.Options
		status  vitals.Status
		msg     string
		rss     uint64
		limit   uint64 // 0: none expected
		cgroup  string
		percent float64
	}{
		// The service's own memory.max is "max"; its slice limits it to
		// 1 GiB, the root to 2 GiB: the smallest wins.
		{"slice", memory.Options{}, vitals.StatusPass, "rss 512.0 MiB (50.0% of the limit)", 512 * mib, 1 << 30, "/app.slice/svc.service", 50},
		{"slice", memory.Options{WarnPercent: 40, FailPercent: 60}, vitals.StatusWarn, "rss at or above 40% of the limit", 512 * mib, 1 << 30, "/app.slice/svc.service", 50},
		{"slice", memory.Options{WarnPercent: 40, FailPercent: 45}, vitals.StatusFail, "rss at or above 45% of the limit", 512 * mib, 1 << 30, "/app.slice/svc.service", 50},
		// No cgroup namespace: the path is absent under the mount, whose
		// own memory.max is the container's limit.
		{"container", memory.Options{}, vitals.StatusPass, "limit 750.0 MiB", 512 * mib, 786432000, "/kubepods/burstable/pod1234/abcdef", 68.27},
		{"container", memory.Options{WarnPercent: 60}, vitals.StatusWarn, "68.3% of the limit", 512 * mib, 786432000, "/kubepods/burstable/pod1234/abcdef", 68.27},
		{"unlimited", memory.Options{}, vitals.StatusPass, "rss 512.0 MiB, heap", 512 * mib, 0, "/user.slice", 0},
		{"unlimited", memory.Options{WarnRSSBytes: 256 * mib, FailRSSBytes: 1024 * mib}, vitals.StatusWarn, "rss at or above 256.0 MiB", 512 * mib, 0, "/user.slice", 0},
		{"unlimited", memory.Options{FailRSSBytes: 512 * mib}, vitals.StatusFail, "rss at or above 512.0 MiB", 512 * mib, 0, "/user.slice", 0},
		// cgroup v1 is not read; RSS comes from statm.
		{"v1", memory.Options{}, vitals.StatusPass, "rss", 131072 * pageSize, 0, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, fixture(tt.name, tt.o))
			if r.Status != tt.status || !strings.Contains(r.Message, tt.msg) {
				t.Fatalf("result = %v %q, want %v with %q", r.Status, r.Message, tt.status, tt.msg)
			}
			d := r.Details
			if d["rss_bytes"] != tt.rss || r.Observed != tt.rss || r.Unit != "bytes" {
				t.Fatalf("rss = %v (observed %v %s), want %d", d["rss_bytes"], r.Observed, r.Unit, tt.rss)
			}
			if _, ok := d["heap_bytes"].(uint64); !ok {
				t.Fatalf("no heap_bytes in %v", d)
			}
			if got, ok := d["limit_bytes"]; (tt.limit == 0) == ok || (ok && got != tt.limit) {
				t.Fatalf("limit_bytes = %v, want %d", got, tt.limit)
			}
			if tt.cgroup != "" && d["cgroup"] != tt.cgroup {
				t.Fatalf("cgroup = %v, want %s", d["cgroup"], tt.cgroup)
			}
			if tt.percent != 0 && d["rss_percent"] != tt.percent {
				t.Fatalf("rss_percent = %v, want %v", d["rss_percent"], tt.percent)
			}
		})
	}
}

func TestUnreadableRSS(t *testing.T) {
	// Nothing needs RSS: report what can be read.
	r := check(t, fixture("broken", memory.Options{}))
	if r.Status != vitals.StatusPass || r.Details["rss_error"] == nil || r.Observed != nil {
		t.Fatalf("result = %v %q %v", r.Status, r.Message, r.Details)
	}
	// An RSS threshold that cannot be evaluated fails visibly.
	r = check(t, fixture("broken", memory.Options{WarnRSSBytes: mib}))
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "cannot read the resident set size") {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
	r = check(t, fixture("missing", memory.Options{FailRSSBytes: mib}))
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "no such file") {
		t.Fatalf("no /proc: %v %q", r.Status, r.Message)
	}
}

func TestHeapThresholds(t *testing.T) {
	o := fixture("unlimited", memory.Options{WarnHeapBytes: 1, FailHeapBytes: 1 << 50})
	if r := check(t, o); r.Status != vitals.StatusWarn || !strings.Contains(r.Message, "heap at or above 1 B") {
		t.Fatalf("warn: %v %q", r.Status, r.Message)
	}
	o = fixture("unlimited", memory.Options{FailHeapBytes: 1})
	if r := check(t, o); r.Status != vitals.StatusFail {
		t.Fatalf("fail: %v %q", r.Status, r.Message)
	}
}

func TestThisProcess(t *testing.T) {
	r := check(t, nil)
	if r.Status == vitals.StatusFail {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
	if heap, _ := r.Details["heap_bytes"].(uint64); heap == 0 {
		t.Fatalf("heap_bytes = %v", r.Details["heap_bytes"])
	}
	if runtime.GOOS == "linux" {
		if rss, _ := r.Details["rss_bytes"].(uint64); rss < mib {
			t.Fatalf("rss_bytes = %v, want this process's real RSS", r.Details["rss_bytes"])
		}
	}
}

func TestInvalidOptions(t *testing.T) {
	tests := []memory.Options{
		{WarnPercent: -1},
		{FailPercent: 101},
		{WarnPercent: 90, FailPercent: 80},
		{WarnRSSBytes: 10, FailRSSBytes: 5},
		{WarnHeapBytes: 10, FailHeapBytes: 5},
	}
	for _, o := range tests {
		if _, err := memory.New(&o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

// The host mode reads /proc/meminfo: 80% of the machine's memory in use
// here (MemAvailable 3.2 of 16 GB), against CHORUS's 85% and lower bars.
func TestHostPercent(t *testing.T) {
	host := func(o memory.Options) *memory.Options {
		o.Meminfo = filepath.Join("testdata", "host", "meminfo")
		return fixture("unlimited", o)
	}
	tests := []struct {
		o      *memory.Options
		status vitals.Status
		msg    string
	}{
		{host(memory.Options{FailHostPercent: 85}), vitals.StatusPass, "host 12.2 GiB of 15.3 GiB in use (80.0%)"},
		{host(memory.Options{WarnHostPercent: 75, FailHostPercent: 85}), vitals.StatusWarn, "host memory at or above 75%"},
		{host(memory.Options{FailHostPercent: 80}), vitals.StatusFail, "host memory at or above 80%"},
	}
	for _, tt := range tests {
		r := check(t, tt.o)
		if r.Status != tt.status || !strings.Contains(r.Message, tt.msg) || r.Details["host_used_percent"] != 80.0 || r.Details["host_total_bytes"] != uint64(16000000*1024) {
			t.Errorf("%+v: %v %q %v", *tt.o, r.Status, r.Message, r.Details)
		}
	}
	old := fixture("unlimited", memory.Options{FailHostPercent: 85, Meminfo: filepath.Join("testdata", "host", "meminfo-old")})
	if r := check(t, old); r.Status != vitals.StatusFail || !strings.Contains(r.Message, "no MemTotal or no MemAvailable") {
		t.Errorf("meminfo without MemAvailable: %v %q", r.Status, r.Message)
	}
	if _, err := memory.New(&memory.Options{WarnHostPercent: 90, FailHostPercent: 85}); err == nil {
		t.Error("FailHostPercent below WarnHostPercent is not an error")
	}
	// On this machine, for real.
	if _, err := os.Stat("/proc/meminfo"); err == nil {
		if r := check(t, &memory.Options{FailHostPercent: 100}); r.Details["host_total_bytes"] == nil {
			t.Errorf("the machine's meminfo was not read: %v %q", r.Status, r.Message)
		}
	}
}
