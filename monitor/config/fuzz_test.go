package config

import (
	"maps"
	"os"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
)

// FuzzParse feeds arbitrary files to Parse: it must not panic, and what it
// accepts must be a configuration the rest of the command can trust.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("testdata/full.yaml"); err == nil {
		f.Add(string(data))
	}
	f.Add("checks:\n  - name: a\n    type: tcp\n    address: x:1\n    timeout: 2x\n")
	f.Add("service: {name: s, version: '1'}\nlisten: ':8080'\nchecks: []\n")
	f.Add("checks:\n  - {name: a, type: http, url: 'http://u:${PW:-p}@h/', status: [200, 204], headers: {A: b}}\n")
	f.Add("checks:\n  - &x {name: a, type: memory}\n  - *x\n")
	f.Add("checks:\n  - !!map {name: a, type: disk, path: /, warn_free_bytes: 1.5GiB}\n")
	f.Add("include: [a.yaml, '*.yaml']\nchecks:\n  - {name: a, type: memory}\n")
	// Included files come from memory: a.yaml holds a check, b.yaml a
	// broken one.
	included := map[string]string{
		"a.yaml": "checks:\n  - {name: b, type: memory, depends_on: [a]}\n",
		"b.yaml": "checks:\n  - {name: b, type: tcp}\nservice: {}\n",
	}
	fs := &files{
		glob: func(pattern string) ([]string, error) {
			var out []string
			for _, name := range slices.Sorted(maps.Keys(included)) {
				ok, err := path.Match(pattern, name)
				if err != nil {
					return nil, err
				}
				if ok {
					out = append(out, name)
				}
			}
			return out, nil
		},
		read: func(name string) ([]byte, error) { return []byte(included[name]), nil },
	}
	f.Fuzz(func(t *testing.T, data string) {
		cfg, err := parse("f.yaml", []byte(data), func(k string) (string, bool) { return "v-" + k, k != "UNSET" }, fs)
		if err != nil {
			for _, e := range Errors(err) {
				if (e.File != "f.yaml" && included[e.File] == "") || e.Msg == "" {
					t.Fatalf("malformed error %#v", e)
				}
			}
			if len(Errors(err)) == 0 {
				t.Fatalf("error without a located Error: %v", err)
			}
			return
		}
		names := map[string]bool{}
		for _, c := range cfg.Checks {
			if _, ok := types[c.Type]; !ok {
				t.Fatalf("accepted unknown type %q", c.Type)
			}
			if c.Name == "" || names[c.Name] {
				t.Fatalf("accepted empty or duplicate name %q", c.Name)
			}
			names[c.Name] = true
			for _, f := range types[c.Type] {
				if f.Required && !c.Params.Has(f.Name) {
					t.Fatalf("accepted check %q without %s", c.Name, f.Name)
				}
			}
			if c.Timeout <= 0 || c.FailureThreshold < 1 || len(c.Groups) == 0 {
				t.Fatalf("accepted invalid options: %+v", c)
			}
			if strings.Contains(c.Name, "/") {
				t.Fatalf("accepted name %q", c.Name)
			}
		}
	})
}

// FuzzScan holds the pre-parse scan to the parser: on any input the scan
// lets through, the parser builds no deeper nesting and no more documents
// than the scan counted, so MaxDepth bounds what the parser gets.
func FuzzScan(f *testing.F) {
	if data, err := os.ReadFile("testdata/full.yaml"); err == nil {
		f.Add(string(data))
	}
	for _, s := range []string{
		"a:\n- b:\n  - c: [d, {e: f}]\n",
		"- - - x\n- ? [a, b]\n  : {c: d}\n",
		"[a: [b: c], 'd': e, \"f\":g]\n",
		"k: |2\n    text [[[\n  x: y\n",
		"k: >-\n  - a\n\n  - b\nl: [x,\n  y]\n",
		"\"a\n  b\": c\n'd''e': [f]\n",
		"--- [a]\n...\n",
		"a: &x !!map {b: *x}\n? - q\n: - r\n",
		"a:\t[b]\n-\tc\n",
		"{a: 1}: b\n[c]: d\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		toks := lexer.Tokenize(data)
		var s scan
		s.run(toks)
		if s.err != "" {
			return
		}
		file, err := parser.Parse(toks, 0)
		if err != nil {
			return
		}
		docs := 0
		for _, doc := range file.Docs {
			if doc == nil || doc.Body == nil {
				continue
			}
			docs++
			if d := astDepth(doc); d > s.maxDepth {
				t.Fatalf("the scan saw %d levels, the parser built %d", s.maxDepth, d)
			}
		}
		if docs > max(s.docs, 1) {
			t.Fatalf("the scan saw %d documents, the parser %d", s.docs, docs)
		}
	})
}
