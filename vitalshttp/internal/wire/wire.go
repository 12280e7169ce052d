// Package wire is what every vitals HTTP endpoint shares, whichever
// package serves it: the monitor and the authorisation of a handler, and
// the writing of a cached answer with its ETag, Cache-Control, HEAD and
// 304. vitalshttp and vitalshttp/compat both answer through it, so an
// endpoint moved between them keeps its headers byte for byte.
package wire

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/vitalsgo/vitals"
)

// Handler is the state behind a vitalshttp.Handler, which is defined as
// this type so that vitalshttp/compat can convert a *vitalshttp.Handler to
// a *Handler and answer with the same monitor and authorisation, without
// either being part of vitalshttp's API.
type Handler struct {
	m         *vitals.Monitor
	token     string
	authorize func(*http.Request) bool
	public    bool
}

// New returns the state of a handler over m.
func New(m *vitals.Monitor, token string, authorize func(*http.Request) bool, public bool) *Handler {
	return &Handler{m: m, token: token, authorize: authorize, public: public}
}

// Current is the monitor's snapshot for a probe (see [vitals.Monitor.Current]).
func (h *Handler) Current(r *http.Request) *vitals.Snapshot { return h.m.Current(r.Context()) }

// Authorised reports whether the caller may see details (and pprof).
func (h *Handler) Authorised(r *http.Request) bool {
	if h.public {
		return true
	}
	if h.token != "" {
		// The scheme is case-insensitive (RFC 9110).
		if a := r.Header["Authorization"]; len(a) == 1 && len(a[0]) > 7 && strings.EqualFold(a[0][:7], "Bearer ") &&
			subtle.ConstantTimeCompare([]byte(strings.TrimSpace(a[0][7:])), []byte(h.token)) == 1 {
			return true
		}
	}
	return h.authorize != nil && h.authorize(r)
}

// Response is a rendered answer, cached in a snapshot and shared by every
// request that asks the same question of it.
type Response struct {
	Code  int
	Body  []byte
	CType []string // header values, shared: never modified once built
	ETag  []string
}

// Content types, shared header values.
var (
	CTJSON = []string{"application/json"}
	CTIETF = []string{"application/health+json"}
	CTText = []string{"text/plain; charset=utf-8"}
)

var (
	noCache        = []string{"no-cache"}
	privateNoCache = []string{"private, no-cache"}
	nosniff        = []string{"nosniff"}
	varyHdrs       = []string{"Accept, Authorization"}
	allowGetHead   = []string{"GET, HEAD"}
)

// Write sends resp: its headers, 304 when If-None-Match names its ETag,
// and no body for HEAD. details marks an answer for an authorised caller,
// which no shared cache may keep.
func Write(w http.ResponseWriter, r *http.Request, resp *Response, details bool) {
	hdr := w.Header()
	hdr["Content-Type"] = resp.CType
	hdr["Cache-Control"] = noCache
	if details {
		hdr["Cache-Control"] = privateNoCache
	}
	hdr["X-Content-Type-Options"] = nosniff
	hdr["Vary"] = varyHdrs
	if resp.ETag != nil {
		hdr["Etag"] = resp.ETag
		if inm := r.Header["If-None-Match"]; len(inm) > 0 && etagMatch(inm, resp.ETag[0]) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.WriteHeader(resp.Code)
	if r.Method != http.MethodHead {
		w.Write(resp.Body)
	}
}

// GetOrHead answers 405 to any method but GET and HEAD and reports whether
// the request may go on.
func GetOrHead(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header()["Allow"] = allowGetHead
	WriteError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed; use GET or HEAD")
	return false
}

// etagMatch implements If-None-Match's weak comparison over a list.
func etagMatch(values []string, etag string) bool {
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			part = strings.TrimPrefix(part, "W/")
			if part == "*" || part == etag {
				return true
			}
		}
	}
	return false
}

// Code maps a status to the probe HTTP code: 200 when traffic may pass
// (Pass, Warn), 503 otherwise.
func Code(s vitals.Status) int {
	if s.OK() {
		return http.StatusOK
	}
	return http.StatusServiceUnavailable
}

// JSON is the answer for s with v encoded as its body.
func JSON(s vitals.Status, ctype []string, v any) *Response {
	body, err := json.Marshal(v)
	if err != nil {
		return Error(http.StatusInternalServerError, "encode: "+err.Error())
	}
	return &Response{Code: Code(s), CType: ctype, Body: append(body, '\n')}
}

type errorBody struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

// Error is a JSON error answer: {"error":msg,"status":status}.
func Error(status int, msg string) *Response {
	body, _ := json.Marshal(errorBody{Error: msg, Status: status})
	return &Response{Code: status, CType: CTJSON, Body: append(body, '\n')}
}

// WriteError sends [Error]'s answer, without an ETag.
func WriteError(w http.ResponseWriter, status int, msg string) {
	resp := Error(status, msg)
	w.Header()["Content-Type"] = resp.CType
	w.Header()["Cache-Control"] = noCache
	w.Header()["X-Content-Type-Options"] = nosniff
	w.WriteHeader(resp.Code)
	w.Write(resp.Body)
}

// Reason is what a failing check's line or entry says: its message for an
// authorised caller, "reason withheld" otherwise.
func Reason(st *vitals.CheckState, details bool) string {
	switch {
	case st.Status == vitals.StatusUnknown:
		return "not checked yet"
	case !details:
		return "reason withheld"
	case st.Last.Message != "":
		return OneLine(st.Last.Message)
	}
	return st.Status.String()
}

// OneLine keeps a message on one line of the text format.
func OneLine(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	}
	return s
}

// B2I is 1 for true, for cache keys and ETags.
func B2I(b bool) int {
	if b {
		return 1
	}
	return 0
}

// NotFound is the answer for a check name that is not registered (or not
// in the endpoint's group, when group is set).
func NotFound(snap *vitals.Snapshot, name, group string) *Response {
	msg := "no check named " + strconv.Quote(name)
	if _, ok := snap.Check(name); ok && group != "" {
		msg += " in group " + strconv.Quote(group)
	}
	return Error(http.StatusNotFound, msg)
}
