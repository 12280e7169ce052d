package remote_test

import (
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/httpfault"
	"github.com/vitalsgo/vitals/checks/remote"
)

// TestCheckEndsAtItsDeadline: whatever the server sends, a run fails by
// its context's deadline, the body's read included; a 101 fails at once.
func TestCheckEndsAtItsDeadline(t *testing.T) {
	httpfault.EveryShape(t, func(url string) (vitals.Checker, error) {
		return remote.New(url, nil)
	}, "101 Switching Protocols")
}
