package client_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/internal/testservice"
)

// serve starts a server answering every request with h.
func serve(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// answer returns a handler that answers code, contentType and body.
func answer(code int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
}

// noSecret fails when s shows one of the test secrets.
func noSecret(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range secrets {
		if strings.Contains(s, secret) {
			t.Errorf("%s shows secret %q: %s", what, secret, s)
		}
	}
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		url  string
		opts *client.Options
		want string
	}{
		{"ftp://user:hunter2@host/x", nil, "scheme must be http or https"},
		{"http://user:hunter2@/readyz", nil, "has no host"},
		{"http://user:hunter2@host:bad port/", nil, "invalid URL"},
		{"users:8080/readyz", nil, "scheme must be http or https"},
		{"http://host/", &client.Options{MaxBodyBytes: -1}, "negative MaxBodyBytes"},
		{"https://host/", &client.Options{HTTPClient: http.DefaultClient, InsecureSkipVerify: true}, "set them on the HTTPClient"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := client.New(tt.url, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New(%q) = %v, want an error saying %q", tt.url, err, tt.want)
			}
			noSecret(t, "error", err.Error())
		})
	}
}

func TestCheckRefused(t *testing.T) {
	c := newClient(t, "http://app:hunter2@"+testservice.ClosedAddr(t)+"/readyz?token=s3cret", nil)
	r, err := c.Check(context.Background())
	var re *client.RequestError
	if !errors.As(err, &re) || r != nil {
		t.Fatalf("Check = %v, %v; want a *RequestError and no report", r, err)
	}
	var op *net.OpError
	if !errors.As(err, &op) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error %v does not unwrap to the *net.OpError of a refused connection", err)
	}
	noSecret(t, "error", err.Error())
	noSecret(t, "URL", c.URL())
}

func TestCheckTimeout(t *testing.T) {
	addr := testservice.BlackholeAddr(t)
	t.Run("context", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := newClient(t, "http://"+addr+"/readyz", nil).Check(ctx)
		var re *client.RequestError
		if !errors.As(err, &re) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Check = %v, want a *RequestError wrapping context.DeadlineExceeded", err)
		}
	})
	t.Run("option", func(t *testing.T) {
		_, err := newClient(t, "http://"+addr+"/readyz", &client.Options{Timeout: 100 * time.Millisecond}).Check(context.Background())
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Check = %v, want context.DeadlineExceeded", err)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := newClient(t, "http://"+addr+"/readyz", nil).Check(ctx)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Check = %v, want context.Canceled", err)
		}
	})
}

func TestCheckSlowBody(t *testing.T) {
	// Headers come at once, the body never ends: the timeout covers it.
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status":`)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	_, err := newClient(t, srv.URL, &client.Options{Timeout: 100 * time.Millisecond}).Check(context.Background())
	var re *client.RequestError
	if !errors.As(err, &re) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Check = %v, want a *RequestError wrapping context.DeadlineExceeded", err)
	}
}

func TestCheckAPIError(t *testing.T) {
	tests := []struct {
		name        string
		h           http.HandlerFunc
		code        int
		wantExcerpt string
	}{
		{"vitals unknown check", answer(404, "application/json", `{"error":"no check named \"nope\"","status":404}`), 404, `{"error":"no check named \"nope\"","status":404}`},
		{"unauthorized", answer(401, "text/plain", "bad token: Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123"), 401, "bad token: Authorization: Bearer ***"},
		{"long page", answer(403, "text/html", strings.Repeat("forbidden ", 1000)), 403, strings.Repeat("forbidden ", 20)[:200] + "…"},
		{"method", answer(405, "text/plain", ""), 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.h)
			r, err := newClient(t, srv.URL+"/readyz", nil).Check(context.Background())
			var ae *client.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("Check = %v, want an *APIError", err)
			}
			if ae.Code != tt.code || ae.StatusCode() != tt.code || ae.Body != tt.wantExcerpt || ae.URL != srv.URL+"/readyz" {
				t.Errorf("APIError{Code: %d, Body: %q, URL: %q}, want %d, %q", ae.Code, ae.Body, ae.URL, tt.code, tt.wantExcerpt)
			}
			if r == nil || r.OK() || r.Code != tt.code {
				t.Errorf("report %v, want one failing with code %d", r, tt.code)
			}
			noSecret(t, "error", err.Error())
		})
	}
}

func TestCheckParseError(t *testing.T) {
	srv := serve(t, answer(200, "application/health+json", `{"status":"pass",`))
	r, err := newClient(t, srv.URL+"/health?token=s3cret", nil).Check(context.Background())
	var pe *client.ParseError
	if !errors.As(err, &pe) || pe.Format != client.FormatIETF {
		t.Fatalf("Check = %v, want a *ParseError for format ietf", err)
	}
	if !strings.Contains(err.Error(), "parse ietf body") || !strings.Contains(pe.URL, "/health") {
		t.Errorf("error %q does not say the format and URL", err)
	}
	if r == nil || string(r.Body) != `{"status":"pass",` {
		t.Errorf("report %+v does not carry the body", r)
	}
	noSecret(t, "error", err.Error())
}

// TestCheckEndlessBody reads from a server that never stops sending: the
// client stops at the cap, says so, and drops the connection, so the
// server's writes fail soon after.
func TestCheckEndlessBody(t *testing.T) {
	// Each request's handler reports how much it wrote before its writes
	// failed, which they do only once the client hangs up.
	sent := make(chan int64, 1)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := []byte(`{"status":"pass","padding":"` + strings.Repeat("x", 32<<10))
		var n int64
		for {
			k, err := w.Write(chunk)
			n += int64(k)
			if err != nil {
				sent <- n
				return
			}
		}
	})
	for _, limit := range []int64{0, 4096} {
		r, err := newClient(t, srv.URL, &client.Options{MaxBodyBytes: limit}).Check(context.Background())
		if limit == 0 {
			limit = client.DefaultMaxBodyBytes
		}
		var pe *client.ParseError
		if !errors.As(err, &pe) || !errors.Is(err, client.ErrBodyTooLarge) {
			t.Fatalf("Check = %v, want a *ParseError wrapping ErrBodyTooLarge", err)
		}
		if !strings.Contains(err.Error(), fmt.Sprint(limit)) {
			t.Errorf("error %q does not say the limit", err)
		}
		if r == nil {
			t.Fatal("no report beside the error")
		}
		if !r.Truncated || int64(len(r.Body)) != limit || !r.OK() {
			t.Errorf("report: truncated %t, %d bytes, ok %t; want truncated at %d, ok by the 200", r.Truncated, len(r.Body), r.OK(), limit)
		}
		// What the server wrote is the cap plus what the socket
		// buffers held when the client hung up: megabytes, not more.
		if n := <-sent; n > limit+64<<20 {
			t.Errorf("limit %d: server sent %d bytes before the client hung up", limit, n)
		}
	}
}

func TestCheckHeaders(t *testing.T) {
	var got atomic.Pointer[http.Request]
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got.Store(r)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status":"pass"}`)
	})
	tests := []struct {
		name string
		opts *client.Options
		url  string
		want map[string]string // header → value; "Host" is the request's host
	}{
		{"defaults", nil, srv.URL, map[string]string{"Accept": "application/json, text/plain;q=0.5, */*;q=0.1", "User-Agent": "vitals-client", "Authorization": ""}},
		{"bearer", &client.Options{BearerToken: "probe-token"}, srv.URL, map[string]string{"Authorization": "Bearer probe-token"}},
		{"api key", &client.Options{APIKey: "tabby-api-key-1"}, srv.URL, map[string]string{"X-Api-Key": "tabby-api-key-1"}},
		{"headers", &client.Options{Header: http.Header{"X-Probe": {"1"}, "Accept": {"application/health+json"}, "Host": {"orders.internal"}}}, srv.URL,
			map[string]string{"X-Probe": "1", "Accept": "application/health+json", "Host": "orders.internal"}},
		{"lower-case keys", &client.Options{Header: http.Header{"accept": {"text/plain"}}}, srv.URL, map[string]string{"Accept": "text/plain"}},
		{"user info", nil, strings.Replace(srv.URL, "://", "://app:hunter2@", 1), map[string]string{"Authorization": "Basic YXBwOmh1bnRlcjI="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, tt.url, tt.opts)
			r, err := c.Check(context.Background())
			if err != nil || !r.OK() {
				t.Fatalf("Check = %v, %v", r, err)
			}
			req := got.Load()
			for k, v := range tt.want {
				have := strings.Join(req.Header.Values(k), ", ")
				if k == "Host" {
					have = req.Host
				}
				if have != v {
					t.Errorf("%s: %q, want %q", k, have, v)
				}
			}
			noSecret(t, "URL", c.URL())
			noSecret(t, "report URL", r.URL)
		})
	}
}

// Options.Path is joined to the base URL's path, and the URL shown has the
// base's password redacted.
func TestCheckPath(t *testing.T) {
	var got atomic.Pointer[http.Request]
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got.Store(r)
		fmt.Fprint(w, `{"status":"pass"}`)
	})
	withPassword := strings.Replace(srv.URL, "://", "://app:hunter2@", 1)
	tests := []struct{ base, path, wantPath, wantURL string }{
		{srv.URL, "/v1/health", "/v1/health", srv.URL + "/v1/health"},
		{srv.URL + "/api/", "v1/health", "/api/v1/health", srv.URL + "/api/v1/health"},
		{withPassword + "/api", "/health", "/api/health", strings.Replace(srv.URL, "://", "://app:***@", 1) + "/api/health"},
	}
	for _, tt := range tests {
		c := newClient(t, tt.base, &client.Options{Path: tt.path})
		if _, err := c.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
		if p := got.Load().URL.Path; p != tt.wantPath || c.URL() != tt.wantURL {
			t.Errorf("New(%q, Path %q): requested %q, URL() %q; want %q, %q", tt.base, tt.path, p, c.URL(), tt.wantPath, tt.wantURL)
		}
	}
}

func TestCheckTLS(t *testing.T) {
	srv := httptest.NewTLSServer(answer(200, "application/json", `{"status":"warn"}`))
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	tests := []struct {
		name string
		opts *client.Options
		ok   bool
	}{
		{"unknown CA", nil, false},
		{"insecure", &client.Options{InsecureSkipVerify: true}, true},
		{"private CA", &client.Options{TLSConfig: &tls.Config{RootCAs: pool}}, true},
		{"own HTTP client", &client.Options{HTTPClient: srv.Client()}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := newClient(t, srv.URL+"/readyz", tt.opts).Check(context.Background())
			if !tt.ok {
				var re *client.RequestError
				var ue x509.UnknownAuthorityError
				if !errors.As(err, &re) || !errors.As(err, &ue) {
					t.Fatalf("Check = %v, want a *RequestError for the unknown authority", err)
				}
				return
			}
			if err != nil || r.Status != vitals.StatusWarn {
				t.Fatalf("Check = %v, %v; want warn", r, err)
			}
		})
	}
}

func TestCheckRedirects(t *testing.T) {
	elsewhere := serve(t, answer(200, "text/html", "<html>login</html>"))
	mux := http.NewServeMux()
	mux.Handle("/old", http.RedirectHandler("/readyz", http.StatusMovedPermanently))
	mux.Handle("/login", http.RedirectHandler(elsewhere.URL+"/login?next=/readyz", http.StatusFound))
	mux.Handle("/loop", http.RedirectHandler("/loop", http.StatusFound))
	mux.Handle("/readyz", answer(503, "application/json", `{"status":"fail"}`))
	srv := serve(t, mux.ServeHTTP)

	r, err := newClient(t, srv.URL+"/old", nil).Check(context.Background())
	if err != nil || r.Status != vitals.StatusFail || r.Format != client.FormatVitals {
		t.Errorf("same-host redirect: %v, %v; want the fail it leads to", r, err)
	}
	_, err = newClient(t, srv.URL+"/login", nil).Check(context.Background())
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.Code != http.StatusFound {
		t.Errorf("redirect to another host: %v, want an *APIError with code 302", err)
	}
	_, err = newClient(t, srv.URL+"/loop", nil).Check(context.Background())
	var re *client.RequestError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("redirect loop: %v, want a *RequestError about redirects", err)
	}
}

// TestCheckBare reads endpoints that say nothing but their code.
func TestCheckBare(t *testing.T) {
	tests := []struct {
		code int
		body string
		want vitals.Status
	}{
		{200, "", vitals.StatusPass},
		{204, "", vitals.StatusPass},
		{200, "I'm fine, thanks", vitals.StatusPass},
		{500, "", vitals.StatusFail},
		{502, "<html><title>502 Bad Gateway</title></html>", vitals.StatusFail},
		{503, "down for maintenance", vitals.StatusFail},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			srv := serve(t, answer(tt.code, "text/html", tt.body))
			r, err := newClient(t, srv.URL, nil).Check(context.Background())
			if err != nil || r.Status != tt.want || r.Format != client.FormatBare {
				t.Fatalf("Check = %v, %v; want %s", r, err, tt.want)
			}
		})
	}
}

// TestCheckEchoedSecrets talks to endpoints that echo the credentials they
// were sent with nothing around them that looks like a secret: the client
// knows its credentials and removes them by value.
func TestCheckEchoedSecrets(t *testing.T) {
	const token, password, apiKey = "Zm9vYmFyYmF6cXV4", "pa55word", "key-7f3a9c"
	var body atomic.Value
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		_, pass, _ := r.BasicAuth()
		b := strings.NewReplacer(
			"TOKEN", strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "),
			"PASS", pass,
			"KEY", r.Header.Get("X-Api-Key"),
		).Replace(body.Load().(string))
		code, b, _ := strings.Cut(b, " ")
		n, _ := strconv.Atoi(code)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(n)
		fmt.Fprint(w, b)
	})
	withToken := newClient(t, srv.URL, &client.Options{BearerToken: token})
	withPassword := newClient(t, strings.Replace(srv.URL, "://", "://app:"+password+"@", 1), &client.Options{Header: http.Header{"X-Api-Key": {apiKey}}})
	withAPIKey := newClient(t, srv.URL, &client.Options{APIKey: apiKey, Path: "/v1/health"})
	tests := []struct {
		name string
		c    *client.Client
		body string // "<code> <body>"; TOKEN, PASS and KEY are replaced by what the request carried
	}{
		{"api error", withToken, `401 {"error":"invalid credentials TOKEN"}`},
		{"parse error", withToken, `200 {"status":"TOKEN"}`},
		{"message", withPassword, `503 {"status":"fail","checks":{"auth":{"status":"fail","message":"login with PASS refused"}}}`},
		{"issue", withPassword, `503 {"status":"unhealthy","issues":[{"description":"key KEY revoked"}]}`},
		{"check name", withPassword, `503 {"status":"fail","checks":{"KEY":{"status":"fail"}}}`},
		{"api key option", withAPIKey, `503 {"status":"unhealthy","issues":[{"description":"key KEY revoked"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body.Store(tt.body)
			r, err := tt.c.Check(context.Background())
			var shown []string
			if err != nil {
				shown = append(shown, err.Error())
			}
			if r != nil {
				shown = append(shown, r.String(), r.URL)
			}
			if !strings.Contains(strings.Join(shown, " "), "***") {
				t.Errorf("nothing redacted in %q", shown)
			}
			for _, s := range shown {
				for _, secret := range []string{token, password, apiKey} {
					if strings.Contains(s, secret) {
						t.Errorf("%q shows %q", s, secret)
					}
				}
			}
		})
	}
}
