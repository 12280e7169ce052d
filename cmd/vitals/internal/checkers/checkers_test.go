package checkers

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/cmd/vitals/internal/config"
)

// Every type the configuration accepts can be built, and nothing else.
func TestEveryTypeHasABuilder(t *testing.T) {
	var built []string
	for typ := range builders {
		built = append(built, typ)
	}
	slices.Sort(built)
	if !slices.Equal(built, config.Types()) {
		t.Errorf("builders %v\nconfig types %v", built, config.Types())
	}
}

// Every field a type declares is read by its builder: a field that is
// parsed but ignored would silently do nothing.
func TestBuildersReadEveryField(t *testing.T) {
	src := ""
	for _, f := range []string{"stdlib.go", "drivers.go", "files.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src += string(b)
	}
	for _, typ := range config.Types() {
		for _, f := range config.Fields(typ) {
			if !strings.Contains(src, fmt.Sprintf("(%q)", f.Name)) {
				t.Errorf("type %s: no builder reads field %s", typ, f.Name)
			}
		}
	}
}

func parse(t *testing.T, yaml string) *config.Check {
	t.Helper()
	cfg, err := config.Parse("v.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	return &cfg.Checks[0]
}

func TestBuildErrorsAreLocated(t *testing.T) {
	tests := []struct {
		yaml, want string
	}{
		{"checks:\n  - name: a\n    type: http\n    url: ftp://u:sekrit@x/\n", "v.yaml:4: checks[0].url: "},
		{"checks:\n  - name: a\n    type: http\n    url: http://x/\n    method: POST\n", "v.yaml:4: checks[0].url: "},
		{"checks:\n  - name: a\n    type: grpc\n    address: x:1\n    plaintext: true\n    insecure: true\n", "v.yaml:6: checks[0].insecure: "},
		{"checks:\n  - name: a\n    type: goroutines\n    warn: 10\n    fail: 5\n", "v.yaml:2: checks[0]: "},
	}
	for _, tt := range tests {
		_, _, err := Build(parse(t, tt.yaml))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Build(%q) = %v, want an error starting %q", tt.yaml, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "sekrit") {
			t.Errorf("error leaks a password: %v", err)
		}
	}
}

func TestBuildStdlibCheckersRun(t *testing.T) {
	dir := t.TempDir()
	yaml := fmt.Sprintf("checks:\n  - {name: a, type: writable, path: %q}\n", dir)
	chk, release, err := Build(parse(t, yaml))
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if r := chk.Check(context.Background()); r.Status != vitals.StatusPass {
		t.Errorf("writable %s: %+v", dir, r)
	}
	missing := filepath.Join(dir, "nope.db")
	chk, release, err = Build(parse(t, fmt.Sprintf("checks:\n  - {name: a, type: bolt, path: %q}\n", missing)))
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if r := chk.Check(context.Background()); r.Status != vitals.StatusFail || !strings.Contains(r.Message, "nope.db") {
		t.Errorf("bolt on a missing file: %+v", r)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("the bolt check created the database file")
	}
}
