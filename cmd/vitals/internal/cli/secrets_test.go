package cli

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The values of --header flags come back in no form when an endpoint
// echoes them: raw, in base64 or percent-encoded, in an error's excerpt or
// in a check's message.
func TestProbeScrubsEchoedHeaders(t *testing.T) {
	t.Parallel()
	const tenant, token = "t3nant-7f3a9c", "tok/en+with=chars_0123"
	forms := func(s string) []string {
		return []string{s, base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s)), url.QueryEscape(s)}
	}
	echo := func(r *http.Request) string {
		var out []string
		for _, v := range []string{r.Header.Get("X-Tenant"), strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")} {
			out = append(out, forms(v)...)
		}
		return strings.Join(out, " ")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/denied" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, "not for %s", echo(r))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, `{"status":"fail","checks":{"auth":{"status":"fail","message":"rejected %s"}}}`, echo(r))
	}))
	defer srv.Close()
	for _, path := range []string{"/denied", "/readyz"} {
		r := vitalsRun(t, "probe", "--timeout", "5s", "--header", "X-Tenant: "+tenant, "--header", "Authorization: Bearer "+token, srv.URL+path)
		if r.code != 1 || !strings.Contains(r.stderr, "***") {
			t.Fatalf("%s: want exit 1 with a redacted reason, got %s", path, r)
		}
		for _, secret := range []string{tenant, token} {
			for _, f := range forms(secret) {
				if strings.Contains(r.stdout+r.stderr, f) {
					t.Errorf("%s: output shows %q: %s", path, f, r)
				}
			}
		}
	}
}
