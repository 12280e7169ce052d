package client

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/vitalsgo/vitals/redact"
)

// secrets are the credentials a Client sends, in every form it sends them
// or an endpoint may echo them: raw, in base64 (standard and URL alphabets,
// with and without padding), percent-encoded, and as the Basic credentials
// net/http builds from the URL's user info. Header values count, but for
// those of plainHeaders. redact.String finds secrets by
// their shape; these are known by value, so they are removed also where an
// endpoint echoes one without a telltale key ("invalid token abc123") or
// where an error quotes one. Longest first, so that "Bearer abc" goes
// before "abc".
type secrets []string

// minSecret is the shortest credential removed by value: shorter ones
// would mangle every text they occur in, and protect little.
const minSecret = 3

// plainHeaders carry no credentials. The value of any other header a
// caller gives (a --header of the CLI) is taken for one: a header's name
// does not tell ("X-Tenant", "X-Signed-Request"), and a value removed from
// a report costs less than a credential shown.
var plainHeaders = []string{
	"Accept", "Accept-Encoding", "Accept-Language", "Cache-Control", "Connection",
	"Content-Type", "Host", "Origin", "Pragma", "Referer", "Traceparent", "Tracestate",
	"User-Agent", "X-Correlation-Id", "X-Forwarded-For", "X-Forwarded-Host",
	"X-Forwarded-Proto", "X-Request-Id",
}

func secretsOf(u *url.URL, header http.Header) secrets {
	var s secrets
	if u.User != nil {
		user := u.User.Username()
		pw, _ := u.User.Password()
		if pw != "" {
			s.add(pw)
			s.add(user + ":" + pw)
		}
		// net/http sends the user info as "Basic base64(user:pw)".
		s.addEncoded(user + ":" + pw)
		if shown := "https://" + user + "@h"; pw == "" && redact.String(shown) != shown {
			s.add(user) // a token as the user name
		}
	}
	for k, vs := range header {
		if !isSecretHeader(k) {
			continue
		}
		for _, v := range vs {
			s.add(v)
			// "Bearer abc": the credential may be echoed without its scheme.
			scheme, cred, _ := strings.Cut(strings.TrimSpace(v), " ")
			s.add(cred)
			if strings.EqualFold(scheme, "Basic") {
				if b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred)); err == nil {
					s.add(string(b))
					_, pw, _ := strings.Cut(string(b), ":")
					s.add(pw)
				}
			}
			if strings.EqualFold(k, "Cookie") {
				cookies, _ := http.ParseCookie(v)
				for _, c := range cookies {
					s.add(c.Value)
				}
			}
		}
	}
	slices.SortStableFunc(s, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return s
}

// isSecretHeader reports whether the values of header k are credentials.
func isSecretHeader(k string) bool {
	for _, h := range plainHeaders {
		if strings.EqualFold(k, h) {
			return false
		}
	}
	return true
}

// add adds the credential v in each form it may be shown in.
func (s *secrets) add(v string) {
	if v = strings.TrimSpace(v); len(v) < minSecret {
		return
	}
	s.addForm(v)
	s.addForm(url.QueryEscape(v))
	s.addForm(url.PathEscape(v))
	s.addEncoded(v)
}

// addEncoded adds v in base64 only.
func (s *secrets) addEncoded(v string) {
	if len(v) < minSecret {
		return
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		s.addForm(enc.EncodeToString([]byte(v)))
	}
}

func (s *secrets) addForm(f string) {
	if !slices.Contains(*s, f) {
		*s = append(*s, f)
	}
}

// scrub replaces every known secret in text with redact.Marker,
// and redacts the result again when that changed it: a marker can join
// what was around the secret into a new shape.
func (s secrets) scrub(text string) string {
	if len(s) == 0 {
		return text
	}
	orig := text
	for _, v := range s {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, redact.Marker)
		}
	}
	text = s.scrubCuts(text)
	if text != orig {
		text = redact.String(text)
	}
	return text
}

// ellipsis ends a text that was cut short: a body excerpt, a long status
// word.
const ellipsis = "…"

// scrubCuts redacts the start of a known secret that a cut left before an
// ellipsis: the texts the client cuts are cut before they can be scrubbed.
// As in scrub, a start shorter than minSecret is left alone.
func (s secrets) scrubCuts(text string) string {
	if !strings.Contains(text, ellipsis) {
		return text
	}
	var b strings.Builder
	for {
		head, rest, found := strings.Cut(text, ellipsis)
		if !found {
			return b.String() + head
		}
		n := s.cutAt(head)
		b.WriteString(head[:len(head)-n])
		if n > 0 {
			b.WriteString(redact.Marker)
		}
		b.WriteString(ellipsis)
		text = rest
	}
}

// cutAt returns the length of the longest end of head, at least minSecret
// long, that a known secret starts with.
func (s secrets) cutAt(head string) int {
	best := 0
	for _, v := range s {
		for n := min(len(v)-1, len(head)); n >= max(minSecret, best+1); n-- {
			if strings.HasSuffix(head, v[:n]) {
				best = n
				break
			}
		}
	}
	return best
}

// report scrubs the texts of r that come from the endpoint, the body too:
// an endpoint that echoes a credential sends it to whoever sent it, and a
// caller who prints the body does not expect it back.
func (s secrets) report(r *Report) {
	if len(s) == 0 {
		return
	}
	r.Message = s.scrub(r.Message)
	for i := range r.Checks {
		r.Checks[i].Name = s.scrubName(r.Checks[i].Name)
		r.Checks[i].Message = s.scrub(r.Checks[i].Message)
	}
	for i := range r.Issues {
		r.Issues[i].Description = s.scrub(r.Issues[i].Description)
	}
	r.Body = s.scrubBytes(r.Body)
}

// scrubName is scrub for a check name, which is not redacted by shape.
func (s secrets) scrubName(name string) string {
	for _, v := range s {
		if strings.Contains(name, v) {
			name = strings.ReplaceAll(name, v, redact.Marker)
		}
	}
	return name
}

// scrubBytes is scrubName for a body; b is copied before it is changed.
func (s secrets) scrubBytes(b []byte) []byte {
	copied := false
	for _, v := range s {
		if !bytes.Contains(b, []byte(v)) {
			continue
		}
		if !copied {
			b, copied = bytes.Clone(b), true
		}
		b = bytes.ReplaceAll(b, []byte(v), []byte(redact.Marker))
	}
	return b
}
