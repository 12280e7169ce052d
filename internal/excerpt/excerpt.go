// Package excerpt makes what a server sent — a body, a status word — into
// a short line for people to read: one printable line, bounded, with
// secrets redacted before any cut. A cut first would cut a secret short
// until no redaction rule knows it (a URL without its '@', a token shorter
// than its format) and show its start.
//
// The client's APIError, the http and remote checkers' details and the
// client's unknown-status errors all use it, so a body says the same thing
// wherever it shows.
package excerpt

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vitalsgo/vitals/redact"
)

// Ellipsis ends an excerpt that left something out.
const Ellipsis = "…"

// scan bounds how much of a body, its whitespace folded, is redacted for
// an excerpt: a megabyte body costs the redaction of 8 KiB.
const scan = 8 << 10

// Of returns the start of b as one printable line of at most n bytes and
// [Ellipsis], secrets redacted. Whitespace runs fold into one space,
// control characters and invalid UTF-8 become U+FFFD.
//
// It is cut twice, both times so that no secret shows: the text redacted
// stops at a word boundary before 8 KiB, then the redacted text is cut to
// n bytes by [Shorten].
func Of(b []byte, n int) string {
	s, cut := Fold(b, scan)
	if cut {
		// Every rule whose secret ends where later text says (a URL's
		// user info at its '@', a DSN, a JWT, a token) stops at a space
		// or a quote, and the rules that cross one (a quoted value, a PEM
		// key) redact to the end of what they are given.
		// One word of 8 KiB has no boundary to stop at, and no secret
		// format is that long: the word's start is what shows.
		if i := strings.LastIndexAny(s, ` "<>`); i >= 0 {
			s = s[:i+1]
		}
	}
	return Shorten(redact.String(s), n)
}

// Shorten cuts the redacted text s to at most n bytes and [Ellipsis]. The
// cut can make text look like a secret again ("password=" and the
// ellipsis; half a redacted PEM key's END line), so what is left is
// redacted again, and cut shorter while that redaction makes it longer
// than n bytes and the ellipsis.
func Shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	limit := n + len(Ellipsis)
	for cut := n; cut > 0; {
		out := redact.String(strings.ToValidUTF8(s[:cut], "") + Ellipsis)
		if len(out) <= limit {
			return out
		}
		cut -= len(out) - limit
	}
	return Ellipsis
}

// Fold makes b one printable line and stops before it grows past limit
// bytes, reporting whether any of b was left out. Whitespace runs fold into
// one space first, so a body of blanks does not push its words out of the
// limit; control characters and invalid UTF-8 become U+FFFD.
func Fold(b []byte, limit int) (s string, cut bool) {
	var sb strings.Builder
	space := false
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		i += n
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			r = utf8.RuneError
		}
		if unicode.IsSpace(r) {
			space = sb.Len() > 0
			continue
		}
		if sb.Len()+1+utf8.RuneLen(r) > limit {
			return sb.String(), true
		}
		if space {
			sb.WriteByte(' ')
			space = false
		}
		sb.WriteRune(r)
	}
	return sb.String(), false
}
