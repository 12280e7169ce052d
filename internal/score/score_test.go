package score_test

import (
	"context"
	"errors"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/score"
)

func TestOf(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("a", vitals.CheckFunc(func(context.Context) error { return nil }), vitals.Groups("g"))
	m.Add("b", vitals.CheckFunc(func(context.Context) error { return errors.New("x") }), vitals.Groups("g"), vitals.Critical(false))
	m.Add("off", vitals.CheckFunc(func(context.Context) error { return errors.New("x") }), vitals.Groups("g"))
	if _, ok := score.Of(m.Snapshot(), "g"); ok {
		t.Error("a score before any run")
	}
	m.RunOnce(context.Background())
	m.Disable("off")
	if s, ok := score.Of(m.Snapshot(), "g"); !ok || s != 0.5 {
		t.Errorf("Of(g) = %v, %v; want 0.5 (a disabled check does not count)", s, ok)
	}
}
