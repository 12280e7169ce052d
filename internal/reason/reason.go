// Package reason bounds the one-line reason a command prints for a
// failure: a server decides what goes into it (a message, a body, an
// error), and a megabyte message must not become a megabyte line in a
// terminal, a CI log or Docker's health log.
package reason

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Max is the longest reason a command prints, in bytes: room for any
// message a person reads, well under Docker's 4 KiB of health log output.
const Max = 512

// Cap returns s as valid UTF-8 of at most max bytes. A longer s is cut at
// a rune boundary and ends with a count of the bytes left out, e.g.
// "… (+999,510 bytes)", so a reader knows there was more. A max too small
// for the count leaves the count alone.
func Cap(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= max {
		return s
	}
	// The suffix for everything left out is the longest it can be.
	cut := max - len(suffix(len(s)))
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if cut <= 0 {
		return suffix(len(s))
	}
	return s[:cut] + suffix(len(s)-cut)
}

func suffix(n int) string { return "… (+" + thousands(n) + " bytes)" }

// thousands writes n with a comma every three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
