package checkers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/config"
)

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
}

// A type whose driver is not linked in is reported by Missing, once, and
// Build refuses it at its type field.
func TestDriverTypesAreMissingHere(t *testing.T) {
	cfg, err := config.Parse("v.yaml", []byte("checks:\n  - {name: a, type: tcp, address: x:1}\n  - {name: b, type: postgres, dsn: postgres://x/}\n  - {name: c, type: redis, url: redis://x}\n  - {name: d, type: postgres, dsn: postgres://y/}\n"), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	if got := Missing(cfg); !slices.Equal(got, []string{"postgres", "redis"}) {
		t.Errorf("Missing = %q, want [postgres redis]", got)
	}
	_, _, err = Build(&cfg.Checks[1])
	if want := "v.yaml:3: checks[1].type: type postgres needs a driver that is not linked into this binary (vitals-full has it)"; err == nil || err.Error() != want {
		t.Errorf("Build(postgres) = %v, want %s", err, want)
	}
}
