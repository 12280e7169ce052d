package probe_test

import (
	"os"
	"testing"

	"github.com/vitalsgo/vitals/probe"
	"go.uber.org/goleak"
)

// selfEnv, when set, makes the test binary act as a service's main: it
// probes the address in the variable when asked to, as a service built
// with [probe.IfRequested] does, and exits 3 otherwise.
const selfEnv = "VITALS_PROBE_TEST_SERVICE"

func TestMain(m *testing.M) {
	if addr := os.Getenv(selfEnv); addr != "" {
		probe.IfRequested("healthcheck", addr, nil)
		os.Exit(3) // the service would start here
	}
	goleak.VerifyTestMain(m)
}
