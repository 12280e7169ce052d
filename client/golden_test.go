package client_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/client"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// secrets appear in the test bodies; no report or error may show them.
var secrets = []string{"hunter2", "s3cret", "abcdefghijklmnopqrstuvwxyz0123", "abc123", "probe-token"}

// body is one recorded answer of a health endpoint.
type body struct {
	name        string // for the golden file
	code        int
	contentType string
	body        []byte
}

// readBody reads a recorded answer: "HTTP <code>", "Content-Type: <type>",
// a blank line and the body, as vitalshttp writes its golden files.
func readBody(t testing.TB, path string) body {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	status, rest, _ := bytes.Cut(raw, []byte("\n"))
	ct, b, _ := bytes.Cut(rest, []byte("\n\n"))
	code, err := strconv.Atoi(strings.TrimPrefix(string(status), "HTTP "))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return body{code: code, contentType: strings.TrimSpace(strings.TrimPrefix(string(ct), "Content-Type:")), body: b}
}

// bodies returns every recorded answer: the foreign formats in
// testdata/bodies and everything vitalshttp's golden tests record.
func bodies(t testing.TB) []body {
	t.Helper()
	var out []body
	own, _ := filepath.Glob(filepath.Join("testdata", "bodies", "*.http"))
	for _, p := range own {
		b := readBody(t, p)
		b.name = strings.TrimSuffix(filepath.Base(p), ".http")
		out = append(out, b)
	}
	theirs, _ := filepath.Glob(filepath.Join("..", "vitalshttp", "testdata", "*", "*.golden"))
	for _, p := range theirs {
		b := readBody(t, p)
		b.name = "vitalshttp_" + filepath.Base(filepath.Dir(p)) + "_" + strings.TrimSuffix(filepath.Base(p), ".golden")
		out = append(out, b)
	}
	if len(own) == 0 || len(theirs) == 0 {
		t.Fatalf("found %d bodies in testdata and %d vitalshttp golden files", len(own), len(theirs))
	}
	return out
}

// render writes what a user of a Report sees, for a golden file.
func render(r *client.Report, err error) string {
	var b strings.Builder
	if r != nil {
		fmt.Fprintf(&b, "format: %s\nstatus: %s\nok: %t\ncode: %d\n", r.Format, r.Status, r.OK(), r.Code)
		if r.Message != "" {
			fmt.Fprintf(&b, "message: %s\n", r.Message)
		}
		for _, c := range r.Checks {
			fmt.Fprintf(&b, "check %q: %s", c.Name, c.Status)
			if c.Message != "" {
				fmt.Fprintf(&b, ": %s", c.Message)
			}
			b.WriteString("\n")
		}
		for _, is := range r.Issues {
			fmt.Fprintf(&b, "issue %s: %s\n", is.Time.Format(time.RFC3339Nano), is.Description)
		}
		fmt.Fprintf(&b, "string: %s\n", r)
	}
	if err != nil {
		fmt.Fprintf(&b, "error: %T: %s\n", err, err)
	}
	return b.String()
}

func TestParseGolden(t *testing.T) {
	for _, tt := range bodies(t) {
		t.Run(tt.name, func(t *testing.T) {
			r, err := client.Parse(tt.code, tt.contentType, tt.body)
			if r == nil {
				t.Fatalf("Parse returned no report (err %v)", err)
			}
			if !bytes.Equal(r.Body, tt.body) {
				t.Error("Report.Body is not the body parsed")
			}
			got := render(r, err)
			for _, s := range secrets {
				if strings.Contains(got, s) {
					t.Errorf("secret %q shown:\n%s", s, got)
				}
			}
			checkGolden(t, filepath.Join("testdata", "reports", tt.name+".golden"), got)
		})
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
