package notify

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/vitalsgo/vitals/internal/httpbody"
	"github.com/vitalsgo/vitals/redact"
)

// maxResponse bounds what a channel reads of an answer: enough for a
// provider's error message, and a receiver that answers with a stream
// cannot hold a delivery.
const maxResponse = 4 << 10

// maxDrain bounds what a channel reads past maxResponse so that the
// connection can be reused; a longer body closes it instead.
const maxDrain = 64 << 10

// excerptLen bounds how much of an error answer an error quotes.
const excerptLen = 200

// poster sends the HTTP requests of one channel. It is what the HTTP-based
// channels share: the deadline, the status rules and errors that never
// quote a secret.
type poster struct {
	typ, name string
	client    *http.Client
	timeout   time.Duration // bounds one delivery, all its requests
	secrets   []string      // every form of every secret, longest first
}

func newPoster(c Config, o Options, secrets ...string) *poster {
	// A copy, so that the caller's client keeps its own redirect policy.
	// A redirect is not followed: it would carry the body (PagerDuty's
	// routing key) and the signature to a host the configuration did not
	// name, and the net/http error for it would quote the new URL.
	client := *o.Client
	client.Timeout = 0 // Config.Timeout bounds each delivery, through ctx
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &poster{typ: c.Type, name: c.Name, client: &client, timeout: c.Timeout, secrets: secretForms(secrets...)}
}

// bound returns ctx bounded by the channel's timeout: a channel's Send
// calls it first, so that a delivery, however many requests it makes,
// ends within Config.Timeout.
func (p *poster) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, p.timeout)
}

// errorf returns an error that names the channel, with every secret
// scrubbed from its text. It unwraps to the errors in args.
func (p *poster) errorf(format string, args ...any) error {
	err := fmt.Errorf("notify: %s %q: "+format, append([]any{p.typ, p.name}, args...)...)
	msg := p.scrub(err.Error())
	if msg == err.Error() {
		return err
	}
	return &scrubbedError{msg: msg, err: err}
}

// scrubbedError is an error whose text lost a secret; errors.Is still
// sees the chain (ErrPermanent, context.DeadlineExceeded). As with
// redact.Error, the errors it wraps keep their own text: whoever prints an
// unwrapped one scrubs it again. Those are net and context errors, which
// quote no URL once netError has removed the *url.Error.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// scrub removes the channel's secrets from s, in every form a server or a
// library might quote them in, and then what [redact.String] recognises.
func (p *poster) scrub(s string) string {
	for _, sec := range p.secrets {
		s = strings.ReplaceAll(s, sec, redact.Marker)
	}
	return redact.String(s)
}

// request is one HTTP request of a delivery.
type request struct {
	method string
	url    string
	header http.Header
	body   []byte
}

// do sends r under ctx and classifies the answer: nil for 2xx; for 408,
// 429 and 5xx an error to retry; for anything else an error wrapping
// [ErrPermanent]. Retry-After and the like are not honoured: the
// dispatcher owns retries.
func (p *poster) do(ctx context.Context, r request) error {
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, bytes.NewReader(r.body))
	if err != nil {
		// The error would quote the URL; New checked it, so this is rare.
		return p.errorf("build request: %w", ErrPermanent)
	}
	req.Header = r.header
	resp, err := p.client.Do(req)
	if err != nil {
		return p.errorf("%s: %w", r.method, netError(err))
	}
	release := httpbody.Bound(ctx, resp)
	defer release()
	body, _, readErr := httpbody.ReadCapped(resp, maxResponse)
	// Read what is left, up to a bound, so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))

	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests, code >= 500:
		return p.errorf("%s: HTTP %d%s", r.method, code, p.excerpt(body, readErr))
	case code >= 300 && code < 400:
		return p.errorf("%s: HTTP %d, a redirect, not followed (%w): configure the URL it points to", r.method, code, ErrPermanent)
	default:
		return p.errorf("%s: HTTP %d (%w)%s", r.method, code, ErrPermanent, p.excerpt(body, readErr))
	}
}

// excerpt is the start of an error answer, on one line, for the error: a
// provider says there what was wrong ("invalid_payload").
func (p *poster) excerpt(body []byte, readErr error) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if s == "" {
		return ""
	}
	// Scrub before cutting, so that a cut cannot leave a secret's prefix
	// that no longer matches.
	s = p.scrub(s)
	if len(s) > excerptLen {
		s = strings.ToValidUTF8(s[:excerptLen], "") + "…"
	}
	return ": " + s
}

// netError returns err without the *url.Error around it, whose text quotes
// the request's URL (a webhook's token is in its path or query). What it
// wrapped says what went wrong (dial tcp …: connection refused, context
// deadline exceeded) and still unwraps.
func netError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// secretForms lists each secret as sent and as a server might echo it:
// URL-escaped, base64 and hex. A URL also gives its path and query, which
// carry the token of a Slack, Teams or webhook URL. Secrets shorter than
// minSecret are skipped: scrubbing "1" would blank every digit of an error
// without protecting anything.
func secretForms(secrets ...string) []string {
	const minSecret = 4
	var parts []string
	for _, s := range secrets {
		parts = append(parts, s)
		if u, err := url.Parse(s); err == nil && u.Host != "" {
			parts = append(parts, u.EscapedPath(), u.Path, u.RawQuery)
			for _, vs := range u.Query() {
				parts = append(parts, vs...)
			}
			for seg := range strings.SplitSeq(u.Path, "/") {
				parts = append(parts, seg)
			}
		}
	}
	var forms []string
	for _, s := range parts {
		if len(s) < minSecret || s == "/" {
			continue
		}
		b := []byte(s)
		forms = append(forms, s,
			url.QueryEscape(s), url.PathEscape(s),
			base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b),
			base64.URLEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
			hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b)))
	}
	// Longest first, so that a secret is replaced whole before a part of it.
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	return slices.Compact(forms)
}

// checkURL reports whether raw is an absolute http or https URL. The error
// names the field and never quotes the value: for webhook, Slack and Teams
// the URL is a secret, and url.Parse's error would quote it.
func checkURL(c Config, field string) error {
	u, err := url.Parse(c.URL)
	if c.URL == "" {
		return fmt.Errorf("notify: %s %q: %s is required", c.Type, c.Name, field)
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("notify: %s %q: %s must be an absolute http or https URL", c.Type, c.Name, field)
	}
	if u.User != nil {
		return fmt.Errorf("notify: %s %q: %s must not hold a user or password: use the channel's own credential fields", c.Type, c.Name, field)
	}
	return nil
}

// checkHeaders reports whether c.Headers can be sent: valid names, values
// without line breaks, none of the headers the channel sets itself
// (reserved, canonical names). Errors name the header, never its value,
// which may be a credential.
func checkHeaders(c Config, reserved ...string) error {
	for k, v := range c.Headers {
		if !validHeaderName(k) {
			return fmt.Errorf("notify: %s %q: headers: %q is not a valid header name", c.Type, c.Name, k)
		}
		if strings.ContainsFunc(v, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
			return fmt.Errorf("notify: %s %q: headers: the value of %q holds a control character", c.Type, c.Name, k)
		}
		ck := http.CanonicalHeaderKey(k)
		if slices.Contains(reserved, ck) || ck == "Host" || ck == "Content-Length" {
			return fmt.Errorf("notify: %s %q: headers: %s is set by the channel", c.Type, c.Name, ck)
		}
	}
	return nil
}

// validHeaderName reports whether k is an RFC 9110 token.
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := range len(k) {
		c := k[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// addHeaders sets c.Headers on h.
func addHeaders(h http.Header, extra map[string]string) {
	for k, v := range extra {
		h.Set(k, v)
	}
}

// headerValues lists the values of extra, which the channel treats as
// secrets: an Authorization or API key header is common there.
func headerValues(extra map[string]string) []string {
	vs := make([]string, 0, len(extra))
	for _, v := range extra {
		vs = append(vs, v)
	}
	return vs
}

// encodeJSON is json.Marshal without the escaping of <, > and & for HTML:
// no body goes into a web page, and receivers' logs read better.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
