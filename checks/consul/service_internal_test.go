package consul

import (
	"fmt"
	"testing"

	"github.com/hashicorp/consul/api"

	"github.com/vitalsgo/vitals"
)

func TestServiceResult(t *testing.T) {
	tests := []struct {
		statuses []string
		want     vitals.Status
		msg      string
	}{
		{nil, vitals.StatusFail, "consul service web has no instance registered"},
		{[]string{api.HealthPassing}, vitals.StatusPass, "consul service web: all 1 instances passing"},
		{[]string{api.HealthWarning}, vitals.StatusWarn, "consul service web: 0 of 1 instances passing, 1 warning, 0 critical"},
		{[]string{api.HealthCritical}, vitals.StatusFail, "consul service web: all 1 instances critical"},
		{[]string{api.HealthMaint}, vitals.StatusFail, "consul service web: all 1 instances critical"},
		{[]string{api.HealthPassing, api.HealthMaint}, vitals.StatusWarn, "consul service web: 1 of 2 instances passing, 0 warning, 1 critical"},
		{[]string{api.HealthWarning, api.HealthCritical}, vitals.StatusWarn, "consul service web: 0 of 2 instances passing, 1 warning, 1 critical"},
		{[]string{"unknown-state"}, vitals.StatusFail, "consul service web: all 1 instances critical"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.statuses), func(t *testing.T) {
			r := serviceResult("web", tt.statuses, map[string]any{})
			if r.Status != tt.want || r.Message != tt.msg {
				t.Errorf("%v %q, want %v %q", r.Status, r.Message, tt.want, tt.msg)
			}
		})
	}
}

// FuzzServiceResult: whatever the instances' states, the counts add up,
// and the status follows them: Pass only when all pass, Fail only when
// none is passing or warning.
func FuzzServiceResult(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3})
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0})
	states := []string{api.HealthPassing, api.HealthWarning, api.HealthCritical, api.HealthMaint, "other"}
	f.Fuzz(func(t *testing.T, b []byte) {
		statuses := make([]string, len(b))
		for i, x := range b {
			statuses[i] = states[int(x)%len(states)]
		}
		d := map[string]any{}
		r := serviceResult("svc", statuses, d)
		passing, warning, critical := d["passing"].(int), d["warning"].(int), d["critical"].(int)
		if d["instances"] != len(b) || passing+warning+critical != len(b) {
			t.Fatalf("counts %v for %d instances", d, len(b))
		}
		want := vitals.StatusWarn
		switch {
		case len(b) > 0 && passing == len(b):
			want = vitals.StatusPass
		case passing+warning == 0:
			want = vitals.StatusFail
		}
		if r.Status != want {
			t.Fatalf("%v: %v %q, want %v", statuses, r.Status, r.Message, want)
		}
	})
}
