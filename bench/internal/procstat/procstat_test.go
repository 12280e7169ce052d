package procstat

import (
	"bytes"
	"os"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	b, err := os.ReadFile("testdata/stat.txt")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseStat(b)
	if err != nil {
		t.Fatal(err)
	}
	// utime 1234 + stime 567 ticks of 10ms, read past a command name that
	// holds a space and parentheses.
	if want := 18010 * time.Millisecond; got != want {
		t.Errorf("ParseStat = %v, want %v", got, want)
	}
}

func TestParseStatErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"no command", "42 S 1 2 3"},
		{"truncated", "42 (x) S 1 2 3 4 5"},
		{"not a number", "42 (x) S 1 2 3 4 5 6 7 8 9 10 ten 11 12"},
	}
	for _, tt := range tests {
		if _, err := ParseStat([]byte(tt.in)); err == nil {
			t.Errorf("%s: ParseStat(%q) returned no error", tt.name, tt.in)
		}
	}
}

func TestParseStatus(t *testing.T) {
	b, err := os.ReadFile("testdata/status.txt")
	if err != nil {
		t.Fatal(err)
	}
	rss, threads, err := ParseStatus(b)
	if err != nil {
		t.Fatal(err)
	}
	if rss != 120000*1024 || threads != 9 {
		t.Errorf("ParseStatus = %d bytes, %d threads; want %d, 9", rss, threads, 120000*1024)
	}
	if _, _, err := ParseStatus([]byte("Name:\tzombie\nState:\tZ (zombie)\n")); err == nil {
		t.Error("ParseStatus of a zombie's status (no VmRSS) returned no error")
	}
}

func TestReadSelf(t *testing.T) {
	s, err := Read(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if s.RSS <= 0 || s.Threads < 1 {
		t.Errorf("Read(self) = %+v: want a positive RSS and at least one thread", s)
	}
}

func TestCPUPercent(t *testing.T) {
	t0 := time.Unix(0, 0)
	a := Sample{Time: t0, CPU: time.Second}
	b := Sample{Time: t0.Add(4 * time.Second), CPU: 3 * time.Second}
	if got := CPUPercent(a, b); got != 50 {
		t.Errorf("CPUPercent = %v, want 50 (2s of CPU in 4s)", got)
	}
	if got := CPUPercent(b, b); got != 0 {
		t.Errorf("CPUPercent over no time = %v, want 0", got)
	}
}

func FuzzParseStat(f *testing.F) {
	b, err := os.ReadFile("testdata/stat.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		if d, err := ParseStat(b); err == nil && d < 0 && !bytes.Contains(b, []byte("-")) {
			t.Fatalf("negative CPU time %v from input without a minus sign", d)
		}
	})
}

func FuzzParseStatus(f *testing.F) {
	b, err := os.ReadFile("testdata/status.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		rss, threads, err := ParseStatus(b)
		if err != nil && (rss != 0 || threads != 0) {
			t.Fatalf("error %v with values %d, %d", err, rss, threads)
		}
	})
}
