package vitalshttp_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzHandler feeds arbitrary paths, queries and Accept headers to the
// handler: it must never panic, must answer with a known code, must keep
// JSON bodies valid JSON, and must never show a secret to an anonymous
// caller.
func FuzzHandler(f *testing.F) {
	for _, s := range []struct{ path, query, accept string }{
		{"/readyz", "verbose", ""},
		{"/readyz", "exclude=db&exclude=db&verbose", "text/plain"},
		{"/livez/db", "format=ietf", ""},
		{"/status/%2e%2e", "", "application/health+json"},
		{"/health/checks", "format=%00", "*/*"},
		{"/readyz/", "exclude=" + strings.Repeat("x", 300), "application/json, text/plain;q=0.5"},
	} {
		f.Add(s.path, s.query, s.accept)
	}
	_, vh := fixture(f, true)
	h := everythingWith(vh, true) // compat messages private: no anonymous answer shows a message
	f.Fuzz(func(t *testing.T, path, query, accept string) {
		u := &url.URL{Path: "/" + strings.TrimPrefix(path, "/"), RawQuery: query}
		r := httptest.NewRequest("GET", "/", nil)
		r.URL = u
		r.RequestURI = u.RequestURI()
		r.Header.Set("Accept", accept)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK, http.StatusServiceUnavailable, http.StatusNotFound, http.StatusBadRequest:
		default:
			t.Fatalf("%s?%s: unexpected code %d", u.Path, query, w.Code)
		}
		body := w.Body.String()
		if strings.Contains(body, "hunter2") || strings.Contains(body, "connection refused") {
			t.Fatalf("%s?%s: details shown to an anonymous caller:\n%s", u.Path, query, body)
		}
		if ct := w.Header().Get("Content-Type"); strings.Contains(ct, "json") && !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s?%s: invalid JSON body %q", u.Path, query, body)
		}
	})
}
