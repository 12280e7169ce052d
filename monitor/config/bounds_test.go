package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/ast"
)

// nestedBlock returns a checks list nested depth lists deep, one per line.
func nestedBlock(depth int) string {
	var b strings.Builder
	b.WriteString("checks:\n")
	for i := range depth - 1 {
		b.WriteString(strings.Repeat(" ", 2*i+2) + "-\n")
	}
	return b.String()
}

// nestedMaps returns mappings nested depth deep.
func nestedMaps(depth int) string {
	var b strings.Builder
	for i := range depth {
		fmt.Fprintf(&b, "%sk%d:\n", strings.Repeat(" ", 2*i), i)
	}
	return b.String()
}

// errorsOf parses data and returns its errors as text.
func errorsOf(t *testing.T, data string) []string {
	t.Helper()
	_, err := Parse("v.yaml", []byte(data), testEnv)
	var got []string
	for _, e := range Errors(err) {
		got = append(got, e.Error())
	}
	return got
}

// Inputs past the limits are refused with the line where they cross them,
// before the parser sees them: the nested ones took the parser's memory
// with the square of their depth (the 200 KB ones past 3 GB).
func TestParseRefusesPastLimits(t *testing.T) {
	checks := "checks:\n  - {name: a, type: memory}\n"
	tests := []struct {
		name, data, want string
	}{
		{"flow lists, 200 KB", "checks: " + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "\n",
			"v.yaml:1: nesting deeper than 32 levels"},
		{"compact lists, 200 KB", "checks:\n  " + strings.Repeat("- ", 100_000) + "x\n",
			"v.yaml:2: nesting deeper than 32 levels"},
		{"block lists", nestedBlock(33), "v.yaml:33: nesting deeper than 32 levels"},
		{"block mappings", nestedMaps(33), "v.yaml:33: nesting deeper than 32 levels"},
		{"flow mappings", "checks: " + strings.Repeat("{a: ", 40) + strings.Repeat("}", 40) + "\n",
			"v.yaml:1: nesting deeper than 32 levels"},
		{"one-pair mappings in lists", "checks: " + strings.Repeat("[a: ", 20) + strings.Repeat("]", 20) + "\n",
			"v.yaml:1: nesting deeper than 32 levels"},
		{"flow lists over lines", "checks:\n" + strings.Repeat("  [\n", 40) + strings.Repeat("  ]\n", 40),
			"v.yaml:33: nesting deeper than 32 levels"},
		{"lists as mapping values", deepSeqMap(17), "v.yaml:17: nesting deeper than 32 levels"},
		{"two documents", checks + "---\n" + checks, "v.yaml:3: more than one YAML document"},
		{"a document after an end marker", checks + "...\n" + checks, "v.yaml:4: more than one YAML document"},
		{"directive", "%YAML 1.2\n---\n" + checks, "v.yaml:1: YAML directives (%YAML, %TAG) are not supported"},
		{"just over the size limit", pad(checks, MaxBytes+1), "v.yaml:3: the file goes on past 1048576 bytes (1 MiB)"},
		{"tag on a check", "checks:\n  - !!map {name: a, type: memory}\n",
			`v.yaml:2: YAML tags such as "!!map" are not supported`},
		{"custom tag", "checks:\n  - name: !custom a\n    type: memory\n",
			`v.yaml:2: YAML tags such as "!custom" are not supported`},
		{"binary", "checks:\n  - name: a\n    type: memory\n    description: !!binary aGVsbG8=\n",
			`v.yaml:4: YAML tags such as "!!binary" are not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := errorsOf(t, tt.data)
			if len(got) != 1 || !strings.HasPrefix(got[0], tt.want) {
				t.Errorf("errors:\n%s\nwant one starting %s", strings.Join(got, "\n"), tt.want)
			}
		})
	}
}

// pad returns s with a comment line that makes it n bytes long.
func pad(s string, n int) string {
	return s + "#" + strings.Repeat("x", n-len(s)-2) + "\n"
}

// deepSeqMap returns "- a:" entries each nested in the previous, each a
// list in a mapping at its key's column: depth levels of mapping and list.
func deepSeqMap(depth int) string {
	var b strings.Builder
	for i := range depth {
		fmt.Fprintf(&b, "%s- a:\n", strings.Repeat("  ", i))
	}
	return b.String()
}

// What looks like nesting but is text — in quotes, block scalars,
// comments, plain values — is not counted, and a file just at the limits
// loads.
func TestParseWithinLimits(t *testing.T) {
	deep := strings.Repeat("[", 40)
	tests := []struct{ name, data string }{
		{"quoted", "checks:\n  - {name: a, type: memory, description: \"" + deep + "\"}\n"},
		{"single-quoted", "checks:\n  - {name: a, type: memory, description: 'it''s " + deep + "'}\n"},
		{"quoted over lines", "checks:\n  - name: a\n    type: memory\n    description: \"x\n      " + deep + "\n      y\"\n"},
		{"block scalar", "checks:\n  - name: a\n    type: memory\n    description: |\n      " + deep + "\n\n      - - - - -\n    critical: false\n"},
		{"folded block scalar", "checks:\n  - name: a\n    type: memory\n    description: >-\n" + strings.Repeat("      - x:\n", 40)},
		{"comment", "# " + deep + "\nchecks: # " + deep + "\n  - {name: a, type: memory}\n"},
		{"plain value", "checks:\n  - name: a\n    type: http\n    url: http://h/?q=" + deep + "\n"},
		{"byte order mark", "\xEF\xBB\xBFchecks:\n  - {name: a, type: memory}\n"},
		{"explicit start and end", "---\nchecks:\n  - {name: a, type: memory}\n...\n# done\n"},
		{"exactly the size limit", pad("checks:\n  - {name: a, type: memory}\n", MaxBytes)},
		{"the size limit and a byte order mark", "\xEF\xBB\xBF" + pad("checks:\n  - {name: a, type: memory}\n", MaxBytes)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(bytes.TrimPrefix([]byte(tt.data), bom)) > MaxBytes {
				t.Fatalf("test input is %d bytes", len(tt.data))
			}
			cfg, err := Parse("v.yaml", []byte(tt.data), testEnv)
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.Checks) != 1 || cfg.Checks[0].Name != "a" {
				t.Errorf("checks = %+v", cfg.Checks)
			}
		})
	}
	// 32 levels: refused for what they hold, not for their depth.
	for _, data := range []string{nestedBlock(32), nestedMaps(32), "checks: " + strings.Repeat("[", 31) + strings.Repeat("]", 31) + "\n"} {
		for _, e := range errorsOf(t, data) {
			if strings.Contains(e, "nesting") {
				t.Errorf("%d lines: %s", strings.Count(data, "\n"), e)
			}
		}
	}
}

// A byte order mark moves no line number.
func TestParseBOMKeepsLines(t *testing.T) {
	got := errorsOf(t, "\xEF\xBB\xBFchecks:\n  - name: a\n    type: memory\n    timeout: 2x\n")
	if want := `v.yaml:4: checks[0].timeout: "2x" is not a duration`; len(got) != 1 || !strings.HasPrefix(got[0], want) {
		t.Errorf("errors %q, want %s", got, want)
	}
}

// Load reads no more than one byte past the limit of a file that goes on.
func TestLoadRefusesLargeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vitals.yaml")
	big := "checks:\n" + strings.Repeat("  - {name: a, type: memory}\n", 2*MaxBytes/28)
	if err := os.WriteFile(path, []byte(big), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	line := bytes.Count([]byte(big[:MaxBytes]), []byte("\n")) + 1
	if want := fmt.Sprintf("%s:%d: the file goes on past", path, line); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Load = %v, want %s…", err, want)
	}
}

// astDepth is the nesting of lists and mappings in n as the parser built
// it, to hold the scan to.
func astDepth(n ast.Node) int {
	deepest := func(nodes ...ast.Node) int {
		d := 0
		for _, c := range nodes {
			if c != nil {
				d = max(d, astDepth(c))
			}
		}
		return d
	}
	switch v := n.(type) {
	case *ast.DocumentNode:
		return deepest(v.Body)
	case *ast.SequenceNode:
		return 1 + deepest(v.Values...)
	case *ast.MappingNode:
		d := 0
		for _, p := range v.Values {
			d = max(d, deepest(p.Key, p.Value))
		}
		return 1 + d
	case *ast.MappingValueNode:
		return 1 + deepest(v.Key, v.Value)
	case *ast.MappingKeyNode:
		return deepest(v.Value)
	case *ast.TagNode:
		return deepest(v.Value)
	case *ast.AnchorNode:
		return deepest(v.Value)
	}
	return 0
}
