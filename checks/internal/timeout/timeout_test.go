package timeout

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestOption(t *testing.T) {
	tests := []struct {
		t, def, want time.Duration
		err          string // "" for none
	}{
		{t: 0, def: 5 * time.Second, want: 5 * time.Second},
		{t: 0, def: 0, want: 0},
		{t: time.Second, def: 5 * time.Second, want: time.Second},
		{t: -time.Second, def: 5 * time.Second, err: "pkg: negative Timeout -1s"},
	}
	for _, tt := range tests {
		got, err := Option("pkg", tt.t, tt.def)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Option(%v, %v) error %v, want %q", tt.t, tt.def, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Option(%v, %v) = %v, %v, want %v", tt.t, tt.def, got, err, tt.want)
		}
	}
}

func TestBoundKeepsADeadline(t *testing.T) {
	want := time.Now().Add(time.Hour)
	parent, cancelParent := context.WithDeadline(context.Background(), want)
	defer cancelParent()
	ctx, cancel := Bound(parent, time.Millisecond)
	defer cancel()
	if got, _ := ctx.Deadline(); !got.Equal(want) {
		t.Errorf("deadline %v, want the parent's %v", got, want)
	}
	cancel()
	if ctx.Err() != nil {
		t.Errorf("cancel of a context with its own deadline ended it: %v", ctx.Err())
	}
}

func TestBoundSetsADeadline(t *testing.T) {
	before := time.Now()
	ctx, cancel := Bound(context.Background(), time.Hour)
	defer cancel()
	got, ok := ctx.Deadline()
	if !ok || got.Before(before.Add(time.Hour)) {
		t.Errorf("deadline %v, %v, want one an hour from now", got, ok)
	}
	cancel()
	if ctx.Err() == nil {
		t.Error("cancel did not end the bounded context")
	}
}
