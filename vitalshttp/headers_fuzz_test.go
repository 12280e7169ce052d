package vitalshttp_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals/vitalshttp/compat"
)

// headerTargets are the answers FuzzRequestHeaders asks for, a compat
// endpoint and the KiviGo backend handler among them.
var headerTargets = []string{"/readyz", "/readyz?verbose", "/readyz/db", "/livez?format=ietf", "/healthz", "/status", "/health", "backend"}

// FuzzRequestHeaders sends arbitrary Authorization and If-None-Match
// headers: details (a private answer) only for exactly one header holding
// the token, the token never in an answer, and 304 exactly when
// If-None-Match names the answer's current ETag or is "*".
func FuzzRequestHeaders(f *testing.F) {
	f.Add("Bearer "+token, "", false, "", uint8(1))
	f.Add("bearer  "+token+" ", "Bearer "+token, true, "*", uint8(0))
	f.Add("Basic cHJvYmUtdG9rZW4=", "", false, `W/"x", "y"`, uint8(7))
	f.Add("Bearer probe-token\x00", "", false, ` , W/`, uint8(5))
	f.Add("Bearer "+token[:5], "", false, `"*"`, uint8(2))
	_, vh := fixture(f, true)
	h := everythingWith(vh, true) // compat messages private: no anonymous answer shows a message
	backend := compat.Backend(vh, "db", "postgres")
	f.Fuzz(func(t *testing.T, auth, auth2 string, two bool, inm string, target uint8) {
		path := headerTargets[int(target)%len(headerTargets)]
		handler := h
		if path == "backend" {
			handler, path = backend, "/"
		}
		ask := func(inm ...string) *httptest.ResponseRecorder {
			r := httptest.NewRequest("GET", path, nil)
			r.Header["Authorization"] = []string{auth}
			if two {
				r.Header["Authorization"] = append(r.Header["Authorization"], auth2)
			}
			if len(inm) > 0 {
				r.Header["If-None-Match"] = inm
			}
			w := httptest.NewRecorder()
			handler.ServeHTTP(w, r)
			return w
		}
		w := ask()
		if w.Code != http.StatusOK && w.Code != http.StatusServiceUnavailable {
			t.Fatalf("%s: code %d", path, w.Code)
		}
		private := strings.Contains(w.Header().Get("Cache-Control"), "private")
		switch {
		case private && (two || !strings.Contains(auth, token)):
			t.Fatalf("%s: details for Authorization %q (two headers: %v)", path, auth, two)
		case !private && !two && bearer(auth) == token:
			t.Fatalf("%s: no details for Authorization %q", path, auth)
		case !private && (strings.Contains(w.Body.String(), "connection refused") || strings.Contains(w.Body.String(), "hunter2")):
			t.Fatalf("%s: a public answer shows details:\n%s", path, w.Body)
		case !strings.Contains(w.Header().Get("Vary"), "Authorization"):
			t.Fatalf("%s: Vary %q, which lets a cache hand details to others", path, w.Header().Get("Vary"))
		}
		for k, vs := range w.Header() {
			if strings.Contains(strings.Join(vs, " "), token) {
				t.Fatalf("%s: header %s shows the token", path, k)
			}
		}
		if strings.Contains(w.Body.String(), token) {
			t.Fatalf("%s: the answer shows the token", path)
		}

		etag := w.Header().Get("Etag")
		if etag == "" {
			t.Fatalf("%s: no ETag", path)
		}
		c := ask(inm)
		named := strings.Contains(inm, etag) || strings.Contains(inm, "*")
		if c.Code == http.StatusNotModified && (!named || c.Body.Len() > 0 || c.Header().Get("Etag") != etag) {
			t.Fatalf("%s: 304 for If-None-Match %q, current ETag %s, body %q", path, inm, etag, c.Body)
		}
		if c.Code != http.StatusNotModified && c.Code != w.Code {
			t.Fatalf("%s: If-None-Match %q changed the code %d to %d", path, inm, w.Code, c.Code)
		}
		for _, list := range []string{inm + ", " + etag, "W/" + etag + "," + inm, etag} {
			if c := ask(list); c.Code != http.StatusNotModified {
				t.Fatalf("%s: If-None-Match %q naming the current ETag %s got %d", path, list, etag, c.Code)
			}
		}
	})
}

// bearer is the credentials of a Bearer Authorization header: the scheme
// is case-insensitive (RFC 9110 section 11.1), the token is not.
func bearer(auth string) string {
	scheme, cred, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return cred
}
