package main

import (
	"context"
	"errors"
	"flag"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/vitalsgo/vitals/bench/internal/report"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// buildServer builds cmd/benchserver once for the tests of this package.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "benchserver")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "../benchserver").CombinedOutput()
	if err != nil {
		t.Fatalf("build benchserver: %v\n%s", err, out)
	}
	return bin
}

// TestServerLifecycle starts a real benchserver the way every scenario does
// and reads it from outside: the ready line, the probe, the side endpoint
// and /proc, then stops it.
func TestServerLifecycle(t *testing.T) {
	bin := buildServer(t)
	for _, lib := range []string{"vitals", "sundheit"} {
		t.Run(lib, func(t *testing.T) {
			s, err := start(bin, serverArgs{Lib: lib, Args: []string{"--scenario", "probe", "--checks", "3"}})
			if err != nil {
				t.Fatal(err)
			}
			defer sideClient.CloseIdleConnections()
			if err := s.waitStatus(200, 10*time.Second); err != nil {
				t.Fatal(err)
			}
			st, err := s.stats()
			if err != nil {
				t.Fatal(err)
			}
			if st.Calls < 3 || st.Goroutines < 1 {
				t.Errorf("stats = %+v: want the 3 checks called and some goroutines", st)
			}
			sample, err := s.sample()
			if err != nil {
				t.Fatal(err)
			}
			if sample.RSS <= 0 || sample.Threads < 1 {
				t.Errorf("sample = %+v", sample)
			}
			s.stop()
			if err := s.c.Signal(syscall.Signal(0)); err == nil {
				t.Error("the server still runs after stop")
			}
		})
	}
}

func TestServerDNF(t *testing.T) {
	bin := buildServer(t)
	// No server registers 50,000 checks in a millisecond: the limit is
	// what is tested, and the process must be gone afterwards.
	_, err := start(bin, serverArgs{Lib: "vitals", Register: time.Millisecond,
		Args: []string{"--scenario", "scale", "--checks", "50000"}})
	if !errors.Is(err, errDNF) {
		t.Fatalf("start = %v, want errDNF", err)
	}
}

func TestServerFails(t *testing.T) {
	bin := buildServer(t)
	_, err := start(bin, serverArgs{Lib: "hellofresh", Args: []string{"--mode", "periodic"}})
	if err == nil || !strings.Contains(err.Error(), "not expressible") {
		t.Fatalf("start of a mode hellofresh cannot express: %v, want an error saying so", err)
	}
}

func TestMergeFrom(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.json")
	old := &report.Results{Mode: "full", Commit: "abc",
		Probe: []report.ProbeRow{{Lib: "vitals", Checks: 10}},
		Storm: []report.StormRow{{Lib: "vitals", Mode: "periodic", Calls: 10}}}
	if err := old.Write(path); err != nil {
		t.Fatal(err)
	}
	res := &report.Results{Mode: "quick", Storm: []report.StormRow{{Lib: "vitals", Mode: "periodic", Calls: 5}}}
	if err := mergeFrom(res, path, []string{"storm"}); err != nil {
		t.Fatal(err)
	}
	if len(res.Probe) != 1 || res.Storm[0].Calls != 5 {
		t.Errorf("merged: probe %v, storm %v; want the old probe and the new storm", res.Probe, res.Storm)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "probe") || strings.Contains(res.Notes[0], "storm") {
		t.Errorf("notes = %q, want one naming probe as kept", res.Notes)
	}
	if err := mergeFrom(res, filepath.Join(t.TempDir(), "none.json"), nil); err != nil {
		t.Errorf("merging from a missing file: %v", err)
	}
}

// The command recorded in the report repeats the run: each flag once, with
// the value that took effect.
func TestCommandLine(t *testing.T) {
	fs := flag.NewFlagSet("benchrun", flag.ContinueOnError)
	fs.String("mode", "quick", "")
	fs.String("scenarios", "all", "")
	fs.Bool("merge", false, "")
	fs.String("docs", "../docs", "")
	fs.String("json", "out/x.json", "")
	if err := fs.Parse([]string{"-mode", "quick", "-mode", "full", "-merge", "-scenarios", "scale,probe"}); err != nil {
		t.Fatal(err)
	}
	if got, want := commandLine(fs), "go run ./cmd/benchrun -merge -mode full -scenarios scale,probe"; got != want {
		t.Errorf("commandLine = %q, want %q", got, want)
	}
	// Values a shell would split or expand are quoted.
	if err := fs.Parse([]string{"-docs", "", "-json", "out/it's mine.json"}); err != nil {
		t.Fatal(err)
	}
	if got, want := commandLine(fs), `go run ./cmd/benchrun -docs '' -json 'out/it'\''s mine.json' -merge -mode full -scenarios scale,probe`; got != want {
		t.Errorf("commandLine = %q, want %q", got, want)
	}
}
