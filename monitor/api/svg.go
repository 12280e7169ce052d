package api

import (
	"encoding/xml"
	"fmt"
	"strings"
	"unicode"
)

// colors are the shields.io color names badges use, with the values
// shields draws them in since badge-maker 4 (chosen for white text to
// stay readable on every one).
var colors = map[string]string{
	"brightgreen": "#4b0",
	"green":       "#67ac09",
	"yellowgreen": "#95991a",
	"yellow":      "#d8b800",
	"orange":      "#ea7233",
	"red":         "#dd4343",
	"lightgrey":   "#939393",
}

// svgBadge draws a badge in shields.io's flat style: label on grey, message
// on color (a name of colors), each text's width estimated from Verdana
// 11 px and fixed by textLength, so that the badge looks the same whatever
// font the viewer substitutes. Text is XML-escaped; characters XML cannot
// hold become U+FFFD.
//
// The geometry is shields': 5 px padding either side of each text, widths
// rounded to odd pixels for sharper edges, text drawn at 10x and scaled
// down for sub-pixel placement.
func svgBadge(label, message, color string) []byte {
	lw, mw := preferredWidth(label), preferredWidth(message)
	left, right := lw+10, mw+10
	width := left + right
	lx, mx := 60+5*lw, 10*left+40+5*mw
	label, message = escape(label), escape(message)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="20" role="img" aria-label="%s: %s">`, width, label, message)
	fmt.Fprintf(&b, `<title>%s: %s</title>`, label, message)
	b.WriteString(`<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`)
	fmt.Fprintf(&b, `<clipPath id="r"><rect width="%d" height="20" rx="3" fill="#fff"/></clipPath>`, width)
	fmt.Fprintf(&b, `<g clip-path="url(#r)"><rect width="%d" height="20" fill="#555"/><rect x="%d" width="%d" height="20" fill="%s"/><rect width="%d" height="20" fill="url(#s)"/></g>`,
		left, left, right, colors[color], width)
	b.WriteString(`<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">`)
	for _, t := range []struct {
		x, length int
		text      string
	}{{lx, 10 * lw, label}, {mx, 10 * mw, message}} {
		fmt.Fprintf(&b, `<text aria-hidden="true" x="%d" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="%d">%s</text>`, t.x, t.length, t.text)
		fmt.Fprintf(&b, `<text x="%d" y="140" transform="scale(.1)" textLength="%d">%s</text>`, t.x, t.length, t.text)
	}
	b.WriteString("</g></svg>\n")
	return []byte(b.String())
}

// escape makes s safe as XML text and as an attribute value.
func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}

// preferredWidth is the width of s in whole pixels, rounded up to an odd
// number as shields does.
func preferredWidth(s string) int {
	w := textWidth(s) / 100
	if w%2 == 0 {
		w++
	}
	return w
}

// textWidth estimates the width of s in Verdana 11 px, in hundredths of a
// pixel.
func textWidth(s string) int {
	total := 0
	for _, r := range s {
		total += runeWidth(r)
	}
	return total
}

func runeWidth(r rune) int {
	switch {
	case 0x20 <= r && r < 0x530:
		return int(verdanaLatin[r-0x20])
	case 0x2010 <= r && r < 0x2028:
		return int(verdanaPunct[r-0x2010])
	case unicode.Is(unicode.Mn, r):
		return 0 // combining marks sit on the letter before them
	}
	for _, rg := range ideographs {
		if rg[0] <= r && r <= rg[1] {
			return 1100 // a full em
		}
	}
	return verdanaFallback
}

// ideographs are the blocks of CJK ideographs and full-width forms, which
// shields' measurer draws a full em wide.
var ideographs = [][2]rune{
	{0x2E80, 0x2EFF}, {0x3000, 0x302D}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
	{0xF900, 0xFAFF}, {0xFE30, 0xFE4F}, {0xFF00, 0xFF60}, {0x20000, 0x2FFFF},
}
