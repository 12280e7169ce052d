package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals/cmd/vitals/internal/dropaddr"
	"github.com/vitalsgo/vitals/internal/testservice"
)

func TestProbeExitCodes(t *testing.T) {
	t.Parallel()
	healthy := startService(t, true)
	unhealthy := startService(t, false)
	refused := testservice.ClosedAddr(t)
	hung := testservice.BlackholeAddr(t) // accepts, never answers
	dropped := dropaddr.New(t)           // drops the SYNs: not even a connection

	// Each scheme against a healthy, an unhealthy, a refusing, a hung and
	// a dropping target. A tcp:// probe has no unhealthy answer: a port
	// accepts or it does not. The reasons name the --timeout of 1s, not
	// the default 5s.
	tests := []struct {
		name   string
		url    string
		code   int
		reason string // in stderr when code != 0, in stdout otherwise
	}{
		{"http healthy", healthy.url + "/readyz", 0, "healthy: pass"},
		{"http unhealthy", unhealthy.url + "/readyz", 1, "unhealthy: fail (dep fail)"},
		{"http refused", "http://" + refused + "/readyz", 1, "unreachable: dial tcp " + refused + ": connect: connection refused"},
		{"http blackholed", "http://" + hung + "/readyz", 1, "unreachable: no answer within 1s"},
		{"http dropped", "http://" + dropped + "/readyz", 1, "unreachable: no answer within 1s"},
		{"grpc healthy", "grpc://" + healthy.grpcAddr, 0, "healthy: grpc health " + healthy.grpcAddr + ": SERVING in "},
		{"grpc healthy check by name", "grpc://" + healthy.grpcAddr + "/dep", 0, "healthy: grpc health " + healthy.grpcAddr + ` service "dep": SERVING in `},
		{"grpc unhealthy", "grpc://" + unhealthy.grpcAddr, 1, "unhealthy: grpc health " + unhealthy.grpcAddr + ": NOT_SERVING"},
		{"grpc unknown service", "grpc://" + healthy.grpcAddr + "/nope", 1, "unhealthy: grpc health " + healthy.grpcAddr + ` service "nope": the server does not know service "nope" (NotFound)`},
		{"grpc refused", "grpc://" + refused, 1, "unreachable: grpc health " + refused + ": Unavailable: "},
		{"grpc blackholed", "grpc://" + hung, 1, "unreachable: grpc health " + hung + ": no answer within 1s"},
		{"grpc dropped", "grpc://" + dropped, 1, "unreachable: grpc health " + dropped + ": no answer within 1s"},
		{"tcp healthy", "tcp://" + healthy.grpcAddr, 0, "healthy: connected to " + healthy.grpcAddr + " in "},
		{"tcp refused", "tcp://" + refused, 1, "unreachable: dial tcp " + refused + ": connect: connection refused"},
		// A hung server still accepts connections, which is all a
		// tcp:// probe asks.
		{"tcp blackholed", "tcp://" + hung, 0, "healthy: connected to " + hung + " in "},
		{"tcp dropped", "tcp://" + dropped, 1, "unreachable: no connection to " + dropped + " within 1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := vitalsRun(t, "probe", "--timeout", "1s", tt.url)
			if r.code != tt.code {
				t.Fatalf("want exit %d, got %s", tt.code, r)
			}
			out := r.stdout
			if tt.code != 0 {
				out = r.stderr
				if r.stdout != "" {
					t.Errorf("stdout not empty on failure: %q", r.stdout)
				}
			}
			assertOneLine(t, "output", out)
			if !strings.Contains(out, tt.url+": "+tt.reason) {
				t.Errorf("output %q does not say %q", out, tt.url+": "+tt.reason)
			}
		})
	}
}

// https endpoints are verified unless --insecure says otherwise.
func TestProbeInsecure(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/health+json")
		w.Write([]byte(`{"status":"pass"}`))
	}))
	defer srv.Close()
	if r := vitalsRun(t, "probe", srv.URL+"/health"); r.code != 1 || !strings.Contains(r.stderr, "certificate") {
		t.Errorf("self-signed certificate: want exit 1 naming the certificate, got %s", r)
	}
	if r := vitalsRun(t, "probe", "--insecure", srv.URL+"/health"); r.code != 0 {
		t.Errorf("--insecure: want exit 0, got %s", r)
	}
}

func TestProbeQuiet(t *testing.T) {
	t.Parallel()
	s := startService(t, true)
	r := vitalsRun(t, "probe", "--quiet", s.url+"/livez")
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Errorf("want a silent exit 0, got %s", r)
	}
}

// Flags may follow the URL, as people type them.
func TestProbeFlagsAfterURL(t *testing.T) {
	t.Parallel()
	s := startService(t, true)
	r := vitalsRun(t, "probe", "grpc://"+s.grpcAddr, "--service", "liveness", "--timeout", "2s")
	if r.code != 0 || !strings.Contains(r.stdout, `service "liveness"`) {
		t.Errorf("want exit 0 asking for liveness, got %s", r)
	}
}

// --service picks the service asked about: the liveness of a service whose
// readiness fails is fine.
func TestProbeService(t *testing.T) {
	t.Parallel()
	s := startService(t, false)
	url := "grpc://" + s.grpcAddr
	if r := vitalsRun(t, "probe", url); r.code != 1 || !strings.Contains(r.stderr, "NOT_SERVING") {
		t.Errorf("overall: want exit 1 NOT_SERVING, got %s", r)
	}
	if r := vitalsRun(t, "probe", "--service", "liveness", url); r.code != 0 {
		t.Errorf("--service liveness: want exit 0, got %s", r)
	}
	// The flag wins over the URL's path.
	if r := vitalsRun(t, "probe", "--service", "liveness", url+"/readiness"); r.code != 0 {
		t.Errorf("--service over a path: want exit 0, got %s", r)
	}
}

// --header reaches the endpoint: with the token, a vitals endpoint shows
// why its check fails; without, it does not. The token is never shown.
func TestProbeHeaderIsSent(t *testing.T) {
	t.Parallel()
	s := startService(t, false)
	r := vitalsRun(t, "probe", s.url+"/readyz")
	if r.code != 1 || strings.Contains(r.stderr, "dependency is down") {
		t.Fatalf("without the token: want exit 1 and no message, got %s", r)
	}
	r = vitalsRun(t, "probe", "--header", "Authorization: Bearer "+serviceToken, "--header", "X-Test: 1", s.url+"/readyz")
	if r.code != 1 || !strings.Contains(r.stderr, "dep fail: dependency is down") {
		t.Errorf("with the token: want exit 1 with the check's message, got %s", r)
	}
	if strings.Contains(r.stderr+r.stdout, "sekrit") {
		t.Errorf("output leaks the header's token: %s", r)
	}
}

func TestProbeUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no url", []string{"probe"}, "want exactly one URL"},
		{"two urls", []string{"probe", "tcp://a:1", "tcp://b:1"}, "want exactly one URL"},
		{"no scheme", []string{"probe", "localhost:8080"}, "is not a URL"},
		{"unknown scheme", []string{"probe", "ftp://x:21"}, `unknown scheme "ftp"`},
		{"no port", []string{"probe", "tcp://db"}, "needs a port"},
		{"unknown flag", []string{"probe", "--nope", "tcp://a:1"}, "flag provided but not defined"},
		{"bad header", []string{"probe", "--header", "Authorization Bearer sekrit-abc", "http://a:1"}, `want "Name: value"`},
		{"header without a colon", []string{"probe", "--header", "X-Api-Key sekrit-key-1", "http://a:1"}, `invalid --header (its value is not shown): want "Name: value"`},
		{"header name with a space", []string{"probe", "--header", "X Api: sekrit-key-2", "http://a:1"}, "the name of letters"},
		{"header value with a newline", []string{"probe", "--header", "X-Api: sekrit-key-3\r\nX-Injected: 1", "http://a:1"}, "control character"},
		{"control character in a flag", []string{"probe", "-\r", "http://a:1"}, `flag provided but not defined: -\r (run`},
		{"service with http", []string{"probe", "--service", "x", "http://a:1/"}, "grpc:// targets only"},
		{"bad timeout", []string{"probe", "--timeout", "0s", "tcp://a:1"}, "--timeout must be positive"},
		{"unknown command", []string{"prob", "tcp://a:1"}, `unknown command "prob"`},
		{"password in bad url", []string{"probe", "http://user:sekrit@[::1"}, "user:***@"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := vitalsRun(t, tt.args...)
			if r.code != 2 {
				t.Fatalf("want exit 2, got %s", r)
			}
			assertOneLine(t, "stderr", r.stderr)
			if r.stdout != "" {
				t.Errorf("stdout: %q", r.stdout)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr %q does not say %q", r.stderr, tt.want)
			}
			if strings.Contains(r.stderr, "sekrit") {
				t.Errorf("stderr leaks a secret: %q", r.stderr)
			}
		})
	}
}

func TestProbeRedactsURLPassword(t *testing.T) {
	t.Parallel()
	r := vitalsRun(t, "probe", "--timeout", "1s", "http://admin:sekrit-pw@"+testservice.ClosedAddr(t)+"/readyz")
	if r.code != 1 {
		t.Fatalf("want exit 1, got %s", r)
	}
	if strings.Contains(r.stderr, "sekrit") || !strings.Contains(r.stderr, "admin:***@") {
		t.Errorf("stderr does not redact the password: %q", r.stderr)
	}
}
