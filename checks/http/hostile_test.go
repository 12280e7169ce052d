package httpcheck_test

import (
	"testing"

	"github.com/vitalsgo/vitals"
	httpcheck "github.com/vitalsgo/vitals/checks/http"
	"github.com/vitalsgo/vitals/checks/internal/httpfault"
)

// TestCheckEndsAtItsDeadline: whatever the server sends, a run fails by
// its context's deadline, the body's read included; a 101 fails at once.
func TestCheckEndsAtItsDeadline(t *testing.T) {
	httpfault.EveryShape(t, func(url string) (vitals.Checker, error) {
		return httpcheck.New(url, &httpcheck.Options{BodyContains: "pass"})
	}, "status 101 Switching Protocols, want 2xx")
}
