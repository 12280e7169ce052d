package client_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
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

// TestParseGolden reads every body of testdata/bodies and compares what a
// user of the Report sees with its golden file in testdata/reports.
func TestParseGolden(t *testing.T) {
	for _, tt := range client.AllRecorded(t) {
		if tt.Vitalshttp {
			continue // TestParseVitalshttpAnswers
		}
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
	// A report whose body is gone tests nothing.
	reports, _ := filepath.Glob(filepath.Join("testdata", "reports", "*.golden"))
	for _, p := range reports {
		body := filepath.Join("testdata", "bodies", strings.TrimSuffix(filepath.Base(p), ".golden")+".http")
		if _, err := os.Stat(body); err != nil {
			t.Errorf("%s has no body: %v", p, err)
		}
	}
}

// TestParseVitalshttpAnswers reads every answer vitalshttp's golden tests
// record. Those files are vitalshttp's, and change with it, so they have no
// golden reports here; instead every answer must be read as the server
// meant it: a 2xx healthy and a 5xx failing (but for CHORUS' listing of
// checks), each in a health format rather than by its code alone, and a
// 4xx an *APIError. TestRoundTrip compares
// the statuses of each check with a live server's.
func TestParseVitalshttpAnswers(t *testing.T) {
	for _, tt := range client.AllRecorded(t) {
		if !tt.Vitalshttp {
			continue
		}
		t.Run(tt.Name, func(t *testing.T) {
			r, err := client.Parse(tt.Code, tt.ContentType, tt.Body)
			if r == nil {
				t.Fatalf("Parse returned no report (err %v)", err)
			}
			var ae *client.APIError
			switch {
			case tt.Code >= 400 && tt.Code <= 499:
				if !errors.As(err, &ae) || ae.Code != tt.Code || r.OK() {
					t.Errorf("HTTP %d read as %s, %v; want a failing report and an *APIError", tt.Code, r.Status, err)
				}
			case err != nil:
				t.Errorf("HTTP %d: %v", tt.Code, err)
			case r.Format == client.FormatBare:
				t.Errorf("HTTP %d %s read by its code alone:\n%s", tt.Code, tt.ContentType, tt.Body)
			case strings.HasSuffix(tt.Name, "_chorus_checks"):
				// CHORUS /health/checks lists the checks with 200
				// whatever they say; the client reads their verdict.
			case r.OK() != (tt.Code >= 200 && tt.Code <= 299):
				t.Errorf("HTTP %d read as %s (%s)", tt.Code, r.Status, r.Format)
			}
			for _, s := range secrets {
				if strings.Contains(render(r, err), s) {
					t.Errorf("secret %q shown:\n%s", s, render(r, err))
				}
			}
		})
	}
}

// TestGoldenCoversEveryFormat keeps a body of this package's testdata,
// with its golden report, for every format the client reads: one read as
// the format passing and one failing.
func TestGoldenCoversEveryFormat(t *testing.T) {
	type seen struct{ ok, failing bool }
	got := map[client.Format]*seen{}
	for _, tt := range client.AllRecorded(t) {
		r, err := client.Parse(tt.Code, tt.ContentType, tt.Body)
		if err != nil || tt.Vitalshttp {
			continue
		}
		s := got[r.Format]
		if s == nil {
			s = &seen{}
			got[r.Format] = s
		}
		if r.OK() {
			s.ok = true
		} else {
			s.failing = true
		}
	}
	for _, f := range []client.Format{
		client.FormatVitals, client.FormatIETF, client.FormatKubernetes, client.FormatSpring,
		client.FormatChorus, client.FormatRegiocom, client.FormatAxway, client.FormatTabby,
		client.FormatKiviGo, client.FormatBare,
	} {
		switch s := got[f]; {
		case s == nil:
			t.Errorf("no recorded body is read as %s", f)
		case !s.ok || !s.failing:
			t.Errorf("the recorded %s bodies are all %s", f, map[bool]string{true: "healthy", false: "failing"}[s.ok])
		}
	}
}
