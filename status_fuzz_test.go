package vitals

import (
	"strings"
	"testing"
)

// FuzzParseStatus holds ParseStatus to its contract: a valid status or
// false, the same for any ASCII case of the word, every word of every
// vocabulary read back, and UnmarshalText agreeing with it.
func FuzzParseStatus(f *testing.F) {
	for v := range numVocabularies {
		for s := range numStatuses {
			f.Add(Status(s).In(v))
		}
	}
	for _, w := range []string{"", "Pass", "out_of_service", "paſs", "PASS\x00", " ok", "serving\n", "warning", "error"} {
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, word string) {
		s, ok := ParseStatus(word)
		if !ok {
			if s != StatusUnknown {
				t.Fatalf("ParseStatus(%q) = %v, false; want StatusUnknown with false", word, s)
			}
		} else if int(s) >= numStatuses {
			t.Fatalf("ParseStatus(%q) = invalid status %d", word, s)
		}
		// Case-insensitive in ASCII only: "paſs" is not "pass", though
		// Unicode folds ſ to s.
		for _, w := range []string{asciiUpper(word), lower(word)} {
			if s2, ok2 := ParseStatus(w); s2 != s || ok2 != ok {
				t.Fatalf("ParseStatus(%q) = %v, %v but ParseStatus(%q) = %v, %v", word, s, ok, w, s2, ok2)
			}
		}
		if ok && lower(word) != strings.ToLower(word) {
			t.Fatalf("ParseStatus(%q) read a word outside ASCII as %v", word, s)
		}
		var u Status
		if err := u.UnmarshalText([]byte(word)); (err == nil) != ok || ok && u != s {
			t.Fatalf("UnmarshalText(%q) = %v, %v; ParseStatus = %v, %v", word, u, err, s, ok)
		}
		if !ok {
			return
		}
		// Whatever a word reads as, every surface can say it and read it
		// back: the vitals word exactly, the others as some status.
		if back, _ := ParseStatus(s.String()); back != s {
			t.Fatalf("%q reads as %v, whose word reads as %v", word, s, back)
		}
		for v := range numVocabularies {
			if _, ok := ParseStatus(s.In(v)); !ok {
				t.Fatalf("%v in vocabulary %d is %q, which does not read back", s, v, s.In(v))
			}
		}
		text, err := s.MarshalText()
		if err != nil || string(text) != s.String() {
			t.Fatalf("MarshalText(%v) = %q, %v", s, text, err)
		}
	})
}

func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
