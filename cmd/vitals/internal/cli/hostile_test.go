package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/hostile"
)

// TestCommandsEndAtTheirTimeout runs probe, wait and check against every
// never-ending answer: each exits 1 at its timeout of 1s, whatever the
// server sends (a 101 held all three for good).
func TestCommandsEndAtTheirTimeout(t *testing.T) {
	t.Parallel()
	hostile.Each(t, func(t *testing.T, s hostile.Shape, srv *hostile.Server) {
		url := srv.URL + "/readyz"
		cfg := writeConfig(t, fmt.Sprintf("checks:\n  - {name: api, type: http, url: %q, timeout: 1s}\n", url))
		for _, args := range [][]string{
			{"probe", "--timeout", "1s", url},
			{"wait", "--timeout", "1s", "--interval", "100ms", url},
			{"check", "--config", cfg},
		} {
			r := runBinary(t, binary, hostile.Guard, nil, args...)
			if r.code != exitUnhealthy {
				t.Errorf("vitals %s: want exit 1, got %s", args[0], r)
			}
		}
	})
}

// TestSignalEndsEveryCommand sends SIGTERM to each command while it is in
// the middle of an exchange with a server that never finishes its answer,
// with timeouts far away: each exits at once with exit 1 (not healthy) and
// says it was interrupted. A 101 held them past any signal; now it ends
// them by itself, so the signal may come first or not.
func TestSignalEndsEveryCommand(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"101 upgrade then a trickle", "body of declared length never ends", "103 early hints forever"} {
		for _, command := range []string{"probe", "wait", "check"} {
			t.Run(command+"/"+name, func(t *testing.T) {
				t.Parallel()
				srv := hostile.Serve(t, hostile.Named(name))
				url := srv.URL + "/readyz"
				var args []string
				switch command {
				case "probe":
					args = []string{"probe", "--timeout", "1h", url}
				case "wait":
					args = []string{"wait", "--timeout", "1h", "--attempt-timeout", "1h", url}
				case "check":
					args = []string{"check", "--config", writeConfig(t, fmt.Sprintf("checks:\n  - {name: api, type: http, url: %q, timeout: 1h}\n", url))}
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				cmd := exec.CommandContext(ctx, binary, args...)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				select {
				case <-srv.Reached():
				case <-ctx.Done():
				}
				if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
					t.Fatal(err)
				}
				exited := make(chan error, 1)
				go func() { exited <- cmd.Wait() }()
				var err error
				select {
				case err = <-exited:
				case <-time.After(hostile.Guard):
					cmd.Process.Kill()
					<-exited
					t.Fatalf("vitals %s still running %v after SIGTERM (stderr %q)", command, hostile.Guard, stderr.String())
				}
				var exit *exec.ExitError
				if !errors.As(err, &exit) || exit.ExitCode() != exitUnhealthy {
					t.Errorf("want exit 1, got %v (stderr %q)", err, stderr.String())
				}
				if !hostile.Named(name).Upgrade && !strings.Contains(stderr.String(), "interrupted") {
					t.Errorf("stderr does not say interrupted: %q", stderr.String())
				}
			})
		}
	}
}
