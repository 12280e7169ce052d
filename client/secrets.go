package client

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/vitalsgo/vitals"
)

// secrets are the credentials a Client was given. vitals.Redact finds
// secrets by their shape; these are known by value, so they are removed
// also where an endpoint echoes one without a telltale key ("invalid
// token abc123") or where an error quotes one.
type secrets []string

// minSecret is the shortest credential removed by value: shorter ones
// would mangle every text they occur in, and protect little.
const minSecret = 3

// secretHeaders name the headers whose values are credentials.
var secretHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "X-Auth-Token"}

func secretsOf(u *url.URL, header http.Header) secrets {
	var s secrets
	add := func(v string) {
		if v = strings.TrimSpace(v); len(v) >= minSecret {
			s = append(s, v)
		}
	}
	if p, ok := u.User.Password(); ok {
		add(p)
	}
	for _, k := range secretHeaders {
		for _, v := range header.Values(k) {
			add(v)
			// "Bearer abc": the credential may be echoed without its scheme.
			if _, cred, ok := strings.Cut(v, " "); ok {
				add(cred)
			}
		}
	}
	return s
}

// scrub replaces every known secret in text with vitals.RedactedMarker.
func (s secrets) scrub(text string) string {
	for _, v := range s {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, vitals.RedactedMarker)
		}
	}
	return text
}

// report scrubs the texts of r that come from the endpoint.
func (s secrets) report(r *Report) {
	if len(s) == 0 {
		return
	}
	r.Message = s.scrub(r.Message)
	for i := range r.Checks {
		r.Checks[i].Name = s.scrub(r.Checks[i].Name)
		r.Checks[i].Message = s.scrub(r.Checks[i].Message)
	}
	for i := range r.Issues {
		r.Issues[i].Description = s.scrub(r.Issues[i].Description)
	}
}
