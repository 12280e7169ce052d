package vitalsgrpc

import (
	"testing"

	"github.com/vitalsgo/vitals"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// TestServingEveryStatus pins the wire status of every vitals status, so
// that a change of the vocabulary table cannot silently turn a failing or
// stopping service SERVING. The end-to-end cases of TestCheckMapping show
// the same through a real server for the statuses a snapshot can hold.
func TestServingEveryStatus(t *testing.T) {
	tests := []struct {
		st   vitals.Status
		want healthpb.HealthCheckResponse_ServingStatus
	}{
		{vitals.StatusUnknown, healthpb.HealthCheckResponse_NOT_SERVING},
		{vitals.StatusPass, healthpb.HealthCheckResponse_SERVING},
		{vitals.StatusWarn, healthpb.HealthCheckResponse_SERVING},
		{vitals.StatusFail, healthpb.HealthCheckResponse_NOT_SERVING},
		{vitals.StatusStarting, healthpb.HealthCheckResponse_NOT_SERVING},
		{vitals.StatusStopping, healthpb.HealthCheckResponse_NOT_SERVING},
		// Not a status the monitor makes; a bad value must not serve.
		{vitals.Status(200), healthpb.HealthCheckResponse_NOT_SERVING},
	}
	for _, tt := range tests {
		if got := serving(tt.st); got != tt.want {
			t.Errorf("serving(%v) = %v, want %v", tt.st, got, tt.want)
		}
	}
}
