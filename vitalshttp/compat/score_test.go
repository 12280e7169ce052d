package compat_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
)

// The summary gives each check's, each group's and the system's score,
// and the status the thresholds make of it; with ScoreStatus the /health
// status follows the score: one failing non-critical check of twenty is a
// score of 0.95, healthy for CHORUS, where vitals' rule says degraded.
func TestChorusScores(t *testing.T) {
	m := vitals.New(nil)
	t.Cleanup(func() { m.Close() })
	for i := range 19 {
		m.Add(fmt.Sprintf("ok%02d", i), vitals.CheckFunc(func(context.Context) error { return nil }))
	}
	m.Add("flaky", vitals.CheckFunc(func(context.Context) error { return errors.New("down") }), vitals.Critical(false), vitals.Groups(vitals.Readiness))
	before := compat.ChorusSummaryOf(m.Snapshot(), compat.DefaultChorusThresholds)
	if before.Status != "starting" || before.OverallScore != 0 || before.TotalChecks != 20 || len(before.ComponentScores) != 0 {
		t.Errorf("before any run: %+v", before)
	}
	snap, _ := m.RunOnce(context.Background())
	s := compat.ChorusSummaryOf(snap, compat.DefaultChorusThresholds)
	if s.Status != "healthy" || s.OverallScore != 0.95 || s.TotalChecks != 20 || s.ComponentScores["flaky"] != 0 || s.ComponentScores["ok00"] != 1 ||
		s.GroupScores[vitals.Readiness] != 0.95 || s.LastCheck.IsZero() {
		t.Errorf("summary: %+v", s)
	}
	if strict := compat.ChorusSummaryOf(snap, compat.ChorusThresholds{Healthy: 0.99, Degraded: 0.96}); strict.Status != "unhealthy" {
		t.Errorf("with thresholds 0.99/0.96: %+v", strict)
	}

	h := vitalshttp.New(m, nil)
	plain, scored := compat.Chorus(h), compat.Chorus(h).ScoreStatus(compat.DefaultChorusThresholds)
	if body := fetch(plain, "/health", ""); !strings.Contains(body, `"status":"degraded"`) {
		t.Errorf("vitals' rule: %s", body)
	}
	if body := fetch(scored, "/health", ""); !strings.Contains(body, `"status":"healthy"`) {
		t.Errorf("score-driven: %s", body)
	}
	body := fetch(plain, "/health/summary", "")
	if !strings.Contains(body, `"status":"healthy","overall_score":0.95`) || !strings.Contains(body, `"component_scores":{"flaky":0,`) {
		t.Errorf("/health/summary: %s", body)
	}
	if code := status(plain, "/health/summary"); code != http.StatusOK {
		t.Errorf("/health/summary answered %d", code)
	}
}

func status(e *compat.Endpoints, target string) int {
	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
	return w.Code
}
