package client_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vitalsgo/vitals/client"
)

// encoders are the forms in which the client sends a credential or an
// endpoint may echo it.
var encoders = []struct {
	name string
	enc  func(string) string
}{
	{"raw", func(s string) string { return s }},
	{"base64", func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }},
	{"base64 unpadded", func(s string) string { return base64.RawStdEncoding.EncodeToString([]byte(s)) }},
	{"base64url", func(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }},
	{"base64url unpadded", func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }},
	{"query escaped", url.QueryEscape},
	{"path escaped", url.PathEscape},
}

// TestCheckScrubsSentCredentials talks to an endpoint that echoes every
// credential the request carried, in each encoding, in each place a body
// reaches a caller: an APIError's excerpt (also cut short), a check's
// message, the report's body. The client knows what it sent and shows it
// in no form.
func TestCheckScrubsSentCredentials(t *testing.T) {
	const (
		password = "p@ss/w0rd+x"              // its percent and base64 forms differ from it
		token    = "tok/en+with=chars_0123"   // a BearerToken
		vault    = "hvs.CAESIJ0123456789abcd" // a --header whose name redact.String takes for a secret key
		session  = "c00kie-val_0123"          // a Cookie value
		tenant   = "t3nant-7f3a9c"            // a --header whose name tells nothing
		userTok  = "Xq3vT8kP2mZr5Lw9Nc4Hb7Jd" // a token as the URL's user name
	)
	var (
		encode   atomic.Pointer[func(string) string]
		template atomic.Value // "<code> <content type> <body>", ECHO replaced
	)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		// What the request carried, as the server sees it.
		carried := []string{r.Header.Get("Authorization"), r.Header.Get("X-Vault-Token"), r.Header.Get("Cookie"), r.Header.Get("X-Tenant")}
		if u, p, ok := r.BasicAuth(); ok {
			carried = append(carried, u+":"+p, u, p)
		}
		if c, err := r.Cookie("session"); err == nil {
			carried = append(carried, c.Value)
		}
		_, bearer, _ := strings.Cut(r.Header.Get("Authorization"), "Bearer ")
		carried = append(carried, bearer)
		var echo []string
		for _, c := range carried {
			if c != "" {
				echo = append(echo, (*encode.Load())(c))
			}
		}
		code, rest, _ := strings.Cut(template.Load().(string), " ")
		ct, body, _ := strings.Cut(rest, " ")
		w.Header().Set("Content-Type", ct)
		var n int
		fmt.Sscan(code, &n)
		w.WriteHeader(n)
		fmt.Fprint(w, strings.ReplaceAll(body, "ECHO", strings.Join(echo, " ")))
	})
	withHost := func(userinfo string) string {
		return strings.Replace(srv.URL, "://", "://"+userinfo+"@", 1) + "/readyz"
	}
	clients := []struct {
		name    string
		c       *client.Client
		secrets []string
	}{
		{"url password", newClient(t, withHost("app:"+url.QueryEscape(password)), nil), []string{password, "app:" + password}},
		{"bearer token", newClient(t, srv.URL, &client.Options{BearerToken: token}), []string{token}},
		{"headers", newClient(t, srv.URL, &client.Options{Header: http.Header{
			"X-Vault-Token": {vault}, "Cookie": {"session=" + session + "; theme=dark"}, "X-Tenant": {tenant},
		}}), []string{vault, session, tenant}},
		{"token as user name", newClient(t, withHost(userTok), nil), []string{userTok, userTok + ":"}},
	}
	bodies := []struct{ name, template string }{
		{"api error", "401 text/plain denied for ECHO"},
		{"api error cut", "401 text/plain " + strings.Repeat("x ", 97) + "ECHO"},
		{"check message", `503 application/json {"status":"fail","checks":{"db":{"status":"fail","message":"got ECHO"}}}`},
		{"unknown status", `200 application/json {"status":"ECHO"}`},
		{"body", `200 application/json {"status":"pass","echo":"ECHO"}`},
	}
	for _, cl := range clients {
		for _, e := range encoders {
			for _, b := range bodies {
				t.Run(cl.name+"/"+e.name+"/"+b.name, func(t *testing.T) {
					encode.Store(&e.enc)
					template.Store(b.template)
					r, err := cl.c.Check(context.Background())
					shown := []string{}
					if err != nil {
						shown = append(shown, err.Error())
					}
					var ae *client.APIError
					if errors.As(err, &ae) {
						shown = append(shown, ae.Body)
					}
					if r != nil {
						shown = append(shown, r.String(), r.Message, string(r.Body))
						for _, c := range r.Checks {
							shown = append(shown, c.Name, c.Message)
						}
					}
					for _, s := range shown {
						for _, secret := range cl.secrets {
							for _, form := range encoders {
								f := form.enc(secret)
								if strings.Contains(s, f) {
									t.Fatalf("shows %s %q (%s): %q", form.name, secret, f, s)
								}
								// A cut secret shows its start before the ellipsis.
								for n := 3; n < len(f); n++ {
									if strings.Contains(s, f[:n]+"…") {
										t.Fatalf("shows the start of %s %q: %q", form.name, secret, s)
									}
								}
							}
						}
					}
				})
			}
		}
	}
}
