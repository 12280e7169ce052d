package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// service is the example service running in the test.
type service struct {
	base   string      // http://host:port
	lines  chan string // what it prints, line by line
	output []string    // the lines read from lines so far
	stop   func()      // stops it; the test's cleanup does too
}

// start runs the service with args on a free port until the test ends or
// stops it, and reads the line that says where it serves.
func start(t *testing.T, args ...string) *service {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0", "-drain", "10ms"}, args...), pw)
		pw.Close()
	}()
	s := &service{lines: make(chan string, 16)}
	go func() {
		defer close(s.lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			select {
			case s.lines <- sc.Text():
			default: // nobody reads this far
			}
		}
	}()
	s.stop = sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run = %v", err)
		}
	})
	t.Cleanup(s.stop)
	s.base = strings.Fields(strings.TrimPrefix(s.line(t), "serving on "))[0]
	return s
}

// line returns the next line the service prints, failing the test when
// none comes within 10s.
func (s *service) line(t *testing.T) string {
	t.Helper()
	select {
	case l, ok := <-s.lines:
		if !ok {
			t.Fatalf("the service printed no more than:\n%s", strings.Join(s.output, "\n"))
		}
		s.output = append(s.output, l)
		return l
	case <-time.After(10 * time.Second):
		t.Fatalf("the service printed nothing more in 10s after:\n%s", strings.Join(s.output, "\n"))
	}
	return ""
}

// get requests path with the header name: value pairs of hdr and returns
// the status code.
func get(t *testing.T, url string, hdr ...string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Without a token given, the service makes one up at each start and
// prints it; the token the example once shipped with unlocks nothing.
func TestServiceGeneratesToken(t *testing.T) {
	t.Setenv("VITALS_TOKEN", "")
	token := regexp.MustCompile(`Authorization: Bearer ([A-Za-z0-9]+)'`)
	var tokens []string
	for range 2 {
		s := start(t)
		var m []string
		for m == nil {
			m = token.FindStringSubmatch(s.line(t))
		}
		tokens = append(tokens, m[1])
		pprof := s.base + "/debug/pprof/"
		for _, tt := range []struct {
			hdr  []string
			code int
		}{
			{nil, 403},
			{[]string{"Authorization", "Bearer dev-token"}, 403},
			{[]string{"Authorization", "Bearer " + m[1]}, 200},
		} {
			if code := get(t, pprof, tt.hdr...); code != tt.code {
				t.Errorf("GET /debug/pprof/ with %q = %d, want %d", tt.hdr, code, tt.code)
			}
		}
		s.stop()
	}
	if tokens[0] == tokens[1] || len(tokens[0]) < 20 {
		t.Errorf("tokens %q: want a new long one each start", tokens)
	}
}

// A token from VITALS_TOKEN unlocks pprof and is never printed.
func TestServiceTokenFromEnv(t *testing.T) {
	t.Setenv("VITALS_TOKEN", "env-t0ken-x")
	s := start(t)
	if code := get(t, s.base+"/debug/pprof/", "Authorization", "Bearer env-t0ken-x"); code != 200 {
		t.Errorf("GET /debug/pprof/ with the token = %d, want 200", code)
	}
	s.stop()
	for l := range s.lines {
		s.output = append(s.output, l)
	}
	if out := strings.Join(s.output, "\n"); strings.Contains(out, "env-t0ken-x") || strings.Contains(out, "Bearer") {
		t.Errorf("output shows a token:\n%s", out)
	}
}

// TestServiceServesEveryEndpoint starts the real service on a free port and
// probes it the way a kubelet, a load balancer and a person would.
func TestServiceServesEveryEndpoint(t *testing.T) {
	s := start(t, "-token", "t0k")
	base := s.base
	var request func(method, path string, hdr ...string) (int, string)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	get := func(path string, hdr ...string) (int, string) {
		return request("GET", path, hdr...)
	}
	request = func(method, path string, hdr ...string) (int, string) {
		req, _ := http.NewRequest(method, base+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if code, _ := get("/readyz"); code == 200 {
			break
		}
		if time.Now().After(deadline) {
			_, body := get("/readyz?verbose", "Authorization", "Bearer t0k")
			t.Fatalf("never ready:\n%s", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, tt := range []struct {
		path, want string
	}{
		{"/livez?verbose", "[+]goroutines ok"},
		{"/livez?verbose", "[+]memory ok"},
		{"/livez?verbose", "livez check passed"},
		{"/readyz?verbose", "[+]disk ok"},
		{"/readyz?verbose", "[+]listener ok"},
		{"/readyz?verbose", "readyz check passed"},
		{"/readyz", `"listener":{"status":"pass"}`},
		{"/readyz/listener", `{"name":"listener","status":"pass"}`},
		{"/livez/goroutines?format=text", "ok"},
		{"/readyz?format=ietf", `"disk:value":[{"componentId":"disk"`},
		{"/startupz?verbose", "startupz check passed"},
		{"/health/ready", `"ready":true`},
		{"/health/checks", `"total":4`},
		{"/.well-known/ready", `{"ready":true}`},
		{"/health/disk", `"backend":"disk"`},
		{"/startupz", `"status":"pass"`},
		{"/healthz", `"disk"`},
		{"/health", `"status":"healthy"`},
		{"/health/live", `"live":true`},
		{"/alive", `{"alive":true}`},
		{"/ready", `{"ready":true}`},
		{"/status", `"result":"OK"`},
		{"/status/disk", `{"result":"OK"}`},
		{"/", "hello"},
	} {
		if code, body := get(tt.path); code != 200 || !strings.Contains(body, tt.want) {
			t.Errorf("GET %s = %d %q, want 200 containing %q", tt.path, code, body, tt.want)
		}
	}
	if _, body := get("/readyz/disk", "Authorization", "Bearer t0k"); !strings.Contains(body, "free") {
		t.Errorf("authorised details missing: %s", body)
	}
	for _, tt := range []struct {
		method, path string
		hdr          []string
		code         int
	}{
		{"GET", "/readyz/nope", nil, 404},
		{"POST", "/readyz", nil, 405},
		{"GET", "/debug/pprof/", nil, 403},
		{"GET", "/debug/pprof/", []string{"Authorization", "Bearer t0k"}, 200},
	} {
		if code, body := request(tt.method, tt.path, tt.hdr...); code != tt.code {
			t.Errorf("%s %s = %d %q, want %d", tt.method, tt.path, code, body, tt.code)
		}
	}
}
