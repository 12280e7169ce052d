package reason_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vitalsgo/vitals/internal/reason"
)

func TestCap(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"short", "connection refused", 512, "connection refused"},
		{"at the cap", strings.Repeat("a", 512), 512, strings.Repeat("a", 512)},
		{"one over", strings.Repeat("a", 40), 39, strings.Repeat("a", 24) + "… (+16 bytes)"},
		{"a megabyte", strings.Repeat("a", 1_000_000), 512, strings.Repeat("a", 490) + "… (+999,510 bytes)"},
		{"cut inside a rune", strings.Repeat("é", 100), 41, strings.Repeat("é", 12) + "… (+176 bytes)"},
		{"invalid UTF-8", "a\xffb", 512, "a\uFFFDb"},
		{"no room", strings.Repeat("a", 100), 5, "… (+100 bytes)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reason.Cap(tt.in, tt.max); got != tt.want {
				t.Errorf("Cap = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzCap: whatever the input, the reason is valid UTF-8, within the cap
// (when the cap leaves room for the count), and the start of the input.
func FuzzCap(f *testing.F) {
	f.Add("connection refused", 512)
	f.Add(strings.Repeat("é", 300), 64)
	f.Add("a\xffb\xc3", 2)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 || max > 1<<16 {
			return
		}
		got := reason.Cap(s, max)
		if !utf8.ValidString(got) {
			t.Fatalf("Cap(%q, %d) = %q: invalid UTF-8", s, max, got)
		}
		valid := strings.ToValidUTF8(s, "\uFFFD")
		if len(valid) <= max {
			if got != valid {
				t.Fatalf("Cap(%q, %d) = %q, want it unchanged", s, max, got)
			}
			return
		}
		if max >= 32 && len(got) > max {
			t.Fatalf("Cap(%q, %d) is %d bytes", s, max, len(got))
		}
		kept, _, ok := strings.Cut(got, "… (+")
		if !ok || !strings.HasPrefix(valid, kept) {
			t.Fatalf("Cap(%q, %d) = %q: no count, or not the start of the input", s, max, got)
		}
	})
}
