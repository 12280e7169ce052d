package api_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	goldenfile "github.com/vitalsgo/vitals/internal/golden"
	"github.com/vitalsgo/vitals/monitor/access"
)

// goldenCases are the answers docs/api.md shows, one golden file each
// (testdata/NAME.golden; go test -update rewrites them). An SVG case also
// names the label and message its badge must draw.
var goldenCases = []struct {
	name, path string
	auth       bool   // with the admin's token
	private    bool   // on a private monitor
	label, msg string // SVG badges only
}{
	{name: "targets", path: "/api/v1/targets"},
	{name: "targets_details", path: "/api/v1/targets", auth: true},
	{name: "target_api", path: "/api/v1/targets/api"},
	{name: "target_billing", path: "/api/v1/targets/billing"},
	{name: "target_billing_details", path: "/api/v1/targets/billing", auth: true},
	{name: "target_new", path: "/api/v1/targets/new"},
	{name: "target_unknown", path: "/api/v1/targets/nope"},

	{name: "results_api_limit", path: "/api/v1/targets/api/results?limit=3"},
	{name: "results_api_outage_details", path: "/api/v1/targets/api/results?since=2025-05-31T05:50:00Z&until=2025-05-31T06:15:00Z", auth: true},
	{name: "results_db_relative", path: "/api/v1/targets/db/results?since=23m&until=18m"},
	{name: "results_new", path: "/api/v1/targets/new/results"},
	{name: "results_bad_since", path: "/api/v1/targets/api/results?since=yesterday"},
	{name: "results_bad_limit", path: "/api/v1/targets/api/results?limit=100000"},

	{name: "uptime_api", path: "/api/v1/targets/api/uptime"},
	{name: "uptime_api_7d", path: "/api/v1/targets/api/uptime?window=7d"},
	{name: "uptime_api_36h", path: "/api/v1/targets/api/uptime?window=36h"},
	{name: "uptime_new_90d", path: "/api/v1/targets/new/uptime?window=90d"},
	{name: "uptime_bad_window", path: "/api/v1/targets/api/uptime?window=500d"},

	{name: "badge_status_api_svg", path: "/badge/api/status.svg", label: "api", msg: "up"},
	{name: "badge_status_billing_svg", path: "/badge/billing/status.svg", label: "billing", msg: "degraded"},
	{name: "badge_status_db_svg", path: "/badge/db/status.svg", label: "db", msg: "down"},
	{name: "badge_status_new_svg", path: "/badge/new/status.svg", label: "new", msg: "no data"},
	{name: "badge_status_api_json", path: "/badge/api/status.json"},
	{name: "badge_status_db_json", path: "/badge/db/status.json"},
	{name: "badge_uptime_24h_api_svg", path: "/badge/api/uptime/24h.svg", label: "uptime 24h", msg: "100%"},
	{name: "badge_uptime_7d_api_svg", path: "/badge/api/uptime/7d.svg", label: "uptime 7d", msg: "98.57%"},
	{name: "badge_uptime_7d_api_json", path: "/badge/api/uptime/7d.json"},
	{name: "badge_uptime_24h_db_svg", path: "/badge/db/uptime/24h.svg", label: "uptime 24h", msg: "83.33%"},
	{name: "badge_uptime_90d_new_svg", path: "/badge/new/uptime/90d.svg", label: "uptime 90d", msg: "no data"},
	{name: "badge_latency_api_svg", path: "/badge/api/latency.svg", label: "latency", msg: "44 ms"},
	{name: "badge_latency_api_json", path: "/badge/api/latency.json"},
	{name: "badge_latency_billing_svg", path: "/badge/billing/latency.svg", label: "latency", msg: "180 ms"},
	{name: "badge_latency_new_svg", path: "/badge/new/latency.svg", label: "latency", msg: "no data"},
	{name: "badge_unknown_svg", path: "/badge/nope/status.svg", label: "status", msg: "not found"},
	{name: "badge_unknown_json", path: "/badge/nope/status.json"},
	{name: "badge_uptime_5d_svg", path: "/badge/api/uptime/5d.svg", label: "uptime", msg: "not found"},
	{name: "badge_uptime_5d_json", path: "/badge/api/uptime/5d.json"},

	{name: "private_denied", path: "/api/v1/targets", private: true},
}

func TestGolden(t *testing.T) {
	t.Parallel()
	public := newFixture(t, fixtureSeries(), defaultPolicy())
	private := newFixture(t, fixtureSeries(), &access.Policy{Private: true, Token: token})
	for _, tt := range goldenCases {
		t.Run(tt.name, func(t *testing.T) {
			var hdr []string
			if tt.auth {
				hdr = []string{"Authorization", bearer}
			}
			f := public
			if tt.private {
				f = private
			}
			w := f.get(t, tt.path, hdr...)
			golden(t, tt.name, tt.path, w)
			if strings.HasPrefix(w.Header().Get("Content-Type"), "image/svg+xml") {
				checkSVG(t, w.Body.Bytes(), tt.label, tt.msg)
			}
		})
	}
	// The page shows the golden files, so it is checked (or rewritten)
	// after them.
	t.Run("docs", checkDocs)
}

// golden compares an answer to GET path with testdata/NAME.golden.
func golden(t *testing.T, name, path string, w *httptest.ResponseRecorder) {
	t.Helper()
	goldenfile.Compare(t, "testdata/"+name+".golden", "GET "+path+"\n"+dump(w))
}
