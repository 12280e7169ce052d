package procstat

import (
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
		{"negative", "42 (x) S 1 2 3 4 5 6 7 8 9 10 -11 12"},
		// 12e12 ticks of 10ms wrapped to a negative duration.
		{"overflow", "42 (x) S 1 2 3 4 5 6 7 8 9 10 12000000000000 0"},
		{"sum overflows", "42 (x) S 1 2 3 4 5 6 7 8 9 10 500000000000 500000000000"},
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
	for _, in := range []string{
		"Name:\tzombie\nState:\tZ (zombie)\n", // no VmRSS
		"VmRSS:\t9007199254740993 kB\nThreads:\t1\n",
		"VmRSS:\t-1 kB\nThreads:\t1\n",
		"VmRSS:\t1 kB\nThreads:\t-1\n",
	} {
		if rss, threads, err := ParseStatus([]byte(in)); err == nil {
			t.Errorf("ParseStatus(%q) = %d, %d; want an error", in, rss, threads)
		}
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
	seed(f, "testdata/stat.txt")
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseStat(b)
		if err != nil {
			if d != 0 {
				t.Fatalf("error %v with a CPU time %v", err, d)
			}
			return
		}
		// Ticks are unsigned counts of USER_HZ.
		if d < 0 || d%clockTick != 0 {
			t.Fatalf("CPU time %v is not a whole number of ticks", d)
		}
	})
}

func FuzzParseStatus(f *testing.F) {
	seed(f, "testdata/status.txt")
	f.Fuzz(func(t *testing.T, b []byte) {
		rss, threads, err := ParseStatus(b)
		if err != nil && (rss != 0 || threads != 0) {
			t.Fatalf("error %v with values %d, %d", err, rss, threads)
		}
		if rss < 0 || rss%1024 != 0 || threads < 0 {
			t.Fatalf("ParseStatus = %d bytes, %d threads", rss, threads)
		}
	})
}

// seed adds a file's contents to f's corpus.
func seed(f *testing.F, path string) {
	f.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
}

func TestTail(t *testing.T) {
	tail := &Tail{Max: 8}
	for _, s := range []string{"first line\n", "second\n", "end  \n"} {
		tail.Write([]byte(s))
	}
	if got := tail.String(); got != "d\nend" { // "d\nend  \n", trimmed
		t.Errorf("Tail = %q, want the last 8 bytes without surrounding space", got)
	}
}
