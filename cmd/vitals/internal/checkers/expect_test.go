package checkers

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
)

// The expect conditions of http and health targets judge real responses:
// a response that meets the other conditions but not these fails, saying
// which condition and what was seen; a health target lists its sub-checks.
func TestExpect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"pass","version":"1.4.2","checks":{"db":{"status":"pass"},"cache":{"status":"warn","message":"slow"}}}`)
	}))
	defer srv.Close()
	tests := []struct {
		typ, expect string
		want        vitals.Status
		msg         string
	}{
		{"http", `["code == 200", "body.version == \"1.4.2\"", "header.Content-Type contains \"json\""]`, vitals.StatusPass, ""},
		{"http", `["code == 200", "body.version == \"2.0.0\""]`, vitals.StatusFail, `body.version == "2.0.0": was "1.4.2"`},
		{"http", `["latency < 1ns"]`, vitals.StatusFail, "latency < 1ns: was "},
		{"health", `["status != fail", "body.checks.db.status == \"pass\""]`, vitals.StatusPass, ""},
		{"health", `["status == warn"]`, vitals.StatusFail, "status == warn: was pass"},
	}
	for _, tt := range tests {
		c := parse(t, "checks:\n  - {name: a, type: "+tt.typ+", url: \""+srv.URL+"\", expect: "+tt.expect+"}\n")
		chk, release, err := Build(c)
		if err != nil {
			t.Fatal(err)
		}
		r := chk.Check(context.Background())
		release()
		if r.Status != tt.want || !strings.Contains(r.Message, tt.msg) {
			t.Errorf("%s %s: %v %q, want %v containing %q", tt.typ, tt.expect, r.Status, r.Message, tt.want, tt.msg)
		}
	}

	c := parse(t, "checks:\n  - {name: a, type: health, url: \""+srv.URL+"\"}\n")
	chk, release, err := Build(c)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if r := chk.Check(context.Background()); r.Details["checks"] == nil {
		t.Errorf("a health target's details do not list its sub-checks: %v", r.Details)
	}
}
