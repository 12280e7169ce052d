package compat_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
)

// CHORUS's GetHealthSummary: one non-critical check of four failing is a
// score of 0.75, degraded under CHORUS's thresholds.
func ExampleChorusSummaryOf() {
	m := vitals.New(nil)
	defer m.Close()
	for _, name := range []string{"database", "disk", "memory"} {
		m.Add(name, vitals.CheckFunc(func(context.Context) error { return nil }))
	}
	m.Add("dht", vitals.CheckFunc(func(context.Context) error { return errors.New("no peers") }), vitals.Critical(false))
	snap, _ := m.RunOnce(context.Background())
	s := compat.ChorusSummaryOf(snap, compat.DefaultChorusThresholds)
	fmt.Println(s.Status, s.OverallScore, s.TotalChecks, s.ComponentScores["dht"])
	// Output: degraded 0.75 4 0
}
