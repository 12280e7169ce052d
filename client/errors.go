package client

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/httpurl"
)

// excerptBytes is the longest body excerpt an [APIError] carries.
const excerptBytes = 200

// ErrBodyTooLarge is wrapped by the [*ParseError] of a body longer than
// [Options.MaxBodyBytes].
var ErrBodyTooLarge = errors.New("body exceeds the size limit")

// APIError reports an answer that is no health report: a 1xx, 3xx or 4xx
// code (401, 403, 404, 405, 429, …) whose body is not in a health format.
// Such a code says the request was wrong, not that the service is
// unhealthy, so it is an error rather than a failing [Report].
//
// A 5xx is never an APIError: 503 is how health endpoints say unhealthy,
// Kubernetes answers 500 for a failing check, and a proxy's 502 or 504
// means the service behind it is down. A 4xx whose body is a health
// report (IETF allows any 4xx for fail) is a Report too, except for 401,
// 403, 404, 405, 407 and 410: a wrong token, path or method is an APIError
// whatever the body says.
type APIError struct {
	URL         string // the request URL, secrets redacted
	Code        int    // the HTTP status code
	ContentType string // the Content-Type header
	Body        string // the start of the body, secrets redacted
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("client: HTTP %d", e.Code)
	if e.URL != "" {
		msg = fmt.Sprintf("client: GET %s: HTTP %d", e.URL, e.Code)
	}
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// RequestError reports a request that got no answer: the connection
// failed, timed out or was cancelled, or the body could not be read.
// errors.Is(err, context.DeadlineExceeded) and errors.As for *net.OpError
// see through it.
type RequestError struct {
	URL string // the request URL, secrets redacted
	Err error  // the transport's error

	secrets secrets
}

func (e *RequestError) Error() string {
	return e.secrets.scrub(fmt.Sprintf("client: GET %s: %s", e.URL, httpurl.Cause(e.Err)))
}

func (e *RequestError) Unwrap() error { return e.Err }

// ParseError reports a body that claims a health format (by Content-Type
// or shape) but cannot be read as one: invalid JSON, an unknown status
// word, or a body cut at [Options.MaxBodyBytes].
type ParseError struct {
	URL    string // the request URL, secrets redacted; "" from [Parse]
	Format Format // the format tried
	Err    error  // what went wrong

	secrets secrets
}

func (e *ParseError) Error() string {
	msg := fmt.Sprintf("client: parse %s body: %s", e.Format, vitals.Redact(e.Err.Error()))
	if e.URL != "" {
		msg = fmt.Sprintf("client: GET %s: parse %s body: %s", e.URL, e.Format, vitals.Redact(e.Err.Error()))
	}
	return e.secrets.scrub(msg)
}

func (e *ParseError) Unwrap() error { return e.Err }

// excerptScan bounds how much of a body, its whitespace folded, is
// redacted for an excerpt.
const excerptScan = 8 << 10

// excerpt is the start of a body for people to read, on one line, secrets
// redacted. It is cut twice, both times so that no secret shows: the text
// redacted stops at a word boundary before excerptScan bytes, as a secret
// cut in half may no longer look like one (a URL without its '@', a token
// shorter than its format); then the redacted text is cut to excerptBytes
// by shorten.
func excerpt(b []byte) string {
	s, cut := fold(b, excerptScan)
	if cut {
		// Every rule whose secret ends where later text says (a URL's
		// user info at its '@', a DSN, a JWT, a token) stops at a space
		// or a quote, and the rules that cross one (a quoted value, a PEM
		// key) redact to the end of what they are given.
		s = s[:strings.LastIndexAny(s, ` "<>`)+1]
	}
	return shorten(vitals.Redact(s), excerptBytes)
}

// shorten cuts the redacted text s to at most n bytes and an ellipsis. The
// cut can make text look like a secret again ("password=" and the
// ellipsis; half a redacted PEM key's END line), so what is left is
// redacted again: it stays redacted, and is at most a marker longer.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return vitals.Redact(strings.ToValidUTF8(s[:n], "") + "…")
}

// fold makes b one printable line, as [printable] and [oneLine] would,
// and stops before it grows past limit bytes, reporting whether any of b
// was left out. Whitespace runs fold into one space first, so a body of
// blanks does not push its words out of the limit.
func fold(b []byte, limit int) (s string, cut bool) {
	var sb strings.Builder
	space := false
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		i += n
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			r = utf8.RuneError // as printable does; so is invalid UTF-8
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
