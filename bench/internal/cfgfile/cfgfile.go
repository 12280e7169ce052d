// Package cfgfile writes the configuration files of the benchmarks: many
// targets, in checks files the main file includes, each well within what
// a configuration file may hold.
package cfgfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vitalsgo/vitals/monitor/config"
)

// PerFile is how many checks each included file holds: at some 80 bytes
// a check in flow style, well within config.MaxBytes.
const PerFile = 5000

// Write writes the configuration head (everything but the checks) to
// path, and n checks, check(i) being the i-th in flow style without its
// "- ", to files beside it named after it (PATH-STEM.checks000.yaml, …)
// that path includes.
func Write(path, head string, n int, check func(i int) string) error {
	stem := strings.TrimSuffix(path, filepath.Ext(path))
	var names []string
	for start, k := 0, 0; start < n; start, k = start+PerFile, k+1 {
		var b strings.Builder
		b.WriteString("checks:\n")
		for i := start; i < min(start+PerFile, n); i++ {
			b.WriteString("  - ")
			b.WriteString(check(i))
			b.WriteByte('\n')
		}
		name := fmt.Sprintf("%s.checks%03d.yaml", stem, k)
		if b.Len() > config.MaxBytes {
			return fmt.Errorf("%s: %d bytes, over the %d a configuration file may hold", name, b.Len(), config.MaxBytes)
		}
		if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
			return err
		}
		names = append(names, fmt.Sprintf("%q", filepath.Base(name)))
	}
	if len(names) > 0 {
		head = strings.TrimRight(head, "\n") + "\ninclude: [" + strings.Join(names, ", ") + "]\n"
	}
	return os.WriteFile(path, []byte(head), 0o644)
}
