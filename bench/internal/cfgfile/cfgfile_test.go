package cfgfile

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/vitalsgo/vitals/monitor/config"
)

// What Write writes loads, with every check once and in order, across as
// many files as it takes.
func TestWriteLoads(t *testing.T) {
	for _, n := range []int{0, 1, PerFile, PerFile + 1, 3*PerFile - 7} {
		path := filepath.Join(t.TempDir(), "vitals.yaml")
		err := Write(path, "service: {name: s}\n", n, func(i int) string {
			return fmt.Sprintf("{name: t%05d, type: tcp, address: 'h:1'}", i)
		})
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(path)
		if err != nil {
			t.Fatalf("%d checks: %v", n, err)
		}
		if len(cfg.Checks) != n || len(cfg.Includes) != (n+PerFile-1)/PerFile {
			t.Fatalf("%d checks: loaded %d from %d files", n, len(cfg.Checks), len(cfg.Includes))
		}
		for i, c := range cfg.Checks {
			if c.Name != fmt.Sprintf("t%05d", i) {
				t.Fatalf("check %d is %s", i, c.Name)
			}
		}
	}
}
