package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalsgrpc"
	"github.com/vitalsgo/vitals/vitalshttp"
)

// binary is the vitals command built once for all tests, with vitals-full
// beside it: they run it as a user would, and assert its exit code and
// output. loneBinary is the same vitals in a directory of its own, without
// vitals-full.
var binary, loneBinary string

func TestMain(m *testing.M) {
	code := testMain(m)
	os.Exit(code)
}

func testMain(m *testing.M) int {
	flag.Parse()
	if f := flag.Lookup("test.fuzzworker"); f != nil && f.Value.String() == "true" {
		return m.Run() // a fuzzing worker runs fuzz targets only, which need no binary
	}
	dir, err := os.MkdirTemp("", "vitals-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "vitals")
	loneBinary = filepath.Join(dir, "lone", "vitals")
	const cmd = "github.com/vitalsgo/vitals/cmd/vitals"
	for _, args := range [][]string{{"-o", binary, cmd}, {"-o", filepath.Join(dir, fullName), cmd + "/" + fullName}, {"-o", loneBinary, cmd}} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		build := exec.CommandContext(ctx, "go", append([]string{"build"}, args...)...)
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "go build:", err)
			return 1
		}
	}
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			return 1
		}
	}
	return code
}

// result is what one run of the binary produced.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// vitalsRun runs the binary with args and waits for it.
func vitalsRun(t *testing.T, args ...string) result {
	t.Helper()
	return vitalsRunEnv(t, nil, args...)
}

func vitalsRunEnv(t *testing.T, env []string, args ...string) result {
	t.Helper()
	return runBinary(t, binary, runLimit, env, args...)
}

// runLimit is how long one run of the binary may take before a test calls
// it hung.
const runLimit = 2 * time.Minute

// runBinary runs binary with args and waits for it, failing the test when
// it has not exited within limit; the context kills it then.
func runBinary(t *testing.T, binary string, limit time.Duration, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("vitals %v still running %v after it started (stderr %q)", args, limit, stderr.String())
	}
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run vitals %v: %v", args, err)
	}
	return r
}

// serviceToken authorises a caller of a test service to see the messages of
// its checks, which are hidden from everyone else.
const serviceToken = "sekrit-service-token"

// service is a real health endpoint: a vitals monitor served over HTTP
// (vitalshttp, messages for callers with serviceToken) and gRPC
// (vitalsgrpc), whose one check passes or fails as the test says.
type service struct {
	healthy  atomic.Bool
	url      string // base http://127.0.0.1:port
	grpcAddr string
}

func startService(t *testing.T, healthy bool) *service {
	t.Helper()
	s := &service{}
	s.healthy.Store(healthy)
	m := vitals.New(nil)
	err := m.Add("dep", vitals.CheckFunc(func(context.Context) error {
		if s.healthy.Load() {
			return nil
		}
		return errors.New("dependency is down")
	}), vitals.OnDemand(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	vitalshttp.New(m, &vitalshttp.Options{Token: serviceToken}).Install(mux)
	hs := httptest.NewServer(mux)
	s.url = hs.URL

	gs := grpc.NewServer()
	vitalsgrpc.Register(gs, m)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.grpcAddr = lis.Addr().String()
	served := make(chan struct{})
	go func() {
		defer close(served)
		gs.Serve(lis)
	}()
	t.Cleanup(func() {
		gs.Stop()
		<-served
		hs.Close()
		m.Close()
	})
	return s
}

// oneLine fails the test unless s is exactly one line.
func assertOneLine(t *testing.T, what, s string) {
	t.Helper()
	if strings.Count(s, "\n") != 1 || !strings.HasSuffix(s, "\n") {
		t.Errorf("%s is not one line: %q", what, s)
	}
}
