package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/golden"
)

var (
	t0     = time.Date(2026, 12, 6, 5, 0, 0, 0, time.UTC)
	opened = t0.Add(-7 * time.Minute)
)

// messages are the cases every channel's golden bodies cover: one alert,
// several grouped in one message, a reminder and a resolve.
var messages = []struct {
	name string
	m    Message
}{
	{"one", Message{Key: "msg-1", Alerts: []Alert{{
		Kind: Firing, Incident: "api/1", DedupKey: "api/1:ops:firing",
		Target: "api", Group: "payments", Severity: "critical",
		Message: "GET https://api.example/healthz: connection refused",
		Since:   opened, At: opened, URL: "https://status.example/targets/api",
	}}}},
	{"grouped", Message{Key: "msg-2", Alerts: []Alert{
		{
			Kind: Firing, Incident: "db/4", DedupKey: "db/4:ops:firing",
			Target: "db", Group: "storage", Severity: "critical",
			Message: "ping: i/o timeout after 2s", Since: opened, At: opened,
			URL: "https://status.example/targets/db",
		},
		{
			Kind: Firing, Incident: "cache/2", DedupKey: "cache/2:ops:firing",
			Target: "cache", Severity: "warning",
			Message: "latency 812ms > 500ms <!channel> & co", Since: opened.Add(time.Second), At: opened.Add(time.Second),
		},
		{
			Kind: Resolved, Incident: "queue/9", DedupKey: "queue/9:ops:resolved",
			Target: "queue", Group: "storage", Severity: "info",
			Message: "depth 3", Since: opened.Add(-time.Hour), At: opened.Add(2 * time.Second),
		},
	}}},
	{"reminder", Message{Key: "msg-3", Alerts: []Alert{{
		Kind: Reminder, Incident: "api/1", DedupKey: "api/1:ops:reminder:2",
		Target: "api", Group: "payments", Severity: "warning",
		Message: "GET https://api.example/healthz: HTTP 503", Since: opened, At: t0, Reminder: 2,
		URL: "https://status.example/targets/api",
	}}}},
	{"resolve", Message{Key: "msg-4", Alerts: []Alert{{
		Kind: Resolved, Incident: "api/1", DedupKey: "api/1:ops:resolved",
		Target: "api", Group: "payments", Severity: "critical",
		Message: "HTTP 200 in 41ms", Since: opened, At: t0,
		URL: "https://status.example/targets/api",
	}}}},
}

// captured is one request a test server received.
type captured struct {
	method, uri string
	header      http.Header
	body        []byte
}

// receiver is a test server that records what a channel sends, checks each
// request against the provider's documented shape, and answers status.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex // protects reqs
	reqs []captured
}

func newReceiver(t *testing.T, status int, check func(t *testing.T, c captured)) *receiver {
	t.Helper()
	rv := &receiver{}
	rv.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("read request: %v", err)
		}
		c := captured{method: r.Method, uri: r.RequestURI, header: r.Header.Clone(), body: body}
		if check != nil {
			check(t, c)
		}
		rv.mu.Lock()
		rv.reqs = append(rv.reqs, c)
		rv.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(rv.Close)
	return rv
}

func (rv *receiver) requests() []captured {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	return slices.Clone(rv.reqs)
}

// options gives a channel the test server's client, which the server's
// Close cleans up, and a logger into buf.
func (rv *receiver) options(buf *bytes.Buffer) *Options {
	o := &Options{Client: rv.Client(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if buf != nil {
		o.Logger = slog.New(slog.NewTextHandler(buf, nil))
	}
	return o
}

// render writes requests as a golden file shows them: the request line,
// the headers named in show, and the body (JSON indented).
func render(t *testing.T, reqs []captured, show ...string) string {
	t.Helper()
	var b strings.Builder
	for i, r := range reqs {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s %s\n", r.method, r.uri)
		for _, h := range show {
			if v := r.header.Get(h); v != "" {
				fmt.Fprintf(&b, "%s: %s\n", h, v)
			}
		}
		b.WriteString("\n")
		if strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			var out bytes.Buffer
			if err := json.Indent(&out, r.body, "", "  "); err != nil {
				t.Errorf("body is not JSON: %v\n%s", err, r.body)
			}
			b.Write(out.Bytes())
		} else {
			b.Write(r.body)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// goldenCase sends each of messages through a channel of cfg's type
// pointed at a receiver that checks shape, and compares what it received
// with testdata/<type>/<case>.golden.
func goldenCase(t *testing.T, status int, cfg func(base string) Config, check func(t *testing.T, c captured), show ...string) {
	t.Helper()
	for _, tc := range messages {
		t.Run(tc.name, func(t *testing.T) {
			rv := newReceiver(t, status, check)
			c := cfg(rv.URL)
			ch, err := New(c, rv.options(nil))
			if err != nil {
				t.Fatal(err)
			}
			if err := ch.Send(context.Background(), tc.m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			reqs := rv.requests()
			if len(reqs) == 0 {
				t.Fatal("no request")
			}
			golden.Compare(t, filepath.Join("testdata", c.Type, tc.name+".golden"), render(t, reqs, show...))
		})
	}
}

// decode decodes a request's JSON body, failing t when it is not JSON.
func decode(t *testing.T, c captured) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(c.body, &v); err != nil {
		t.Errorf("body is not a JSON object: %v\n%s", err, c.body)
	}
	return v
}

// at returns the value at path in v: object keys and array indexes
// separated by '.'; ok is false when there is none.
func at(v any, path string) (any, bool) {
	for p := range strings.SplitSeq(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[p]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// wantString fails t unless path holds a non-empty string of at most max
// bytes (0: no limit), and returns it.
func wantString(t *testing.T, v any, path string, max int) string {
	t.Helper()
	x, ok := at(v, path)
	s, isString := x.(string)
	switch {
	case !ok:
		t.Errorf("%s: missing", path)
	case !isString:
		t.Errorf("%s: %T, want a string", path, x)
	case s == "":
		t.Errorf("%s: empty", path)
	case max > 0 && len(s) > max:
		t.Errorf("%s: %d bytes, more than %d", path, len(s), max)
	}
	return s
}

// wantEnum fails t unless path holds one of the strings in enum.
func wantEnum(t *testing.T, v any, path string, enum ...string) string {
	t.Helper()
	s := wantString(t, v, path, 0)
	if s != "" && !slices.Contains(enum, s) {
		t.Errorf("%s: %q, want one of %q", path, s, enum)
	}
	return s
}

// wantTime fails t unless path, when present, holds an RFC 3339 time.
func wantTime(t *testing.T, v any, path string) {
	t.Helper()
	if _, ok := at(v, path); !ok {
		return
	}
	if _, err := time.Parse(time.RFC3339, wantString(t, v, path, 0)); err != nil {
		t.Errorf("%s: %v", path, err)
	}
}

// wantArray fails t unless path holds an array of at least one element,
// and returns it.
func wantArray(t *testing.T, v any, path string) []any {
	t.Helper()
	x, ok := at(v, path)
	a, isArray := x.([]any)
	switch {
	case !ok:
		t.Errorf("%s: missing", path)
	case !isArray:
		t.Errorf("%s: %T, want an array", path, x)
	case len(a) == 0:
		t.Errorf("%s: empty", path)
	}
	return a
}

// wantObject fails t unless path holds an object, and returns it.
func wantObject(t *testing.T, v any, path string) map[string]any {
	t.Helper()
	x, ok := at(v, path)
	m, isObject := x.(map[string]any)
	if !ok {
		t.Errorf("%s: missing", path)
	} else if !isObject {
		t.Errorf("%s: %T, want an object", path, x)
	}
	return m
}

// wantHeader fails t unless c has header h with value want ("" for any
// non-empty value).
func wantHeader(t *testing.T, c captured, h, want string) {
	t.Helper()
	got := c.header.Get(h)
	if got == "" || want != "" && got != want {
		t.Errorf("header %s: %q, want %q", h, got, want)
	}
}

// wantPost fails t unless c is a POST of JSON.
func wantPostJSON(t *testing.T, c captured) {
	t.Helper()
	if c.method != http.MethodPost {
		t.Errorf("method %s, want POST", c.method)
	}
	if ct := c.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
}
