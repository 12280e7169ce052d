package compat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/vitalsgo/vitals/internal/httpbody"
)

// ErrAlreadyRunning is returned by [AlreadyRunning] when a health endpoint
// answers at the address.
var ErrAlreadyRunning = errors.New("compat: another instance is already running")

// AlreadyRunning probes addr (host:port) for a running instance, as Axway's
// CheckIsRunning does: it returns [ErrAlreadyRunning] when anything answers
// HTTP on /livez — whatever its status code, since a failing instance still
// holds the port — and nil when nothing listens there.
func AlreadyRunning(ctx context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/livez", nil)
	if err != nil {
		return fmt.Errorf("compat: already running: %w", err)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return nil // nothing listens
		}
		return fmt.Errorf("compat: probe %s: %w", addr, err)
	}
	// ctx bounds the body too, also a 101's upgraded connection.
	release := httpbody.Bound(ctx, resp)
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	release()
	return fmt.Errorf("%w at %s (HTTP %d)", ErrAlreadyRunning, addr, resp.StatusCode)
}
