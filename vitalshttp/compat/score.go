package compat

import (
	"math"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/score"
	"github.com/vitalsgo/vitals/internal/vocab"
)

// ChorusThresholds turn a health score (0–1) into CHORUS's statuses: at or
// above Healthy is healthy, at or above Degraded degraded, below it
// unhealthy.
type ChorusThresholds struct {
	Healthy, Degraded float64
}

// DefaultChorusThresholds are CHORUS's: 0.95 and 0.75.
var DefaultChorusThresholds = ChorusThresholds{Healthy: 0.95, Degraded: 0.75}

func (t ChorusThresholds) status(score float64) vitals.Status {
	switch {
	case math.IsNaN(score):
		return vitals.StatusStarting // nothing has run: no score yet
	case score >= t.Healthy:
		return vitals.StatusPass
	case score >= t.Degraded:
		return vitals.StatusWarn
	}
	return vitals.StatusFail
}

// ScoreStatus returns CHORUS endpoints whose /health status and code
// follow the system's score under t, as CHORUS's score-driven status does,
// instead of vitals' rule (a critical failure fails, any other failure or
// warning degrades). Starting and stopping stay as they are. Only the
// CHORUS endpoints read it.
func (e *Endpoints) ScoreStatus(t ChorusThresholds) *Endpoints {
	p := e.clone()
	p.scoring = &t
	return p
}

// ChorusSummary is CHORUS's health summary: the status the scores give,
// the system's score, when a check last ran, how many checks are enabled,
// and each check's and each group's score.
type ChorusSummary struct {
	Status          string             `json:"status"`
	OverallScore    float64            `json:"overall_score"`
	LastCheck       time.Time          `json:"last_check,omitzero"`
	TotalChecks     int                `json:"total_checks"`
	ComponentScores map[string]float64 `json:"component_scores"`
	GroupScores     map[string]float64 `json:"group_scores"`
}

// ChorusSummaryOf summarises a snapshot as CHORUS's GetHealthSummary does.
// A check's score is its Stats.Score (recent results weigh more, a warning
// counts half); a group's, and the system's (OverallScore), is the mean of
// its enabled checks' that have run. Before any has run the overall score
// is 0 and the status "starting".
func ChorusSummaryOf(snap *vitals.Snapshot, t ChorusThresholds) ChorusSummary {
	s := ChorusSummary{ComponentScores: map[string]float64{}, GroupScores: map[string]float64{}}
	for st := range snap.Checks("") {
		if !st.Enabled {
			continue
		}
		s.TotalChecks++
		if st.Last.Time.IsZero() {
			continue
		}
		s.ComponentScores[st.Name] = round(float64(st.Stats.Score))
		if st.Last.Time.After(s.LastCheck) {
			s.LastCheck = st.Last.Time.UTC()
		}
	}
	for _, g := range snap.Groups() {
		if sc := meanScore(snap, g); !math.IsNaN(sc) {
			s.GroupScores[g] = round(sc)
		}
	}
	overall := meanScore(snap, "")
	st := t.status(overall)
	if snap.Stopping() {
		st = vitals.StatusStopping
	}
	s.Status = vocab.Word(st, vocab.Chorus)
	if !math.IsNaN(overall) {
		s.OverallScore = round(overall)
	}
	return s
}

// meanScore is the mean score of a group's enabled checks that have run; NaN
// when none has.
func meanScore(snap *vitals.Snapshot, group string) float64 {
	if s, ok := score.Of(snap, group); ok {
		return s
	}
	return math.NaN()
}

// round keeps four decimals: a float32 score read as a float64 shows
// noise digits otherwise.
func round(f float64) float64 { return math.Round(f*1e4) / 1e4 }
