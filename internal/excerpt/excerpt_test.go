package excerpt_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/vitalsgo/vitals/internal/excerpt"
	"github.com/vitalsgo/vitals/internal/excerpt/excerpttest"
	"github.com/vitalsgo/vitals/redact"
)

const n = 200

// Excerpts are redacted before they are cut, and the cut neither splits a
// secret into something no rule recognises nor makes one look whole again.
func TestOfRedactsBeforeCutting(t *testing.T) {
	for _, tt := range excerpttest.Cases(n) {
		t.Run(tt.Name, func(t *testing.T) {
			s := excerpt.Of([]byte(tt.Body), n)
			if strings.Contains(s, tt.Secret) {
				t.Errorf("excerpt shows %q: %q", tt.Secret, s)
			}
			if redact.String(s) != s {
				t.Errorf("excerpt %q is not redacted: %q", s, redact.String(s))
			}
			if len(s) > n+len(excerpt.Ellipsis) {
				t.Errorf("excerpt of %d bytes", len(s))
			}
		})
	}
	// A body of one long word shows its start.
	if s := excerpt.Of([]byte(strings.Repeat("x", 1<<20)), n); s != strings.Repeat("x", n)+excerpt.Ellipsis {
		t.Errorf("excerpt of one long word = %q", s)
	}
	// What is not cut stays as it was.
	if s := excerpt.Of([]byte("  no\tsecret\r\n here "), n); s != "no secret here" {
		t.Errorf("excerpt = %q", s)
	}
}

// TestOfStaysWithinItsBound: redaction markers are longer than what they
// replace ("*" becomes "***"), and the ellipsis after a cut can complete
// a key's value ("password : \"…"), which is redacted in turn. The
// excerpt is cut shorter until it fits. Found by fuzzing: 205 bytes.
func TestOfStaysWithinItsBound(t *testing.T) {
	for _, body := range []string{
		strings.Repeat("0", 167) + "://000:*@000000000000000 pAssword : \"\"0",
		strings.Repeat("u://a:*@h ", 40),
		strings.Repeat("x", n-12) + ` password : "` + strings.Repeat("y", 50),
	} {
		s := excerpt.Of([]byte(body), n)
		if len(s) > n+len(excerpt.Ellipsis) {
			t.Errorf("excerpt of %d bytes: %q", len(s), s)
		}
		if redact.String(s) != s {
			t.Errorf("excerpt %q is not redacted", s)
		}
	}
}

func TestShortenLeavesShortTextAlone(t *testing.T) {
	if s := excerpt.Shorten("UP", 8); s != "UP" {
		t.Errorf("Shorten = %q", s)
	}
	if s := excerpt.Shorten("UNAVAILABLE", 4); s != "UNAV…" {
		t.Errorf("Shorten = %q", s)
	}
}

func ExampleOf() {
	body := []byte("<html>\n  <body>dial postgres://app:hunter2@db:5432/app: connection refused</body>\n</html>")
	fmt.Println(excerpt.Of(body, 60))
	// Output: <html> <body>dial postgres://app:***@db:5432/app: connection…
}

// FuzzOf holds an excerpt to its contract wherever a secret falls: short,
// one printable line of UTF-8, redacted, and showing no part of a
// password planted in the body.
func FuzzOf(f *testing.F) {
	f.Add([]byte(strings.Repeat("a", 230)), uint16(230))
	f.Add([]byte("<html>503 Service Unavailable</html>"), uint16(6))
	f.Add([]byte("\xff\xfe{\"status\":\"DOWN\"}"), uint16(0))
	f.Add([]byte(strings.Repeat("0", 167)+"://000:*@000000000000000 pAssword : \"\"0"), uint16(0))
	f.Add([]byte(`{"error":"token=abc","password":"hunter2"}`), uint16(9))
	f.Fuzz(func(t *testing.T, body []byte, at uint16) {
		const secret = "Zq8sK2mXv9Lp"
		i := int(at) % (len(body) + 1)
		planted := bytes.Join([][]byte{body[:i], []byte("postgres://app:" + secret + "@db:5432/x"), body[i:]}, []byte("\n"))
		for _, b := range [][]byte{body, planted} {
			s := excerpt.Of(b, n)
			if len(s) > n+len(excerpt.Ellipsis) {
				t.Fatalf("excerpt of %d bytes: %q", len(s), s)
			}
			if !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
				t.Fatalf("excerpt %q is not one printable line", s)
			}
			// The ellipsis too: "password=…" is no redacted text.
			if redact.String(s) != s {
				t.Fatalf("excerpt %q is not redacted", s)
			}
		}
		if s := excerpt.Of(planted, n); strings.Contains(s, secret[:4]) && !bytes.Contains(body, []byte(secret[:4])) {
			t.Fatalf("excerpt shows the password: %q", s)
		}
	})
}
