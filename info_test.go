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

// SetInfo replaces the name and version after New, as Axway's
// SetNameAndVersion; the snapshot carries them at once, also before Start.
func TestSetInfo(t *testing.T) {
	m := vitals.New(&vitals.Options{Info: vitals.Info{Service: "agent", InstanceID: "node-7"}})
	defer m.Close()
	before := m.Snapshot().Version
	m.SetInfo(vitals.Info{Service: "discovery-agent", Version: "1.2.3", Description: "token ghp_abcdefghijklmnopqrstuvwxyz0123456789"})
	snap := m.Snapshot()
	if snap.Info.Service != "discovery-agent" || snap.Info.Version != "1.2.3" || snap.Version == before {
		t.Errorf("snapshot info %+v (version %d, before %d)", snap.Info, snap.Version, before)
	}
	if got := m.Info(); got.InstanceID == "node-7" || got.Description == "token ghp_abcdefghijklmnopqrstuvwxyz0123456789" {
		t.Errorf("Info() = %+v: want the host name for the empty InstanceID and the description redacted", got)
	}
}
