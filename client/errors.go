package client

import (
	"errors"
	"fmt"

	"github.com/vitalsgo/vitals/internal/httpurl"
	"github.com/vitalsgo/vitals/redact"
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

// StatusCode returns the HTTP status code, as the errors of API clients
// such as TabbyAPI's expose it.
func (e *APIError) StatusCode() int { return e.Code }

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
	msg := fmt.Sprintf("client: parse %s body: %s", e.Format, redact.String(e.Err.Error()))
	if e.URL != "" {
		msg = fmt.Sprintf("client: GET %s: parse %s body: %s", e.URL, e.Format, redact.String(e.Err.Error()))
	}
	return e.secrets.scrub(msg)
}

func (e *ParseError) Unwrap() error { return e.Err }
