package disk

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
)

// The thresholds against numbers no real disk in CI will show: a nearly
// full file system, one out of inodes, one without inodes.
func TestEvaluate(t *testing.T) {
	const gib = 1 << 30
	tests := []struct {
		name   string
		u      usage
		o      Options
		status vitals.Status
		msg    string
	}{
		{"healthy", usage{100 * gib, 50 * gib, 1000, 900}, Options{WarnFreePercent: 10, FailFreePercent: 5}, vitals.StatusPass, "50.0 GiB free of 100.0 GiB (50.0%), 90.0% inodes free"},
		{"low", usage{100 * gib, 8 * gib, 1000, 900}, Options{WarnFreePercent: 10, FailFreePercent: 5}, vitals.StatusWarn, "space under 10%"},
		{"full", usage{100 * gib, 1 * gib, 1000, 900}, Options{WarnFreePercent: 10, FailFreePercent: 5, FailFreeBytes: 2 * gib}, vitals.StatusFail, "space under 5%, space under 2.0 GiB"},
		{"out of inodes", usage{100 * gib, 50 * gib, 1000, 10}, Options{FailFreeInodesPercent: 5}, vitals.StatusFail, "inodes under 5%"},
		{"no inodes", usage{100 * gib, 50 * gib, 0, 0}, Options{FailFreeInodesPercent: 5}, vitals.StatusPass, "(50.0%)"},
		{"empty", usage{}, Options{FailFreeBytes: 1}, vitals.StatusFail, "0 B free of 0 B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := evaluate("/data", tt.u, &tt.o)
			if r.Status != tt.status || !strings.Contains(r.Message, tt.msg) {
				t.Fatalf("result = %v %q, want %v with %q", r.Status, r.Message, tt.status, tt.msg)
			}
			_, hasInodes := r.Details["inodes_total"]
			if hasInodes != (tt.u.files > 0) {
				t.Fatalf("details = %v", r.Details)
			}
		})
	}
}

func TestGuardReturnsAtDeadlineAndAdmitsOneCall(t *testing.T) {
	var g guard
	release := make(chan struct{})
	hung := func() vitals.Result { <-release; return vitals.Result{Status: vitals.StatusPass} }

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	r := g.run(ctx, "disk /nfs", hung)
	if r.Status != vitals.StatusFail || !errors.Is(r.Err, context.DeadlineExceeded) {
		t.Fatalf("hung call: %v %q", r.Status, r.Message)
	}
	r = g.run(context.Background(), "disk /nfs", hung)
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "still blocked") {
		t.Fatalf("second call while the first hangs: %v %q", r.Status, r.Message)
	}
	close(release)
	g.mu.Lock()
	done := g.pending
	g.mu.Unlock()
	<-done
	if r := g.run(context.Background(), "disk /nfs", hung); r.Status != vitals.StatusPass {
		t.Fatalf("after the hung call returned: %v %q", r.Status, r.Message)
	}
}
