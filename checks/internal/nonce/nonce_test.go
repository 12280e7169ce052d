package nonce

import (
	"strings"
	"testing"
)

func TestHex(t *testing.T) {
	a, b := Hex(12), Hex(12)
	if len(a) != 24 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Errorf("Hex(12) = %q, want 24 hex digits", a)
	}
	if a == b {
		t.Errorf("Hex(12) returned %q twice", a)
	}
	if got := Hex(0); got != "" {
		t.Errorf("Hex(0) = %q, want empty", got)
	}
}
