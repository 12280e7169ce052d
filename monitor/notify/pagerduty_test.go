package notify

import (
	"net/http"
	"testing"
)

const testRoutingKey = "R0123456789abcdef0123456789abcde"

// checkPagerDuty checks a request against the Events API v2's event.
func checkPagerDuty(t *testing.T, c captured) {
	wantPostJSON(t, c)
	if c.uri != "/v2/enqueue" {
		t.Errorf("URI %s, want /v2/enqueue", c.uri)
	}
	v := decode(t, c)
	if v["routing_key"] != testRoutingKey {
		t.Errorf("routing_key %v", v["routing_key"])
	}
	action := wantEnum(t, v, "event_action", "trigger", "resolve")
	wantString(t, v, "dedup_key", 255)
	if action == "resolve" {
		return
	}
	wantString(t, v, "payload.summary", 1024)
	wantString(t, v, "payload.source", 0)
	wantEnum(t, v, "payload.severity", "critical", "error", "warning", "info")
	wantTime(t, v, "payload.timestamp")
	wantObject(t, v, "payload.custom_details")
}

func TestPagerDutyGolden(t *testing.T) {
	goldenCase(t, http.StatusAccepted, func(base string) Config {
		return Config{Name: "oncall", Type: "pagerduty", URL: base, RoutingKey: testRoutingKey}
	}, checkPagerDuty, "Content-Type")
}

func TestPagerDutySeverity(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "critical"}, {"critical", "critical"}, {"error", "error"},
		{"warning", "warning"}, {"info", "info"}, {"page-me", "critical"},
	}
	for _, tt := range tests {
		if got := pagerDutySeverity(Alert{Severity: tt.in}); got != tt.want {
			t.Errorf("pagerDutySeverity(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
