package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestServiceServesEveryEndpoint starts the real service on a free port and
// probes it the way a kubelet, a load balancer and a person would.
func TestServiceServesEveryEndpoint(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-drain", "10ms", "-token", "t0k"}, pw)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	base := strings.Fields(strings.TrimPrefix(line, "serving on "))[0]
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
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run = %v", err)
	}
}
