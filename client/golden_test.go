package client_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/internal/golden"
)

// secrets appear in the test bodies; no report or error may show them.
var secrets = []string{"hunter2", "s3cret", "abcdefghijklmnopqrstuvwxyz0123", "abc123", "probe-token"}

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
	for _, tt := range client.AllRecorded(t) {
		t.Run(tt.Name, func(t *testing.T) {
			r, err := client.Parse(tt.Code, tt.ContentType, tt.Body)
			if r == nil {
				t.Fatalf("Parse returned no report (err %v)", err)
			}
			if !bytes.Equal(r.Body, tt.Body) {
				t.Error("Report.Body is not the body parsed")
			}
			got := render(r, err)
			for _, s := range secrets {
				if strings.Contains(got, s) {
					t.Errorf("secret %q shown:\n%s", s, got)
				}
			}
			golden.Compare(t, filepath.Join("testdata", "reports", tt.Name+".golden"), got)
		})
	}
}
