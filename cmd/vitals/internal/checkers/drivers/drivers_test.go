package drivers

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/cmd/vitals/internal/checkers"
	"github.com/vitalsgo/vitals/monitor/config"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// With the drivers registered, every type the configuration accepts can be
// built.
func TestEveryTypeHasABuilder(t *testing.T) {
	cfg := &config.Config{}
	for _, typ := range config.Types() {
		cfg.Checks = append(cfg.Checks, config.Check{Type: typ})
	}
	if missing := checkers.Missing(cfg); len(missing) > 0 {
		t.Errorf("no builder for %q", missing)
	}
}

// Every field a type declares is read by its builder: a field that is
// parsed but ignored would silently do nothing.
func TestBuildersReadEveryField(t *testing.T) {
	files, err := filepath.Glob("*.go") // the builders of this package, and its tests
	if err != nil {
		t.Fatal(err)
	}
	src := ""
	// Push targets are built by the monitor, which receives their pushes.
	for _, f := range append(files, "../stdlib.go", "../../../../../monitor/push.go") {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
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

// The bolt check opens the file read-only for each run: a missing file
// fails the check, naming it, and is not created.
func TestBoltOnAMissingFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.db")
	cfg, err := config.Parse("v.yaml", fmt.Appendf(nil, "checks:\n  - {name: a, type: bolt, path: %q}\n", missing), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	chk, release, err := checkers.Build(&cfg.Checks[0])
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

// A mongo check that reads a collection names its database: without one,
// the error points at the collection field, before any connection.
func TestMongoCollectionNeedsDatabase(t *testing.T) {
	cfg, err := config.Parse("v.yaml", []byte("checks:\n  - {name: a, type: mongo, uri: \"mongodb://127.0.0.1/\", collection: orders}\n"), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = checkers.Build(&cfg.Checks[0])
	if err == nil || !strings.Contains(err.Error(), "checks[0].collection") || !strings.Contains(err.Error(), "needs database") {
		t.Fatalf("Build: %v, want an error at checks[0].collection", err)
	}
}
