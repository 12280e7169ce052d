package compat_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/hostile"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
)

// TestAlreadyRunningEndsAtItsDeadline: whatever holds the port, the probe
// for another instance ends with its context; a server that answers, even
// with a 101, is another instance.
func TestAlreadyRunningEndsAtItsDeadline(t *testing.T) {
	hostile.Each(t, func(t *testing.T, s hostile.Shape, srv *hostile.Server) {
		err := hostile.Within(t, hostile.Guard, func() error {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			return compat.AlreadyRunning(ctx, strings.TrimPrefix(srv.URL, "http://"))
		})
		if err == nil || s.Upgrade && !errors.Is(err, compat.ErrAlreadyRunning) {
			t.Errorf("AlreadyRunning = %v, want an error (ErrAlreadyRunning for a 101)", err)
		}
	})
}
