package access

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// Policy is the configuration's auth block, resolved.
type Policy struct {
	// Private makes pages, badges and the API need an authorised caller;
	// by default they are public.
	Private bool
	// PublicDetails shows details to every caller who may view.
	PublicDetails bool
	// Token authorises "Authorization: Bearer <Token>"; "" for none.
	Token string
	// Users authorises HTTP basic auth with these user names and
	// passwords; nil for none.
	Users map[string]string
}

// Authorized reports whether r carries credentials the policy accepts.
// Comparisons take constant time.
func (p *Policy) Authorized(r *http.Request) bool {
	if p == nil {
		return false
	}
	if p.Token != "" {
		if h, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok &&
			subtle.ConstantTimeCompare([]byte(h), []byte(p.Token)) == 1 {
			return true
		}
	}
	if user, pass, ok := r.BasicAuth(); ok && len(p.Users) > 0 {
		want, known := p.Users[user]
		// Compare even for an unknown user, so timing does not tell
		// which user names exist.
		match := subtle.ConstantTimeCompare([]byte(pass), []byte(want)) == 1
		return known && match
	}
	return false
}

// CanView reports whether r may see pages, badges and the API.
func (p *Policy) CanView(r *http.Request) bool {
	return p == nil || !p.Private || p.Authorized(r)
}

// CanSeeDetails reports whether r may see messages, details and sub-check
// output.
func (p *Policy) CanSeeDetails(r *http.Request) bool {
	if p == nil {
		return false
	}
	return p.CanView(r) && (p.PublicDetails || p.Authorized(r))
}

// Deny answers a request that may not view: 401 with a challenge for the
// schemes the policy accepts.
func (p *Policy) Deny(w http.ResponseWriter) {
	if p != nil && len(p.Users) > 0 {
		w.Header().Add("WWW-Authenticate", `Basic realm="vitals", charset="UTF-8"`)
	}
	if p != nil && p.Token != "" {
		w.Header().Add("WWW-Authenticate", `Bearer realm="vitals"`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte(`{"error":"unauthorized"}` + "\n"))
}
