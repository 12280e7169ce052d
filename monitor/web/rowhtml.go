package web

import (
	"net/url"
	"strconv"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/board"
)

// appendRow appends st's row, byte for byte what the "row" template in
// templates/row.html writes of viewRow(st, details): the template is the
// readable definition, and TestRowMatchesTemplate holds the two to the
// same output. A status page of 10,000 targets renders a row for each
// changed target; html/template, which escapes by reflection, and the
// strings of a rowView take about ten times as long as this.
func appendRow(b []byte, st *board.State, details bool) []byte {
	cls := class(st.Status)
	b = appendEscaped(append(b, `<tr id="t-`...), st.Name)
	b = appendEscaped(append(b, `" data-target="`...), st.Name)
	b = append(append(append(b, `" data-status="`...), cls...), "\">\n<th scope=\"row\" class=\"name\"><a href=\"/targets/"...)
	b = appendEscaped(b, url.PathEscape(st.Name))
	b = append(b, '"')
	if st.Description != "" {
		b = append(appendEscaped(append(b, ` title="`...), st.Description), '"')
	}
	b = append(appendEscaped(append(b, '>'), st.Name), "</a>"...)
	hasResult := !st.Last.At.IsZero()
	if details && hasResult && st.Last.Message != "" {
		b = append(appendEscaped(append(b, `<div class="msg">`...), st.Last.Message), "</div>"...)
	}
	b = append(append(append(b, "</th>\n<td><span class=\"pill s-"...), cls...), `">`...)
	b = append(append(b, word(st.Status)...), "</span></td>\n<td class=\"since\">"...)
	if st.Status == vitals.StatusUnknown || st.Since.IsZero() {
		b = append(b, "—"...)
	} else {
		b = append(appendExact(append(b, `<time datetime="`...), st.Since), `">`...)
		b = append(appendClock(b, st.Since), "</time>"...)
	}
	b = append(b, "</td>\n<td class=\"num\">"...)
	if hasResult {
		b = appendLatency(b, st.Last.Latency)
	} else {
		b = append(b, "—"...)
	}
	b = append(b, "</td>"...)
	for i := range board.Windows {
		b = strconv.AppendInt(append(b, `<td class="num w`...), int64(i), 10)
		if i >= len(st.Uptime) {
			b = append(b, ` nodata" title="not computed yet">—</td>`...)
			continue
		}
		u := st.Uptime[i]
		ratio := u.Ratio()
		if ratio < 0 {
			b = append(b, " nodata"...)
		}
		b = append(b, '"')
		mark := len(b)
		if b = appendBreakdown(append(b, ` title="`...), u); len(b) == mark+len(` title="`) {
			b = b[:mark] // an empty title is left out
		} else {
			b = append(b, '"')
		}
		b = append(b, '>')
		if ratio < 0 {
			b = append(b, "no data"...)
		} else {
			b = appendPercent(b, ratio)
		}
		b = append(b, "</td>"...)
	}
	b = appendSparkline(append(b, "\n<td class=\"spark\">"...), st.Recent)
	return append(b, "</td>\n</tr>\n"...)
}

// appendEscaped appends s escaped for HTML text and quoted attribute
// values, as html/template escapes them there.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case 0:
			esc = "\uFFFD"
		case '"':
			esc = "&#34;"
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '+':
			esc = "&#43;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}
