package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// leftOut is the count a capped reason ends with.
var leftOut = regexp.MustCompile(`… \(\+[0-9]{1,3}(,[0-9]{3})* bytes\)`)

// A failure reason is one bounded line, valid UTF-8, saying how much was
// left out, however long the message the server sent: a megabyte message
// was a megabyte line.
func TestReasonIsBounded(t *testing.T) {
	t.Parallel()
	// A plain-text body reaches the reason as the client's excerpt, which
	// is short already: no count, but valid UTF-8.
	for _, tt := range []struct {
		name, unit, contentType string
		counted                 bool
	}{
		{"ascii", "x", "application/health+json", true},
		{"multi-byte", "é", "application/health+json", true},
		{"invalid UTF-8", "\xff", "text/plain", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msg := strings.Repeat(tt.unit, 1_000_000/len(tt.unit))
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.WriteHeader(http.StatusServiceUnavailable)
				if tt.contentType == "text/plain" {
					fmt.Fprint(w, "fail: "+msg)
					return
				}
				fmt.Fprintf(w, `{"status":"fail","output":%q}`, msg)
			}))
			defer srv.Close()
			url := srv.URL + "/readyz"
			for _, args := range [][]string{
				{"probe", "--timeout", "5s", url},
				{"wait", "--timeout", "1s", "--interval", "100ms", url},
			} {
				r := vitalsRun(t, args...)
				if r.code != exitUnhealthy {
					t.Fatalf("vitals %s: want exit 1, got exit %d", args[0], r.code)
				}
				lines := strings.Split(strings.TrimSuffix(r.stdout+r.stderr, "\n"), "\n")
				reasons := 0
				for _, line := range lines {
					if !strings.Contains(line, "fail") {
						continue // no reason on this line
					}
					reasons++
					if len(line) > 1024 || !utf8.ValidString(line) || tt.counted && !leftOut.MatchString(line) {
						t.Errorf("vitals %s: a line of %d bytes (valid UTF-8: %v) without the count left out: %.200q…",
							args[0], len(line), utf8.ValidString(line), line)
					}
				}
				if reasons == 0 {
					t.Errorf("vitals %s printed no reason: %s", args[0], r)
				}
			}
		})
	}
}
