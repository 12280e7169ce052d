package vitals_test

import (
	"os"
	"testing"

	"github.com/vitalsgo/vitals"
)

// CHORUS requires node_id: without an InstanceID, the monitor uses the
// host's name.
func TestInstanceIDDefaultsToHostName(t *testing.T) {
	host, err := os.Hostname()
	if err != nil || host == "" {
		t.Skipf("the system gives no host name: %v", err)
	}
	m := vitals.New(nil)
	defer m.Close()
	if got := m.Info().InstanceID; got != host {
		t.Errorf("InstanceID = %q, want the host name %q", got, host)
	}
	m2 := vitals.New(&vitals.Options{Info: vitals.Info{InstanceID: "node-7"}})
	defer m2.Close()
	if got := m2.Info().InstanceID; got != "node-7" {
		t.Errorf("InstanceID = %q, want the one given, node-7", got)
	}
}
