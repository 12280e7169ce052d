package config

import (
	"context"
	"testing"

	"github.com/vitalsgo/vitals"
)

// An interval of 0 in the file is an on-demand check, which the monitor
// accepts; a positive one is periodic.
func TestOptionsModeFollowsTheInterval(t *testing.T) {
	for _, tt := range []struct {
		interval string
		onDemand bool
	}{{"0s", true}, {"30s", false}} {
		cfg, err := Parse("v.yaml", []byte("checks:\n  - name: port\n    type: tcp\n    address: db:5432\n    interval: "+tt.interval+"\n"), testEnv)
		if err != nil {
			t.Fatal(err)
		}
		m := vitals.New(nil)
		defer m.Close()
		c := cfg.Checks[0]
		if err := m.Add(c.Name, vitals.CheckFunc(func(context.Context) error { return nil }), c.Options()...); err != nil {
			t.Fatalf("interval %s: Add: %v", tt.interval, err)
		}
		if st, _ := m.State(c.Name); st.OnDemand != tt.onDemand {
			t.Errorf("interval %s: on demand %v, want %v", tt.interval, st.OnDemand, tt.onDemand)
		}
	}
}
