package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeFiles writes name → content under dir, making directories.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// loadErrors loads dir/vitals.yaml and returns its errors as text, with
// dir left out wherever it appears.
func loadErrors(t *testing.T, dir string) []string {
	t.Helper()
	_, err := Load(filepath.Join(dir, "vitals.yaml"))
	var got []string
	for _, e := range Errors(err) {
		got = append(got, strings.ReplaceAll(e.Error(), dir+string(filepath.Separator), ""))
	}
	if err != nil && len(got) == 0 {
		t.Fatalf("error without a located Error: %v", err)
	}
	return got
}

// The checks of included files follow the file's own, in the order the
// patterns and then the file names give, and depend on each other freely.
func TestIncludeAddsChecks(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"vitals.yaml": "include: [checks/*.yaml, extra.yaml]\nnotify:\n  - {name: ops, type: webhook, url: 'http://h/'}\n" +
			"checks:\n  - {name: main, type: memory}\n",
		"checks/b.yaml": "checks:\n  - {name: b1, type: memory, depends_on: [main]}\n  - {name: b2, type: memory, notify: [ops]}\n",
		"checks/a.yaml": "# generated\nchecks:\n  - {name: a1, type: tcp, address: 'db:5432', depends_on: [x1]}\n",
		"extra.yaml":    "checks:\n  - {name: x1, type: memory}\n",
		"checks/a.yml":  "not: matched\n",
	})
	cfg, err := Load(filepath.Join(dir, "vitals.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cfg.Checks {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, " "); got != "main a1 b1 b2 x1" {
		t.Errorf("checks %s, want main a1 b1 b2 x1", got)
	}
	want := []string{filepath.Join(dir, "checks/a.yaml"), filepath.Join(dir, "checks/b.yaml"), filepath.Join(dir, "extra.yaml")}
	if fmt.Sprint(cfg.Includes) != fmt.Sprint(want) {
		t.Errorf("includes %q, want %q", cfg.Includes, want)
	}
	if r, _ := cfg.RuleOf(&cfg.Checks[2]); fmt.Sprint(r.DependsOn) != "[main]" {
		t.Errorf("b1 depends on %v", r.DependsOn)
	}
	// An error in an included check names that file and its line.
	if err := cfg.Checks[1].Errorf("address", "bad"); !strings.HasPrefix(err.Error(), filepath.Join(dir, "checks/a.yaml")+":3: checks[0].address: bad") {
		t.Errorf("Errorf = %v", err)
	}
}

// Errors in included files name them and their lines, after the file's
// own; what cannot be read or matched is an error at the pattern's line.
func TestIncludeErrors(t *testing.T) {
	memory := "checks:\n  - {name: a, type: memory}\n"
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"error in an included check", map[string]string{
			"vitals.yaml": "checks:\n  - {name: a, type: memory, timeout: 1x}\ninclude: [more.yaml]\n",
			"more.yaml":   "checks:\n  - name: b\n    type: memory\n    timeout: 2x\n",
		}, []string{
			`vitals.yaml:2: checks[0].timeout: "1x" is not a duration (e.g. 500ms, 2s, 1m30s)`,
			`more.yaml:4: checks[0].timeout: "2x" is not a duration (e.g. 500ms, 2s, 1m30s)`,
		}},
		{"a name another file has", map[string]string{
			"vitals.yaml": "include: [more.yaml]\n" + memory,
			"more.yaml":   "\n" + memory,
		}, []string{`more.yaml:3: checks[0].name: "a" is already the name of the check at vitals.yaml:3`}},
		{"a push token another file has", map[string]string{
			"vitals.yaml": "include: [more.yaml]\nchecks:\n  - {name: a, type: push, every: 1m, token: t0123456789abcdef}\n",
			"more.yaml":   "checks:\n  - {name: b, type: push, every: 1m, token: t0123456789abcdef}\n",
		}, []string{`more.yaml:2: checks[0].token: the check at vitals.yaml:3 has the same push token; each push target needs its own`}},
		{"no match", map[string]string{
			"vitals.yaml": memory + "include:\n  - checks/*.yaml\n",
		}, []string{`vitals.yaml:4: include[0]: "checks/*.yaml" matches no file`}},
		{"bad pattern", map[string]string{
			"vitals.yaml": memory + "include: ['[']\n",
		}, []string{`vitals.yaml:3: include[0]: "[" is not a file pattern: syntax error in pattern`}},
		{"not a list", map[string]string{
			"vitals.yaml": memory + "include: more.yaml\n",
		}, []string{`vitals.yaml:3: include: must be a list of file patterns such as checks/*.yaml`}},
		{"more than checks", map[string]string{
			"vitals.yaml": "include: [more.yaml]\n",
			"more.yaml":   memory + "include: [x.yaml]\nservice: {name: s}\n",
		}, []string{
			`more.yaml:3: include: an included file holds only a checks list; include goes in vitals.yaml`,
			`more.yaml:4: service: an included file holds only a checks list; service goes in vitals.yaml`,
		}},
		{"notify to an unknown channel", map[string]string{
			"vitals.yaml": "include: [more.yaml]\n",
			"more.yaml":   "checks:\n  - name: a\n    type: memory\n    notify: [pager]\n",
		}, []string{`more.yaml:4: checks[0].notify[0]: no channel "pager" in the notify list (there are none)`}},
		{"too deep", map[string]string{
			"vitals.yaml": "include: [more.yaml]\n",
			"more.yaml":   "checks: " + strings.Repeat("[", 40) + "\n",
		}, []string{`more.yaml:1: nesting deeper than 32 levels`}},
		{"a directory", map[string]string{
			"vitals.yaml": "include: [more]\n",
			"more/x.yaml": memory,
		}, []string{`vitals.yaml:1: include[0]: more, matched by "more": not a regular file`}},
		{"the file itself", map[string]string{
			"vitals.yaml": "service: {name: s}\ninclude: ['*.yaml']\n" + memory,
			"more.yaml":   "checks:\n  - {name: b, type: memory}\n",
		}, []string{`vitals.yaml:2: include[0]: "*.yaml" matches this file itself`}},
		{"a pattern quoted as written", map[string]string{
			"vitals.yaml": memory + "include: ['${HOME}/vitals-none/*.yaml']\n",
		}, []string{`vitals.yaml:3: include[0]: "${HOME}/vitals-none/*.yaml" matches no file`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			got := loadErrors(t, dir)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// A directory whose name holds pattern characters is taken as it is.
func TestIncludeFromDirectoryWithPatternCharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "env[prod]*")
	writeFiles(t, dir, map[string]string{
		"vitals.yaml":   "include: [checks/a.yaml]\n",
		"checks/a.yaml": "checks:\n  - {name: a, type: memory}\n",
	})
	cfg, err := Load(filepath.Join(dir, "vitals.yaml"))
	if err != nil || len(cfg.Checks) != 1 {
		t.Fatalf("Load = %v, %v", cfg, err)
	}
}

// A FIFO a pattern matches is an error, not a Load that waits for a
// writer.
func TestIncludeRefusesFIFO(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"vitals.yaml":   "include: ['checks/*']\n",
		"checks/a.yaml": "checks:\n  - {name: a, type: memory}\n",
	})
	if err := syscall.Mkfifo(filepath.Join(dir, "checks", "fifo"), 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	done := make(chan []string, 1)
	go func() { done <- loadErrors(t, dir) }()
	select {
	case got := <-done:
		if want := `vitals.yaml:1: include[0]: fifo, matched by "checks/*": not a regular file`; len(got) != 1 || got[0] != want {
			t.Errorf("errors %q, want %q", got, want)
		}
	case <-time.After(30 * time.Second):
		f, _ := os.OpenFile(filepath.Join(dir, "checks", "fifo"), os.O_WRONLY, 0) // let Load return
		f.Close()
		<-done
		t.Fatal("Load waited on a FIFO")
	}
}

// More than MaxIncludes files is an error, and the checks of the first
// ones are still read.
func TestIncludeLimit(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"vitals.yaml": "include: ['c/*.yaml']\n"}
	for i := range MaxIncludes + 1 {
		files[fmt.Sprintf("c/%03d.yaml", i)] = fmt.Sprintf("checks:\n  - {name: c%d, type: memory}\n", i)
	}
	writeFiles(t, dir, files)
	got := loadErrors(t, dir)
	if want := fmt.Sprintf("vitals.yaml:1: include[0]: more than %d included files", MaxIncludes); len(got) != 1 || got[0] != want {
		t.Errorf("errors %q, want %q", got, want)
	}
}
