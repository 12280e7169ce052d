package httpcheck_test

import (
	"testing"
	"time"

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

// TestKeptCheckEndsAtItsDeadline: the same with KeepAlive, whose runs go
// over the check's kept connection.
func TestKeptCheckEndsAtItsDeadline(t *testing.T) {
	httpfault.EveryShape(t, func(url string) (vitals.Checker, error) {
		return httpcheck.New(url, &httpcheck.Options{BodyContains: "pass", KeepAlive: time.Hour})
	}, "status 101 Switching Protocols, want 2xx")
}
