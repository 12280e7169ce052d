package api_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
)

// docsPath is the page that shows every endpoint's answers.
const docsPath = "../../docs/api.md"

// docsAnswer is a generated example on that page: the golden file NAME,
// between its markers.
var docsAnswer = regexp.MustCompile("(?s)<!-- answer ([a-z0-9_]+) -->\n.*?<!-- end -->")

// docsHeaders are the headers an example shows; the others are the same
// on every answer and said once in the text.
var docsHeaders = []string{"Cache-Control", "Content-Type", "Etag", "Www-Authenticate"}

// checkDocs keeps the examples in docs/api.md the answers of the golden
// files: go test -update rewrites them from testdata.
func checkDocs(t *testing.T) {
	page, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var failed []string
	out := docsAnswer.ReplaceAllFunc(page, func(m []byte) []byte {
		name := string(docsAnswer.FindSubmatch(m)[1])
		seen[name] = true
		g, err := os.ReadFile("testdata/" + name + ".golden")
		if err != nil {
			failed = append(failed, name+": "+err.Error())
			return m
		}
		return []byte("<!-- answer " + name + " -->\n" + docsExample(t, string(g)) + "<!-- end -->")
	})
	if len(seen) == 0 {
		failed = append(failed, "no examples")
	}
	if len(failed) > 0 {
		t.Errorf("docs/api.md:\n%s", strings.Join(failed, "\n"))
	}
	if update := flag.Lookup("update"); update != nil && update.Value.String() == "true" {
		if err := os.WriteFile(docsPath, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(out, page) {
		t.Errorf("docs/api.md's examples differ from testdata (go test -update rewrites them)")
	}
}

// docsExample writes a golden answer as the page shows it: the request,
// the status and a few headers, and the body, JSON indented.
func docsExample(t *testing.T, g string) string {
	t.Helper()
	head, body, _ := strings.Cut(g, "\n\n")
	lines := strings.Split(head, "\n")
	var b strings.Builder
	b.WriteString("```http\n" + lines[0] + "\n\nHTTP/1.1 " + lines[1] + "\n")
	for _, l := range lines[2:] {
		k, _, _ := strings.Cut(l, ": ")
		for _, h := range docsHeaders {
			if k == h {
				b.WriteString(l + "\n")
			}
		}
	}
	b.WriteString("\n")
	var indented bytes.Buffer
	if json.Indent(&indented, []byte(body), "", "  ") == nil {
		body = indented.String()
	}
	b.WriteString(strings.TrimRight(body, "\n") + "\n```\n")
	return b.String()
}
