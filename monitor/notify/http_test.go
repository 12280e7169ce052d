package notify

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestStatusClasses(t *testing.T) {
	tests := []struct {
		code          int
		ok, permanent bool
	}{
		{200, true, false}, {202, true, false}, {204, true, false},
		{408, false, false}, {429, false, false}, {500, false, false}, {502, false, false}, {503, false, false},
		{400, false, true}, {401, false, true}, {403, false, true}, {404, false, true}, {410, false, true}, {413, false, true},
		{301, false, true}, {307, false, true},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.code), func(t *testing.T) {
			var redirected atomic.Bool
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/elsewhere" {
					redirected.Store(true)
					return
				}
				if tt.code >= 300 && tt.code < 400 {
					w.Header().Set("Location", "/elsewhere")
				}
				w.WriteHeader(tt.code)
			}))
			defer srv.Close()
			ch, err := New(Config{Name: "ops", Type: "webhook", URL: srv.URL + "/hook"}, &Options{Client: srv.Client()})
			if err != nil {
				t.Fatal(err)
			}
			err = ch.Send(context.Background(), messages[0].m)
			if (err == nil) != tt.ok {
				t.Fatalf("HTTP %d: err %v, want ok %v", tt.code, err, tt.ok)
			}
			if got := errors.Is(err, ErrPermanent); got != tt.permanent {
				t.Errorf("HTTP %d: permanent %v, want %v (%v)", tt.code, got, tt.permanent, err)
			}
			if redirected.Load() {
				t.Errorf("HTTP %d: the redirect was followed", tt.code)
			}
		})
	}
}

// A receiver that answers with megabytes cannot make an error long or a
// delivery slow: the channel reads a few KiB and quotes 200 bytes.
func TestResponseCapped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		chunk := []byte(strings.Repeat("busy ", 1<<10))
		for range 2 << 10 { // 10 MiB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	ch, err := New(Config{Name: "ops", Type: "slack", URL: srv.URL}, &Options{Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	err = ch.Send(context.Background(), messages[0].m)
	if err == nil || errors.Is(err, ErrPermanent) {
		t.Fatalf("err %v, want a retryable error", err)
	}
	if len(err.Error()) > 400 || !strings.Contains(err.Error(), "HTTP 503: busy busy") {
		t.Errorf("error of %d bytes: %.500s", len(err.Error()), err)
	}
}

func TestNewErrors(t *testing.T) {
	const secret = "S3cretValue-4c1e"
	tests := []struct {
		name string
		c    Config
		want []string // in the error
	}{
		{"no name", Config{Type: "webhook", URL: "https://h.example/"}, []string{"name"}},
		{"unknown type", Config{Name: "x", Type: "carrier-pigeon"}, []string{`"x"`, "carrier-pigeon"}},
		{"webhook no url", Config{Name: "x", Type: "webhook", Secret: secret}, []string{`webhook "x"`, "url is required"}},
		{"webhook ftp", Config{Name: "x", Type: "webhook", URL: "ftp://h.example/" + secret}, []string{`webhook "x"`, "url", "http or https"}},
		{"webhook relative", Config{Name: "x", Type: "webhook", URL: "/hooks/" + secret}, []string{"url", "absolute"}},
		{"webhook unparsable", Config{Name: "x", Type: "webhook", URL: "http://[::1/" + secret}, []string{"url"}},
		{"webhook user info", Config{Name: "x", Type: "webhook", URL: "https://u:" + secret + "@h.example/"}, []string{"url", "user or password"}},
		{"webhook header name", Config{Name: "x", Type: "webhook", URL: "https://h.example/", Headers: map[string]string{"Bad Name": secret}}, []string{"headers", `"Bad Name"`}},
		{"webhook header value", Config{Name: "x", Type: "webhook", URL: "https://h.example/", Headers: map[string]string{"X-Key": secret + "\r\nX-Evil: 1"}}, []string{"headers", "X-Key", "control"}},
		{"webhook reserved header", Config{Name: "x", Type: "webhook", URL: "https://h.example/", Headers: map[string]string{"x-vitals-signature": secret}}, []string{"X-Vitals-Signature", "set by the channel"}},
		{"webhook template", Config{Name: "x", Type: "webhook", URL: "https://h.example/" + secret, Template: "{{.Key"}, []string{`webhook "x"`, "template", "line 1"}},
		{"slack no url", Config{Name: "x", Type: "slack"}, []string{`slack "x"`, "url is required"}},
		{"teams bad url", Config{Name: "x", Type: "teams", URL: "prod-00.westus.logic.azure.com/workflows/" + secret}, []string{`teams "x"`, "url"}},
		{"pagerduty no key", Config{Name: "x", Type: "pagerduty"}, []string{`pagerduty "x"`, "routing_key is required"}},
		{"pagerduty key blank", Config{Name: "x", Type: "pagerduty", RoutingKey: secret + " "}, []string{"routing_key", "blank"}},
		{"pagerduty bad base", Config{Name: "x", Type: "pagerduty", RoutingKey: secret, URL: "events.example"}, []string{"url"}},
		{"opsgenie no key", Config{Name: "x", Type: "opsgenie"}, []string{`opsgenie "x"`, "api_key is required"}},
		{"opsgenie base query", Config{Name: "x", Type: "opsgenie", APIKey: secret, URL: "https://og.example/?k=" + secret}, []string{"url", "query"}},
		{"ntfy no url", Config{Name: "x", Type: "ntfy", Token: secret}, []string{`ntfy "x"`, "url is required"}},
		{"ntfy token newline", Config{Name: "x", Type: "ntfy", URL: "https://ntfy.example/t", Token: secret + "\n"}, []string{"token", "control"}},
		{"ntfy reserved header", Config{Name: "x", Type: "ntfy", URL: "https://ntfy.example/t", Token: secret, Headers: map[string]string{"Authorization": "Basic " + secret}}, []string{"Authorization"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.c, nil)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			for _, f := range leakForms(secret) {
				if strings.Contains(err.Error(), f) {
					t.Errorf("error %q quotes the secret", err)
				}
			}
		})
	}
}

func TestTypesRegistered(t *testing.T) {
	for _, typ := range []string{"webhook", "slack", "teams", "pagerduty", "opsgenie", "ntfy"} {
		if constructors[typ] == nil {
			t.Errorf("no constructor for %q", typ)
		}
		if !strings.Contains(strings.Join(Types(), " "), typ) {
			t.Errorf("Types() lacks %q", typ)
		}
	}
}

// A channel gets a copy of the caller's client: its redirect policy must
// not change the caller's.
func TestClientNotModified(t *testing.T) {
	client := &http.Client{}
	if _, err := New(Config{Name: "x", Type: "slack", URL: "https://h.example/s"}, &Options{Client: client}); err != nil {
		t.Fatal(err)
	}
	if client.CheckRedirect != nil {
		t.Error("New changed the caller's client")
	}
}
