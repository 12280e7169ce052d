package report

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals/internal/golden"
)

func fixture(t *testing.T) *Results {
	t.Helper()
	r, err := Read("testdata/results.json")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestMarkdownGolden(t *testing.T) {
	golden.Compare(t, "testdata/section.md", string(Markdown(fixture(t))))
}

func TestTargets(t *testing.T) {
	md := string(Markdown(fixture(t)))
	for _, want := range []string{
		"| probe throughput ≥ 0.9 × bare handler, 10 checks | 0.93 × bare | yes |",
		"| probe throughput ≥ 1.5 × the best peer, 10 checks | 1.86 × alexliesenfeld | yes |",
		"| 100k checks: ≤ 5 % of one core | 4.5 % | yes |",
		"| 100k checks: ≤ 150 MB RSS | 149 MB | yes |",
		"| hang (periodic): goroutines bounded | +0 over 10000 probes | yes |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("targets lack %q", want)
		}
	}
	r := fixture(t)
	r.Scale[0].RSSMB = 186
	if md := string(Markdown(r)); !strings.Contains(md, "| 100k checks: ≤ 150 MB RSS | 186 MB | **no** |") {
		t.Error("an RSS over 150 MB is not reported as a missed target")
	}
}

func TestSplice(t *testing.T) {
	section := []byte("## Side\n\nnew\n")
	block := BeginMarker + "\n## Side\n\nnew\n" + EndMarker + "\n"
	tests := []struct{ name, doc, want string }{
		{"empty", "", "\n" + block},
		{"no heading", "# T\n\nintro", "# T\n\nintro\n\n" + block},
		{"before the first section", "# T\n\nintro\n\n## Core\n\nkept\n", "# T\n\nintro\n\n" + block + "\n## Core\n\nkept\n"},
		{"replaces", "# T\n" + BeginMarker + "\nold\n" + EndMarker + "\n## Core\n", "# T\n" + block + "## Core\n"},
	}
	for _, tt := range tests {
		got, err := Splice([]byte(tt.doc), section)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if string(got) != tt.want {
			t.Errorf("%s: Splice =\n%q\nwant\n%q", tt.name, got, tt.want)
		}
	}
	if _, err := Splice([]byte("x\n"+BeginMarker+"\nold\n"), section); err == nil {
		t.Error("Splice accepted a document with a begin marker and no end marker")
	}
}

func TestUpdateMarkdownKeepsTheRest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "benchmarks.md")
	os.WriteFile(path, []byte("# Benchmarks\n\n## Core micro-benchmarks\n\nhand-written\n"), 0o644)
	for range 2 { // the second run replaces the section, not adds one
		if err := UpdateMarkdown(path, fixture(t)); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(path)
	s := string(b)
	if strings.Count(s, BeginMarker) != 1 || !strings.HasSuffix(s, "## Core micro-benchmarks\n\nhand-written\n") {
		t.Errorf("after two updates:\n%s", s)
	}
}

func TestCharts(t *testing.T) {
	dir := t.TempDir()
	if err := Charts(fixture(t), dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{ChartProbe, ChartScale, ChartRSS, ChartStorm, ChartHang, ChartDetect} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() < 400 || b.Dy() < 200 {
			t.Errorf("%s is %v, too small to read", name, b)
		}
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		in   []float64
		want Summary
	}{
		{nil, Summary{}},
		{[]float64{3}, Summary{3, 3, 3, 1}},
		{[]float64{5, 1, 3}, Summary{3, 1, 5, 3}},
		{[]float64{4, 1, 3, 2}, Summary{2.5, 1, 4, 4}},
	}
	for _, tt := range tests {
		if got := Summarize(tt.in); got != tt.want {
			t.Errorf("Summarize(%v) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 1234567.4: "1,234,567", -4321: "-4,321"} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%v) = %q, want %q", in, got, want)
		}
	}
}
