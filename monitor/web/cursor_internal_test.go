package web

import (
	"strings"
	"testing"
)

// A cursor comes from a request (Last-Event-ID or ?version=): any text
// is refused or read, never a panic; a cursor the handler wrote reads back
// as its version, and one of another epoch is not ok.
func FuzzParseCursor(f *testing.F) {
	h := &Handler{epoch: "0a1b2c3d"}
	for _, s := range []string{"0a1b2c3d-42", "ffffffff-1", "-", "0a1b2c3d-", "0a1b2c3d-18446744073709551616", "x-1-2", ""} {
		f.Add(s, uint64(7))
	}
	f.Fuzz(func(t *testing.T, s string, v uint64) {
		if got, ok, err := h.parseCursor(h.cursor(v)); err != nil || !ok || got != v {
			t.Fatalf("cursor %q reads back as %d, %v, %v", h.cursor(v), got, ok, err)
		}
		got, ok, err := h.parseCursor(s)
		if err != nil && (ok || got != 0) {
			t.Fatalf("parseCursor(%q) = %d, %v with error %v", s, got, ok, err)
		}
		if ok && !strings.HasPrefix(s, h.epoch+"-") {
			t.Fatalf("parseCursor(%q) took another epoch's cursor", s)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("error spans lines: %q", err)
		}
	})
}
