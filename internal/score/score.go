// Package score computes a group's health score from a snapshot, for the
// surfaces that show one (CHORUS's endpoints, the Prometheus and
// OpenTelemetry exporters): the mean of its enabled checks' Stats.Score
// over those that have run.
package score

import "github.com/vitalsgo/vitals"

// Of returns the mean score (0–1) of group's enabled checks that have
// run ("" for every check), and false when none has.
func Of(snap *vitals.Snapshot, group string) (float64, bool) {
	var sum float64
	n := 0
	for st := range snap.Checks(group) {
		if st.Enabled && !st.Last.Time.IsZero() {
			sum += float64(st.Stats.Score)
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}
