package consul

import (
	"github.com/hashicorp/consul/api"

	"github.com/vitalsgo/vitals"
)

// statuses returns the status of each instance: the worst of its checks,
// its node's included.
func statuses(entries []*api.ServiceEntry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Checks.AggregatedStatus()
	}
	return out
}

// serviceResult reports the health of the instances of service, whose
// statuses are Consul's health states (passing, warning, critical,
// maintenance), and counts them in details: Fail when no instance is
// registered or every one is critical or in maintenance, Warn when some
// are, or some are warning, Pass when all pass.
func serviceResult(service string, statuses []string, details map[string]any) vitals.Result {
	var passing, warning, critical int
	for _, s := range statuses {
		switch s {
		case api.HealthPassing:
			passing++
		case api.HealthWarning:
			warning++
		default: // critical, maintenance, or a state this client does not know
			critical++
		}
	}
	details["service"] = service
	details["instances"] = len(statuses)
	details["passing"] = passing
	details["warning"] = warning
	details["critical"] = critical
	n := len(statuses)
	switch {
	case n == 0:
		return vitals.Failf("consul service %s has no instance registered", service)
	case critical == n:
		return vitals.Failf("consul service %s: all %d instances critical", service, n)
	case critical > 0 || warning > 0:
		return vitals.Warnf("consul service %s: %d of %d instances passing, %d warning, %d critical", service, passing, n, warning, critical)
	}
	return vitals.Passf("consul service %s: all %d instances passing", service, n)
}
