package vitalshttp

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/vitalsgo/vitals/vitalshttp/internal/wire"
)

// request is what a probe asked for, parsed once.
type request struct {
	check    string
	format   format
	details  bool
	verbose  bool
	excluded []string
}

// serve answers for the group (check == "") or for one check of it.
func (g *group) serve(w http.ResponseWriter, r *http.Request, check string) {
	if !wire.GetOrHead(w, r) {
		return
	}
	req, errMsg := g.parse(r, check)
	if errMsg != "" {
		wire.WriteError(w, http.StatusBadRequest, errMsg)
		return
	}
	snap := g.h.wire().Current(r)
	var resp *wire.Response
	if req.check == "" && len(req.excluded) == 0 {
		resp = snap.Cache(&g.keys[req.format][wire.B2I(req.details)][wire.B2I(req.verbose)], func() any { return g.render(snap, req) }).(*wire.Response)
	} else {
		resp = g.render(snap, req)
	}
	wire.Write(w, r, resp, req.details)
}

// parse reads the query and headers of a probe request. It returns a
// message for a request that cannot be answered as asked.
func (g *group) parse(r *http.Request, check string) (request, string) {
	req := request{check: check, details: g.h.wire().Authorised(r), format: negotiate(r.Header["Accept"])}
	if r.URL.RawQuery == "" {
		return req, ""
	}
	q := r.URL.Query()
	if _, ok := q["verbose"]; ok {
		req.verbose = true
		req.format = fmtText
	}
	req.excluded = q["exclude"]
	if len(req.excluded) > maxExcludes {
		return req, "too many exclude parameters (the limit is " + strconv.Itoa(maxExcludes) + ")"
	}
	if f := q.Get("format"); f != "" {
		switch strings.ToLower(f) {
		case "json":
			req.format = fmtJSON
		case "ietf", "health+json":
			req.format = fmtIETF
		case "text", "txt":
			req.format = fmtText
		default:
			return req, "unknown format " + strconv.Quote(f) + "; use json, ietf or text"
		}
	}
	return req, ""
}

// maxExcludes bounds ?exclude=, whose answers are rendered per request.
const maxExcludes = 32

// negotiate picks a format from Accept: health+json wins, then text/plain;
// anything else (including */* and none) gets JSON.
func negotiate(accept []string) format {
	for _, a := range accept {
		if strings.Contains(a, "application/health+json") {
			return fmtIETF
		}
	}
	for _, a := range accept {
		if strings.HasPrefix(a, "text/plain") || strings.Contains(a, ", text/plain") {
			if !strings.Contains(a, "json") {
				return fmtText
			}
		}
	}
	return fmtJSON
}

// etag tags an answer of g. The start time keeps tags of a restarted
// process (whose versions restart at 1) from matching the old one's.
func (g *group) etag(started int64, version uint64, req request) []string {
	return []string{fmt.Sprintf(`"%x.%d.%d.%d.%d%d"`, started, version, g.ep, req.format, wire.B2I(req.details), wire.B2I(req.verbose))}
}
