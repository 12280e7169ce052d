package vocab

import (
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
)

// FuzzParseStatus holds Parse to its contract: a valid status or
// false, the same for any ASCII case of the word, every word of every
// vocabulary read back, and vitals.Status.UnmarshalText agreeing with it.
func FuzzParseStatus(f *testing.F) {
	for v := range numVocabularies {
		for s := range numStatuses {
			f.Add(Word(vitals.Status(s), v))
		}
	}
	for _, w := range []string{"", "Pass", "out_of_service", "paſs", "PASS\x00", " ok", "serving\n", "warning", "error"} {
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, word string) {
		s, ok := Parse(word)
		if !ok {
			if s != vitals.StatusUnknown {
				t.Fatalf("Parse(%q) = %v, false; want vitals.StatusUnknown with false", word, s)
			}
		} else if int(s) >= numStatuses {
			t.Fatalf("Parse(%q) = invalid status %d", word, s)
		}
		// Case-insensitive in ASCII only: "paſs" is not "pass", though
		// Unicode folds ſ to s.
		for _, w := range []string{asciiUpper(word), lower(word)} {
			if s2, ok2 := Parse(w); s2 != s || ok2 != ok {
				t.Fatalf("Parse(%q) = %v, %v but Parse(%q) = %v, %v", word, s, ok, w, s2, ok2)
			}
		}
		if ok && lower(word) != strings.ToLower(word) {
			t.Fatalf("Parse(%q) read a word outside ASCII as %v", word, s)
		}
		// The core reads its own words only, in any ASCII case, and
		// reads them as Parse does.
		var u vitals.Status
		if err := u.UnmarshalText([]byte(word)); err == nil && (!ok || u != s) {
			t.Fatalf("UnmarshalText(%q) = %v; Parse = %v, %v", word, u, s, ok)
		}
		if !ok {
			return
		}
		// Whatever a word reads as, every surface can say it and read it
		// back: the vitals word exactly, the others as some status.
		if back, _ := Parse(s.String()); back != s {
			t.Fatalf("%q reads as %v, whose word reads as %v", word, s, back)
		}
		for v := range numVocabularies {
			if _, ok := Parse(Word(s, v)); !ok {
				t.Fatalf("%v in vocabulary %d is %q, which does not read back", s, v, Word(s, v))
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
