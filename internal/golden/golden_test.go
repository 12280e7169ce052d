package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps what Compare reports instead of
// failing the test that checks Compare.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// Fatalf records and stops like t.Fatalf, which Compare relies on.
func (r *recorder) Fatalf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
	r.fatal = true
	panic(r)
}

func compare(t *testing.T, path, got string) (rec *recorder) {
	rec = &recorder{TB: t}
	defer func() {
		if v := recover(); v != nil && v != any(rec) {
			panic(v)
		}
	}()
	Compare(rec, path, got)
	return rec
}

func TestCompare(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.golden")
	if err := os.WriteFile(path, []byte("a 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if rec := compare(t, path, "a 1\n"); len(rec.errors) != 0 {
		t.Errorf("same output reported: %v", rec.errors)
	}
	rec := compare(t, path, "a 2\n")
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "a 2") || !strings.Contains(rec.errors[0], "-update") {
		t.Errorf("a different output reported as %q; want one error showing it and naming -update", rec.errors)
	}
	rec = compare(t, filepath.Join(t.TempDir(), "missing.golden"), "x")
	if !rec.fatal || !strings.Contains(rec.errors[0], "-update") {
		t.Errorf("a missing file reported as %q (fatal %t)", rec.errors, rec.fatal)
	}
}

func TestUpdateWrites(t *testing.T) {
	defer func(old bool) { *update = old }(*update)
	*update = true
	path := filepath.Join(t.TempDir(), "new", "dir", "out.golden")
	if rec := compare(t, path, "b 3\n"); len(rec.errors) != 0 {
		t.Fatalf("-update reported %v", rec.errors)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "b 3\n" {
		t.Fatalf("-update wrote %q, %v", b, err)
	}
	*update = false
	if rec := compare(t, path, "b 3\n"); len(rec.errors) != 0 {
		t.Errorf("the rewritten file does not match: %v", rec.errors)
	}
}
