package monitor_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/config"
)

// A reload adds, changes and removes targets without restarting the
// others; a file with errors is refused, shown in a banner and a metric,
// and the running configuration stays.
func TestReload(t *testing.T) {
	addrA, addrB := testservice.ClosedAddr(t), testservice.ClosedAddr(t)
	const head = "storage: %s\npages: {title: Before}\nchecks:\n"
	r := serve(t, head+"  - {name: a, type: tcp, address: \""+addrA+"\", interval: 1h}\n  - {name: b, type: tcp, address: \""+addrB+"\", interval: 1h}\n", "")
	infoA := info(t, r, "a")

	writeFile(t, r.file, strings.Replace(head, "%s", r.dir+"/vitals.db", 1)+strings.Replace(
		"  - {name: a, type: tcp, address: \"A\", interval: 1h}\n  - {name: c, type: tcp, address: \"A\", interval: 1h, description: new}\n", "A", addrA, -1))
	if err := r.ReloadFile(r.file); err != nil {
		t.Fatal(err)
	}
	if info(t, r, "a") != infoA {
		t.Error("the unchanged target a was restarted by the reload")
	}
	if _, err := r.Targets().State("b"); err == nil {
		t.Error("the removed target b still runs")
	}
	if _, ok := r.Board().State("b"); ok {
		t.Error("the removed target b is still on the board")
	}
	if st, ok := r.Board().State("c"); !ok || st.Description != "new" {
		t.Errorf("the added target c: %+v %v", st, ok)
	}

	// A changed target restarts with its new settings.
	writeFile(t, r.file, strings.Replace(head, "%s", r.dir+"/vitals.db", 1)+
		"  - {name: a, type: tcp, address: \""+addrA+"\", interval: 2h}\n")
	if err := r.ReloadFile(r.file); err != nil {
		t.Fatal(err)
	}
	if st, err := r.Targets().State("a"); err != nil || st.Interval != 2*time.Hour {
		t.Errorf("the changed target a: %v, %v", st, err)
	}

	// A broken file is refused as a whole.
	writeFile(t, r.file, "storage: x\nchecks:\n  - {name: z, type: tcp, address: \"h:1\", timeout: 2x}\n")
	err := r.ReloadFile(r.file)
	if err == nil || !strings.Contains(err.Error(), `vitals.yaml:3: checks[0].timeout: "2x" is not a duration`) {
		t.Fatalf("broken file: %v", err)
	}
	if _, err := r.Targets().State("a"); err != nil {
		t.Error("the running configuration did not survive a refused reload")
	}
	if b := r.Board().Banner(); b != "The configuration in vitals.yaml was not applied: 1 error, the first at line 3 (checks[0].timeout); see the log. The previous configuration keeps running." {
		t.Errorf("banner %q", b)
	}
	_, metrics := get(t, r.url+"/metrics")
	for _, want := range []string{"vitals_monitor_config_reload_failures_total 1", "vitals_monitor_config_last_reload_successful 0", "vitals_monitor_config_reloads_total 2"} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	// The file watcher applies a fixed file by itself, and the banner goes.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.WatchFile(ctx, r.file, 10*time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()
	writeFile(t, r.file, strings.Replace(head, "%s", r.dir+"/vitals.db", 1)+
		"  - {name: d, type: tcp, address: \""+addrB+"\", interval: 1h}\n")
	monitortest.Eventually(t, "the watcher applying the fixed file", func() bool {
		_, ok := r.Board().State("d")
		return ok && r.Board().Banner() == ""
	})
}

// info returns the identity of a running target: a target the monitor
// restarted has a new one.
func info(t *testing.T, r *running, name string) any {
	t.Helper()
	st, err := r.Targets().State(name)
	if err != nil {
		t.Fatal(err)
	}
	return st.CheckInfo
}

// The file watcher refuses a file past the size limit like any broken
// file, with a banner, instead of skipping it in silence.
func TestWatchFileTooLarge(t *testing.T) {
	r := serve(t, "storage: %s\nchecks:\n  - {name: a, type: tcp, address: \""+testservice.ClosedAddr(t)+"\", interval: 1h}\n", "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.WatchFile(ctx, r.file, 10*time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()
	writeFile(t, r.file, "checks:\n"+strings.Repeat("# padding\n", config.MaxBytes/10+1))
	monitortest.Eventually(t, "a banner for the file past the limit", func() bool {
		return strings.Contains(r.Board().Banner(), "was not applied")
	})
	if _, ok := r.Board().State("a"); !ok {
		t.Error("the running configuration did not survive")
	}
}

// The file watcher reloads when an included file changes, or one is added
// where a pattern matches; a broken included file is named in the banner.
func TestWatchFileIncludes(t *testing.T) {
	addr := testservice.ClosedAddr(t)
	target := func(name string) string {
		return "checks:\n  - {name: " + name + ", type: tcp, address: \"" + addr + "\", interval: 1h}\n"
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "checks"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "checks", "a.yaml"), target("a"))
	r := serve(t, "storage: %s\ninclude: [checks/*.yaml]\n", dir)
	if _, ok := r.Board().State("a"); !ok {
		t.Fatal("the included target a is not on the board")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.WatchFile(ctx, r.file, 10*time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()

	writeFile(t, filepath.Join(dir, "checks", "a.yaml"), target("a2"))
	monitortest.Eventually(t, "the watcher applying the changed included file", func() bool {
		_, ok := r.Board().State("a2")
		return ok
	})
	writeFile(t, filepath.Join(dir, "checks", "b.yaml"), target("b"))
	monitortest.Eventually(t, "the watcher applying the added included file", func() bool {
		_, ok := r.Board().State("b")
		return ok
	})
	writeFile(t, filepath.Join(dir, "checks", "b.yaml"), "\n"+target("a2"))
	monitortest.Eventually(t, "a banner naming the broken included file", func() bool {
		return r.Board().Banner() == "The configuration in vitals.yaml was not applied: 1 error, the first in b.yaml at line 3 (checks[0].name); see the log. The previous configuration keeps running."
	})
	if _, ok := r.Board().State("b"); !ok {
		t.Error("the running configuration did not survive")
	}
}

// A reload refused for a file a new include line names: fixing that file
// is seen, though the running configuration includes nothing.
func TestWatchFileNewIncludeFixed(t *testing.T) {
	addr := testservice.ClosedAddr(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "checks"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := serve(t, "storage: %s\n", dir)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.WatchFile(ctx, r.file, 10*time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()
	writeFile(t, filepath.Join(dir, "checks", "a.yaml"), "checks:\n  - {name: a, type: nope}\n")
	writeFile(t, r.file, "storage: "+filepath.Join(dir, "vitals.db")+"\ninclude: [checks/*.yaml]\n")
	monitortest.Eventually(t, "the refusal", func() bool { return r.Board().Banner() != "" })
	writeFile(t, filepath.Join(dir, "checks", "a.yaml"), "checks:\n  - {name: a, type: tcp, address: \""+addr+"\", interval: 1h}\n")
	monitortest.Eventually(t, "the watcher applying the fixed included file", func() bool {
		_, ok := r.Board().State("a")
		return ok && r.Board().Banner() == ""
	})
}
