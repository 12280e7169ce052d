package remote_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/remote"
	"github.com/vitalsgo/vitals/internal/hostile"
)

// TestCheckEndsAtItsDeadline: whatever the server sends, a run fails by
// its context's deadline, the body's read included; a 101 fails at once.
func TestCheckEndsAtItsDeadline(t *testing.T) {
	for _, s := range hostile.Shapes {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			srv := hostile.Serve(t, s)
			c, err := remote.New(srv.URL+"/readyz", nil)
			if err != nil {
				t.Fatal(err)
			}
			r := hostile.Within(t, hostile.Guard, func() vitals.Result {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				return c.Check(ctx)
			})
			want := "deadline exceeded"
			if s.Upgrade {
				want = "101 Switching Protocols"
			}
			if r.Status != vitals.StatusFail || !strings.Contains(r.Message, want) {
				t.Errorf("result %v %q, want fail with %q", r.Status, r.Message, want)
			}
		})
	}
}
