package probe_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/internal/hostile"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/probe"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
)

func TestURL(t *testing.T) {
	tests := []struct {
		addr string
		opts *probe.Options
		want string
	}{
		{":8080", nil, "http://127.0.0.1:8080/readyz"},
		{"8080", nil, "http://127.0.0.1:8080/readyz"},
		{"0.0.0.0:8080", nil, "http://127.0.0.1:8080/readyz"},
		{"[::]:8080", nil, "http://[::1]:8080/readyz"},
		{"[::1]:8080", nil, "http://[::1]:8080/readyz"},
		{"localhost:8080", nil, "http://localhost:8080/readyz"},
		{"10.0.0.5:8080", nil, "http://10.0.0.5:8080/readyz"},
		{":8443", &probe.Options{HTTPS: true, Path: "livez"}, "https://127.0.0.1:8443/livez"},
		{"http://127.0.0.1:9090", nil, "http://127.0.0.1:9090/readyz"},
		{"http://127.0.0.1:9090/health/live", nil, "http://127.0.0.1:9090/health/live"},
	}
	for _, tt := range tests {
		got, err := probe.URL(tt.addr, tt.opts)
		if err != nil || got != tt.want {
			t.Errorf("URL(%q) = %q, %v; want %q", tt.addr, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "localhost", "app:hunter2@db", "a:b:c"} {
		_, err := probe.URL(bad, nil)
		if err == nil {
			t.Errorf("URL(%q) succeeded", bad)
		} else if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

// service serves a real monitor whose database check fails when told to.
// Liveness never depends on the database.
func service(t *testing.T, dbFails bool) (addr string) {
	t.Helper()
	m := vitals.New(nil)
	t.Cleanup(func() { m.Close() })
	db := vitals.CheckFunc(func(context.Context) error {
		if dbFails {
			return errors.New("dial postgres://app:hunter2@db:5432/orders: connection refused")
		}
		return nil
	})
	if err := m.Add("db", db); err != nil {
		t.Fatal(err)
	}
	if err := m.Add("goroutines", vitals.CheckFunc(func(context.Context) error { return nil }), vitals.Groups(vitals.Liveness)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h := vitalshttp.New(m, &vitalshttp.Options{Token: "probe-token"})
	h.Install(mux)
	compat.Chorus(h).Install(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

func TestRun(t *testing.T) {
	healthy, failing := service(t, false), service(t, true)
	_, port, _ := strings.Cut(healthy, ":")
	tests := []struct {
		name     string
		addr     string
		args     []string
		opts     probe.Options
		want     int
		wantLine string // in the output; "" for none
	}{
		{"healthy", healthy, nil, probe.Options{}, 0, ""},
		{"port only", port, nil, probe.Options{}, 0, ""},
		{"unhealthy", failing, nil, probe.Options{}, 1, "/readyz: fail (db fail)"},
		{"unhealthy with reason", failing, nil, probe.Options{BearerToken: "probe-token"}, 1, "db fail: dial postgres://app:***@db"},
		{"liveness by option", failing, nil, probe.Options{Path: "/livez"}, 0, ""},
		{"liveness by argument", failing, []string{"/livez"}, probe.Options{}, 0, ""},
		{"address by argument", testservice.ClosedAddr(t), []string{healthy}, probe.Options{}, 0, ""},
		{"URL by argument", failing, []string{"http://" + healthy + "/health"}, probe.Options{}, 0, ""},
		{"refused", testservice.ClosedAddr(t), nil, probe.Options{}, 1, "connection refused"},
		{"hangs", testservice.BlackholeAddr(t), nil, probe.Options{Timeout: 100 * time.Millisecond}, 1, "deadline exceeded"},
		{"not found", healthy, []string{"/nope"}, probe.Options{}, 1, "HTTP 404"},
		{"https to http", healthy, nil, probe.Options{HTTPS: true}, 1, "healthcheck: "},
		{"two arguments", healthy, []string{"/livez", "/readyz"}, probe.Options{}, 1, "at most one argument"},
		{"bad address", "app:hunter2@db", nil, probe.Options{}, 1, "want host:port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			tt.opts.Output = &out
			got := probe.Run(context.Background(), tt.args, tt.addr, &tt.opts)
			if got != tt.want {
				t.Errorf("Run = %d, want %d (output %q)", got, tt.want, out.String())
			}
			line := out.String()
			switch {
			case tt.wantLine == "" && line != "":
				t.Errorf("output %q, want none", line)
			case !strings.Contains(line, tt.wantLine):
				t.Errorf("output %q, want it to contain %q", line, tt.wantLine)
			case line != "" && (strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n")):
				t.Errorf("output %q is not one line", line)
			}
			if strings.Contains(line, "hunter2") || strings.Contains(line, "probe-token") {
				t.Errorf("output shows a secret: %q", line)
			}
		})
	}
}

func TestCheckHTTPS(t *testing.T) {
	m := vitals.New(nil)
	t.Cleanup(func() { m.Close() })
	if _, err := m.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	vitalshttp.New(m, nil).Install(mux)
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	var ue x509.UnknownAuthorityError
	if err := probe.Check(context.Background(), addr, &probe.Options{HTTPS: true}); !errors.As(err, &ue) {
		t.Errorf("unverified certificate: %v, want x509.UnknownAuthorityError", err)
	}
	if err := probe.Check(context.Background(), addr, &probe.Options{HTTPS: true, TLSConfig: &tls.Config{InsecureSkipVerify: true}}); err != nil {
		t.Errorf("InsecureSkipVerify: %v", err)
	}
}

func TestCheckErrors(t *testing.T) {
	err := probe.Check(context.Background(), service(t, true), nil)
	if !errors.Is(err, probe.ErrUnhealthy) {
		t.Errorf("unhealthy: %v, want ErrUnhealthy", err)
	}
	err = probe.Check(context.Background(), testservice.ClosedAddr(t), nil)
	var re *client.RequestError
	if !errors.As(err, &re) || errors.Is(err, probe.ErrUnhealthy) {
		t.Errorf("refused: %v, want a *client.RequestError", err)
	}
}

// TestBinary runs a real process, the test binary acting as a service
// whose main calls probe.IfRequested, and reads its exit code as Docker
// does.
func TestBinary(t *testing.T) {
	healthy, failing := service(t, false), service(t, true)
	tests := []struct {
		name string
		addr string
		args []string
		want int
		out  string
	}{
		{"healthy", healthy, []string{"healthcheck"}, 0, ""},
		{"unhealthy", failing, []string{"healthcheck"}, 1, "fail"},
		{"liveness", failing, []string{"healthcheck", "/livez"}, 0, ""},
		{"refused", testservice.ClosedAddr(t), []string{"healthcheck"}, 1, "connection refused"},
		{"not asked", healthy, []string{"serve"}, 3, ""},
		{"no arguments", healthy, nil, 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), hostile.Guard)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], tt.args...)
			cmd.Env = append(os.Environ(), selfEnv+"="+tt.addr)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.want {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.want, stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.out) || tt.out == "" && stderr.Len() != 0 {
				t.Errorf("stderr %q, want %q", stderr.String(), tt.out)
			}
		})
	}
}
