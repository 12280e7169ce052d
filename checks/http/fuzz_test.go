package httpcheck

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzMatchJSON holds the JSON path match to what a health check needs: a
// match is the field as encoding/json reads it; a body that gives the
// field twice, or comes as two documents, matches only if both say want;
// a body built from the path always matches.
func FuzzMatchJSON(f *testing.F) {
	f.Add([]byte(`{"status":"UP","details":{"db":{"status":"DOWN"}}}`), "details.db.status", "DOWN")
	f.Add([]byte(`{"checks":[{"ok":true}],"n":1.50,"z":null}`), "checks.0.ok", "true")
	f.Add([]byte(`{"status":"DOWN","status":"UP"}`), "status", "UP")
	f.Add([]byte(`{"status":"UP"} {"status":"DOWN"}`), "status", "UP")
	f.Add([]byte(` [1, {"a": [null]}] `), "1.a.0", "null")
	f.Fuzz(func(t *testing.T, body []byte, path, want string) {
		segs := strings.Split(path, ".")
		if strings.Contains(path, "..") || strings.HasPrefix(path, ".") || strings.HasSuffix(path, ".") || path == "" {
			return // New refuses an empty segment
		}
		if err := matchJSON(body, segs, want); err == nil {
			if got, ok := standard(body, segs); !ok || got != want {
				t.Fatalf("%s matched %q in %q, which encoding/json reads as %q, %v", path, want, body, got, ok)
			}
		}
		if !utf8.ValidString(path) || !utf8.ValidString(want) {
			return // json.Marshal would write another text than want
		}
		doc := build(segs, want)
		if err := matchJSON(doc, segs, want); err != nil {
			t.Fatalf("%s = %q not found in %s: %v", path, want, doc, err)
		}
		other := build(segs, want+"x")
		for _, twice := range [][]byte{
			append(append(bytes.Clone(doc), '\n'), other...),
			append(append(bytes.Clone(other), ' '), doc...),
			// The first key's value given again, read last by encoding/json.
			append(append(bytes.TrimSuffix(other, []byte("}")), ','), doc[1:]...),
			append(append(bytes.TrimSuffix(doc, []byte("}")), ','), other[1:]...),
		} {
			if err := matchJSON(twice, segs, want); err == nil {
				t.Fatalf("%s matched %q in %s, which also says %q", path, want, twice, want+"x")
			}
		}
	})
}

// build returns a document holding want at path, as nested objects.
func build(path []string, want string) []byte {
	var v any = want
	for i := len(path) - 1; i >= 0; i-- {
		v = map[string]any{path[i]: v}
	}
	b, _ := json.Marshal(v)
	return b
}

// standard reads the field at path the plain encoding/json way.
func standard(body []byte, path []string) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return "", false
	}
	for _, seg := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[seg]
		case []any:
			n, err := strconv.Atoi(seg)
			if err != nil || n < 0 || n >= len(x) {
				return "", false
			}
			v = x[n]
		default:
			return "", false
		}
	}
	// The text of the leaf is leaf's, as TestJSONField pins it down: what
	// this reads is which value encoding/json takes for the path.
	raw, err := json.Marshal(v)
	if err != nil {
		return "", false
	}
	return leaf(raw)
}
