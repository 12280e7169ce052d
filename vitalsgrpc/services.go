package vitalsgrpc

import (
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/vocab"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// lookup resolves a gRPC service name against a snapshot: "" is readiness,
// then groups (standard and custom), then enabled checks. It reports false
// for a name that is none of them. A disabled check is unknown, as it is
// on the HTTP surface: it counts nowhere.
func lookup(snap *vitals.Snapshot, service string) (vitals.Status, bool) {
	if service == "" {
		service = vitals.Readiness
	}
	if g, ok := snap.Group(service); ok {
		return g.Status, true
	}
	if st, ok := snap.Check(service); ok && st.Enabled {
		return st.Status, true
	}
	return vitals.StatusUnknown, false
}

// serving maps a vitals status to the wire enum through the one vocabulary
// table, so gRPC agrees with every other surface: Pass and Warn are
// SERVING; Fail, Unknown, Starting and Stopping are NOT_SERVING.
func serving(st vitals.Status) healthpb.HealthCheckResponse_ServingStatus {
	if v, ok := healthpb.HealthCheckResponse_ServingStatus_value[vocab.Word(st, vocab.GRPC)]; ok {
		return healthpb.HealthCheckResponse_ServingStatus(v)
	}
	return healthpb.HealthCheckResponse_NOT_SERVING
}

// servingOf is the answer for service in snap. A service that exists is
// NOT_SERVING while down (the monitor or the server is shutting down);
// one that does not is SERVICE_UNKNOWN.
func servingOf(snap *vitals.Snapshot, service string, down bool) (healthpb.HealthCheckResponse_ServingStatus, bool) {
	st, ok := lookup(snap, service)
	switch {
	case !ok:
		return healthpb.HealthCheckResponse_SERVICE_UNKNOWN, false
	case down:
		return healthpb.HealthCheckResponse_NOT_SERVING, true
	}
	return serving(st), true
}

// services returns every name [lookup] resolves in snap: "", the groups
// and the enabled checks. A check named like a group is shadowed by it.
func services(snap *vitals.Snapshot) []string {
	groups := snap.Groups()
	names := make([]string, 0, 1+len(groups)+snap.Len())
	names = append(names, "")
	names = append(names, groups...)
	for st := range snap.Checks("") {
		if _, isGroup := snap.Group(st.Name); st.Enabled && !isGroup {
			names = append(names, st.Name)
		}
	}
	return names
}
