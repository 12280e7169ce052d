package compat

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/internal/wire"
)

type backendBody struct {
	Status    string    `json:"status"`
	Timestamp time.Time `json:"timestamp"`
	Backend   string    `json:"backend"`
	Error     string    `json:"error,omitempty"`
}

// Backend returns a handler answering, with h's monitor and authorisation, for one check in KiviGo's per-backend
// shape: {"status":"healthy"|"unhealthy","timestamp","backend","error"},
// 200 or 503. backend is the name reported (e.g. "redis"). The error text
// is shown only to authorised callers. Like every other endpoint it has an
// ETag (304 on If-None-Match), Cache-Control: no-cache and HEAD.
func Backend(h *vitalshttp.Handler, check, backend string) http.Handler {
	wh := (*wire.Handler)(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !wire.GetOrHead(w, r) {
			return
		}
		snap := wh.Current(r)
		st, ok := snap.Check(check)
		if !ok || !st.Enabled {
			wire.WriteError(w, http.StatusNotFound, "no check named "+strconv.Quote(check))
			return
		}
		details := wh.Authorised(r)
		b := backendBody{Status: "healthy", Timestamp: st.Last.Time.UTC(), Backend: backend}
		if !st.Status.OK() {
			b.Status = "unhealthy"
			b.Error = "unhealthy"
			if details {
				b.Error = wire.Reason(st, true)
			}
		}
		if b.Timestamp.IsZero() {
			b.Timestamp = snap.Time.UTC()
		}
		body, _ := json.Marshal(b)
		resp := &wire.Response{
			Code: wire.Code(st.Status), CType: wire.CTJSON, Body: append(body, '\n'),
			ETag: []string{fmt.Sprintf(`"%x.%d.b%d"`, snap.Started.UnixNano(), snap.Version, wire.B2I(details))},
		}
		wire.Write(w, r, resp, details)
	})
}
