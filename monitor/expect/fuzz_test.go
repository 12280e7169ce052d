package expect

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

var fuzzSeeds = []string{
	"code == 200", "code>=500", "latency < 300ms", "latency <= 1h30m", "latency < 250µs",
	"cert_expiry > 14d", "cert_expiry > -1.5w", "size < 1MiB", "size <= 10kb", "size > 0",
	"status != fail", `status == "warn"`, `body contains "UP"`, "body matches `^OK\\s*$`",
	`body.status == "UP"`, `body.checks.0.status=="pass"`, `body."a.b".c != null`, `body.ok == true`,
	`body.n >= 1e3`, `body.disk.free > 1GB`, `body.uptime > 1h`, `body.tags contains "eu"`,
	`header.Content-Type contains "json"`, `header.x-id matches "^[0-9a-f]+$"`, "code\t!=\t404",
	"latency > 200", `code < "x"`, "status < pass", "stauts == pass", "code == 200 x",
	`body."\u00e9\\".x` + "` == 1", "body.`raw`.k == -0.5", `body.s == "a\qb"`, "size < 1.5KB",
}

// FuzzParse: Parse never panics, refuses with a column inside the
// condition, and reads its own String back to the same condition.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			se, ok := err.(*SyntaxError)
			if !ok || se.Col < 1 || se.Col > len(src)+1 || se.Msg == "" || !strings.HasPrefix(err.Error(), "col ") {
				t.Fatalf("Parse(%q): %#v", src, err)
			}
			return
		}
		s := e.String()
		again, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which does not parse: %v", src, s, err)
		}
		if again.String() != s || !sameExpr(e, again) {
			t.Fatalf("Parse(%q) = %#v\nits String %q reads as %#v", src, e, s, again)
		}
	})
}

func sameExpr(a, b *Expr) bool {
	if (a.val.re == nil) != (b.val.re == nil) || a.val.re != nil && a.val.re.String() != b.val.re.String() {
		return false
	}
	x, y := *a, *b
	x.val.re, y.val.re = nil, nil
	return reflect.DeepEqual(x, y)
}

// FuzzEval: evaluation never panics, its message starts with the
// condition and stays short, a List decoding the body once agrees with
// single conditions, and the body decoder reads what encoding/json reads.
func FuzzEval(f *testing.F) {
	bodies := []string{`{"status":"UP","checks":[{"status":"pass"}],"n":5,"a.b":{"c":null}}`, "OK\n", `{"status":"UP","status":"DOWN"}`, `[1,2,"3"]`, `"3h"`, ""}
	for i, s := range fuzzSeeds {
		f.Add(s, []byte(bodies[i%len(bodies)]), 200, int64(412*time.Millisecond), "application/json", "warn", i%5 == 0, int64(i*86400))
	}
	f.Fuzz(func(t *testing.T, src string, body []byte, code int, latency int64, header, status string, truncated bool, certSecs int64) {
		e, err := Parse(src)
		if err != nil {
			return
		}
		now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		in := &Input{
			Code: code, Latency: time.Duration(latency), Body: body, Truncated: truncated, Status: status, Now: now,
			Header: http.Header{"Content-Type": {header}, "X-Api-Key": {header}},
		}
		if certSecs != 0 {
			in.CertExpiry = now.Add(time.Duration(certSecs) * time.Second)
		}
		got := e.Eval(in)
		if l := (List{e, e}).Eval(in); (l == nil) != (got == nil) || l != nil && l.Error() != got.Error() {
			t.Fatalf("%s: Eval = %v, List.Eval = %v", src, got, l)
		}
		if got != nil {
			msg := got.Error()
			if !strings.HasPrefix(msg, e.String()+": ") || len(msg) > 2*len(e.String())+400 {
				t.Fatalf("%s: message %q", src, msg)
			}
			if e.field == fieldHeader && http.CanonicalHeaderKey(e.name) == "X-Api-Key" && msg != e.String()+`: was "***"` {
				t.Fatalf("%s: a secret header's value shows: %q", src, msg)
			}
		}
		checkDecoder(t, body)
	})
}

// checkDecoder holds decodeBody to encoding/json: what it reads is valid
// JSON, and equal to encoding/json's reading unless a key is given twice.
func checkDecoder(t *testing.T, body []byte) {
	doc, why := decodeBody(body, false)
	if why != "" {
		if json.Valid(body) && !strings.Contains(why, "deeper") && len(bytes.TrimSpace(body)) > 0 {
			t.Fatalf("decodeBody(%q): %s, but it is valid JSON", body, why)
		}
		return
	}
	if !json.Valid(body) {
		t.Fatalf("decodeBody(%q) read invalid JSON as %#v", body, doc)
	}
	if hasDup(doc) {
		return
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var want any
	if err := dec.Decode(&want); err != nil || !reflect.DeepEqual(doc, want) {
		t.Fatalf("decodeBody(%q) = %#v, encoding/json reads %#v (%v)", body, doc, want, err)
	}
}

func hasDup(v any) bool {
	switch v := v.(type) {
	case dupKey:
		return true
	case map[string]any:
		for _, x := range v {
			if hasDup(x) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if hasDup(x) {
				return true
			}
		}
	}
	return false
}
