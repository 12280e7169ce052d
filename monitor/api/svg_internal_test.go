package api

import (
	"regexp"
	"testing"
)

// The geometry matches shields.io's: these widths, text lengths and
// positions are what badge-maker 6.0.0 draws for the same texts.
func TestSVGGeometryMatchesShields(t *testing.T) {
	tests := []struct {
		label, message string
		width          string
		lengths, xs    []string
	}{
		{"api", "up", "50", []string{"170", "130"}, []string{"145", "375"}},
		{"uptime 7d", "98.57%", "120", []string{"570", "430"}, []string{"345", "925"}},
		{"billing", "degraded", "104", []string{"330", "510"}, []string{"225", "725"}},
		{"статус", "no data", "96", []string{"350", "410"}, []string{"235", "695"}},
		{`<script>alert("x")`, `it's & "quoted"`, "202", []string{"1010", "810"}, []string{"565", "1555"}},
		{"サービス", "ok", "76", []string{"430", "130"}, []string{"275", "635"}},
	}
	width := regexp.MustCompile(`^<svg [^>]*width="(\d+)"`)
	text := regexp.MustCompile(`<text x="(\d+)" y="140" transform="scale\(.1\)" textLength="(\d+)">`)
	for _, tt := range tests {
		svg := string(svgBadge(tt.label, tt.message, "brightgreen"))
		if m := width.FindStringSubmatch(svg); m == nil || m[1] != tt.width {
			t.Errorf("%s|%s: width %v, want %s", tt.label, tt.message, m, tt.width)
		}
		texts := text.FindAllStringSubmatch(svg, -1)
		if len(texts) != 2 {
			t.Fatalf("%s|%s: %d texts\n%s", tt.label, tt.message, len(texts), svg)
		}
		for i, m := range texts {
			if m[1] != tt.xs[i] || m[2] != tt.lengths[i] {
				t.Errorf("%s|%s: text %d at x=%s length %s, want x=%s length %s", tt.label, tt.message, i, m[1], m[2], tt.xs[i], tt.lengths[i])
			}
		}
	}
}
