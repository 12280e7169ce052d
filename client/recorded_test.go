package client

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Recorded is one recorded answer of a health endpoint: the fuzz seeds,
// the golden tests' inputs and the benchmarks' bodies.
type Recorded struct {
	Name string // unique, for golden files and subtests
	// Vitalshttp marks an answer from vitalshttp's golden files, which
	// that package owns and changes; the others are this package's.
	Vitalshttp  bool
	Code        int
	ContentType string
	Body        []byte
}

// ReadRecorded reads an answer written as vitalshttp writes its golden
// files: "HTTP <code>", "Content-Type: <type>", a blank line and the body.
func ReadRecorded(t testing.TB, path string) Recorded {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	status, rest, _ := bytes.Cut(raw, []byte("\n"))
	ct, body, _ := bytes.Cut(rest, []byte("\n\n"))
	code, err := strconv.Atoi(strings.TrimPrefix(string(status), "HTTP "))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return Recorded{Code: code, ContentType: strings.TrimSpace(strings.TrimPrefix(string(ct), "Content-Type:")), Body: body}
}

// AllRecorded returns every recorded answer: the foreign formats in
// testdata/bodies and everything vitalshttp's golden tests record.
func AllRecorded(t testing.TB) []Recorded {
	t.Helper()
	var out []Recorded
	own, _ := filepath.Glob(filepath.Join("testdata", "bodies", "*.http"))
	for _, p := range own {
		r := ReadRecorded(t, p)
		r.Name = strings.TrimSuffix(filepath.Base(p), ".http")
		out = append(out, r)
	}
	theirs, _ := filepath.Glob(filepath.Join("..", "vitalshttp", "testdata", "*", "*.golden"))
	for _, p := range theirs {
		r := ReadRecorded(t, p)
		r.Name = "vitalshttp_" + filepath.Base(filepath.Dir(p)) + "_" + strings.TrimSuffix(filepath.Base(p), ".golden")
		r.Vitalshttp = true
		out = append(out, r)
	}
	if len(own) == 0 || len(theirs) == 0 {
		t.Fatalf("found %d bodies in testdata and %d vitalshttp golden files", len(own), len(theirs))
	}
	return out
}
