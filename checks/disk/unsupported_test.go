//go:build !linux

package disk_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/disk"
)

func TestUnsupported(t *testing.T) {
	c, err := disk.New(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Check(context.Background()); r.Status != vitals.StatusFail || !strings.Contains(r.Message, "not supported") {
		t.Fatalf("result = %v %q, want unsupported", r.Status, r.Message)
	}
}
