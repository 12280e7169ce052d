package probe_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vitalsgo/vitals/internal/hostile"
	"github.com/vitalsgo/vitals/probe"
)

// TestRunEndsAtItsTimeout: whatever the server sends, the probe fails
// within its Timeout and says so on one line.
func TestRunEndsAtItsTimeout(t *testing.T) {
	hostile.Each(t, func(t *testing.T, s hostile.Shape, srv *hostile.Server) {
		var out bytes.Buffer
		code := hostile.Within(t, hostile.Guard, func() int {
			return probe.Run(context.Background(), nil, srv.URL, &probe.Options{Timeout: time.Second, Output: &out})
		})
		if code != probe.ExitUnhealthy {
			t.Errorf("Run = %d, want %d", code, probe.ExitUnhealthy)
		}
		want := "deadline exceeded"
		if s.Upgrade {
			want = "HTTP 101"
		}
		if line := out.String(); !strings.Contains(line, want) || strings.Count(line, "\n") != 1 {
			t.Errorf("output %q, want one line with %q", line, want)
		}
	})
}

// TestBinaryEndsAtItsTimeout runs the probe as Docker does, against a
// server that upgrades the connection: the process exits 1 within the
// probe's default timeout rather than running until Docker kills it.
func TestBinaryEndsAtItsTimeout(t *testing.T) {
	for _, name := range []string{"101 upgrade then a trickle", "trailers never end"} {
		t.Run(name, func(t *testing.T) {
			srv := hostile.Serve(t, hostile.Named(name))
			ctx, cancel := context.WithTimeout(context.Background(), probe.DefaultTimeout+hostile.Guard)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "healthcheck")
			cmd.Env = append(os.Environ(), selfEnv+"="+srv.URL)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			if ctx.Err() != nil {
				t.Fatalf("the probe was still running %v after it started", probe.DefaultTimeout+hostile.Guard)
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != probe.ExitUnhealthy {
				t.Errorf("exit %v, want %d (stderr %q)", err, probe.ExitUnhealthy, stderr.String())
			}
		})
	}
}

// The line a failed probe writes is bounded, however long the message the
// endpoint sent, and says how much it left out.
func TestRunLineIsBounded(t *testing.T) {
	msg := strings.Repeat("é", 500_000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/health+json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, `{"status":"fail","output":%q}`, msg)
	}))
	defer srv.Close()
	var out bytes.Buffer
	if code := probe.Run(context.Background(), nil, srv.URL, &probe.Options{Output: &out}); code != probe.ExitUnhealthy {
		t.Fatalf("Run = %d, want %d", code, probe.ExitUnhealthy)
	}
	line := out.String()
	if len(line) > 1024 || !utf8.ValidString(line) || !strings.Contains(line, " bytes)") || strings.Count(line, "\n") != 1 {
		t.Errorf("a line of %d bytes (valid UTF-8: %v): %.200q…", len(line), utf8.ValidString(line), line)
	}
}
