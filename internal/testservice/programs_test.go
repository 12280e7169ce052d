package testservice

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestMailpitVersionMatchesScript(t *testing.T) {
	script, err := os.ReadFile(filepath.Join("..", "..", "scripts", "services"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^readonly MAILPIT_VERSION=(\S+)$`).FindSubmatch(script)
	if m == nil {
		t.Fatal("scripts/services sets no MAILPIT_VERSION")
	}
	if got := string(m[1]); got != MailpitVersion {
		t.Errorf("scripts/services builds mailpit %s, MailpitVersion is %s: tests would not find the binary", got, MailpitVersion)
	}
}

func TestProgramFromEnv(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "fake-mailpit")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VITALS_MAILPIT_BIN", bin)
	if got := MailpitBin(t); got != bin {
		t.Errorf("MailpitBin = %q, want $VITALS_MAILPIT_BIN %q", got, bin)
	}
}

func TestProgramMissing(t *testing.T) {
	notExec := filepath.Join(t.TempDir(), "alertmanager")
	if err := os.WriteFile(notExec, []byte("not a program"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, bin, env string
		wantFatal      bool
	}{
		{name: "absent skips", bin: filepath.Join(t.TempDir(), "nothing"), env: ""},
		{name: "not executable skips", bin: notExec, env: ""},
		{name: "absent fails when required", bin: filepath.Join(t.TempDir(), "nothing"), env: "1", wantFatal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(RequireEnv, tt.env)
			t.Setenv("VITALS_ALERTMANAGER_BIN", tt.bin)
			var r Recorder
			if got := AlertmanagerBin(&r); got != "" {
				t.Errorf("AlertmanagerBin = %q for a missing program", got)
			}
			msg := r.Ended(t, tt.wantFatal)
			for _, want := range []string{"Alertmanager", tt.bin, "VITALS_ALERTMANAGER_BIN", "scripts/services"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not mention %q", msg, want)
				}
			}
		})
	}
}

func TestProgramSearchOrder(t *testing.T) {
	dir := t.TempDir()
	cached := filepath.Join(dir, "cached")
	onPath := filepath.Join(dir, "path", "prog")
	for _, p := range []string{cached, onPath} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", filepath.Dir(onPath))
	t.Setenv("VITALS_TEST_PROG", "")
	if got, err := findProgram("VITALS_TEST_PROG", []string{filepath.Join(dir, "absent"), cached}, []string{"prog"}); err != nil || got != cached {
		t.Errorf("with a cached binary: %q, %v; want %q", got, err, cached)
	}
	if got, err := findProgram("VITALS_TEST_PROG", []string{filepath.Join(dir, "absent")}, []string{"nope", "prog"}); err != nil || got != onPath {
		t.Errorf("without one: %q, %v; want %q from PATH", got, err, onPath)
	}
}
