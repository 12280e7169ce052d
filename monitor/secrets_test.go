package monitor_test

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/internal/testservice"
)

// No secret of the configuration — a password or token in a target's URL,
// a push token, the monitor's own bearer token and basic-auth password —
// reaches a page, an API answer, a badge, the metrics or the event stream,
// raw, in base64 or percent-encoded, for an anonymous or an authorised
// caller.
func TestSecretsStayOut(t *testing.T) {
	const (
		urlPass   = "url-pa55-Zq81"
		urlToken  = "qu3ry-t0ken-Jx7"
		pushToken = "push-t0ken-Kk29-abcdef"
		apiToken  = "api-t0ken-Wm55-ghijk"
		userPass  = "us3r-pa55-Pp10"
		hookPath  = "h00k-path-T0k3n-Yy4"
		hookHMAC  = "h00k-hmac-S3cr3t-Uu6"
		pdKey     = "pd-r0uting-K3y-Rr8"
		slackPath = "sl4ck-T000-B000-Xx5"
		ntfyToken = "ntfy-t0ken-Nn3"
	)
	closed := testservice.ClosedAddr(t)
	// One channel delivers (to a real receiver, whose bodies are checked
	// too); the others' receivers are down, so their failures are logged.
	hook := monitortest.NewWebhook(t, hookHMAC)
	yaml := `storage: %s
auth: {token: ` + apiToken + `, users: {ops: ` + userPass + `}}
alerting: {group_wait: 0s}
notify:
  - {name: hook, type: webhook, url: "` + hook.URL() + `?token=` + hookPath + `", secret: ` + hookHMAC + `}
  - {name: down, type: webhook, url: "http://` + closed + `/hooks/` + hookPath + `", secret: ` + hookHMAC + `}
  - {name: pd, type: pagerduty, url: "http://` + closed + `", routing_key: ` + pdKey + `}
  - {name: slack, type: slack, url: "http://` + closed + `/services/` + slackPath + `"}
  - {name: ntfy, type: ntfy, url: "http://` + closed + `/alerts", token: ` + ntfyToken + `}
checks:
  - {name: api, type: http, url: "http://admin:` + urlPass + `@` + closed + `/health?token=` + urlToken + `", interval: 50ms, notify: [hook, down, pd, slack, ntfy], alert_after: 1}
  - {name: job, type: push, token: ` + pushToken + `, every: 1h}
`
	r := serve(t, yaml, "")
	monitortest.Eventually(t, "api failing", func() bool { return status(r, "api") == vitals.StatusFail })
	waitFor(t, time.Minute, "the alert was not delivered to the working channel", func() bool { return len(hook.Processed()) == 1 })
	waitFor(t, time.Minute, "no failed delivery logged for every channel that is down", func() bool {
		logs := r.logs.String()
		for _, ch := range []string{"down", "pd", "slack", "ntfy"} {
			if !strings.Contains(logs, "channel="+ch) {
				return false
			}
		}
		return true
	})

	secrets := []string{urlPass, urlToken, pushToken, apiToken, userPass, hookPath, hookHMAC, pdKey, slackPath, ntfyToken}
	forms := func(s string) []string {
		return []string{s, base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s)), url.QueryEscape(s)}
	}
	paths := []string{"/", "/targets/api", "/targets/job", "/api/v1/targets", "/api/v1/targets/api",
		"/api/v1/targets/api/results", "/api/v1/targets/api/uptime?window=24h", "/badge/api/status.svg",
		"/badge/api/status.json", "/badge/api/latency.svg", "/metrics", "/readyz?verbose", "/api/v1/targets/nope",
		"/api/v1/alerts", "/api/v1/silences"}
	for _, authorised := range []bool{false, true} {
		for _, path := range paths {
			req, _ := http.NewRequest("GET", r.url+path, nil)
			if authorised {
				req.Header.Set("Authorization", "Bearer "+apiToken)
			}
			body := fetch(t, req)
			for _, s := range secrets {
				for _, f := range forms(s) {
					if strings.Contains(body, f) {
						t.Errorf("GET %s (authorised %v) shows the secret %q", path, authorised, f)
					}
				}
			}
		}
	}

	// The event stream, read for a while as results come in.
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", r.url+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+apiToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	stream, _ := io.ReadAll(resp.Body) // until the deadline
	resp.Body.Close()
	if !strings.Contains(string(stream), "api") {
		t.Errorf("the event stream carried nothing about api: %q", stream)
	}
	// A reload refused for a broken file, whose errors are logged: a
	// secret field is never quoted.
	writeFile(t, r.file, "storage: x\nchecks:\n  - {name: api, type: http, url: [\"http://admin:"+urlPass+"@h/?token="+urlToken+"\"], timeout: 2x}\n")
	if err := r.ReloadFile(r.file); err == nil {
		t.Error("a broken file was applied")
	}
	bodies := ""
	for _, d := range hook.Processed() {
		for _, a := range d.Alerts {
			bodies += a.Message + " " + a.Incident + " " + a.Target + "\n"
		}
	}
	if !strings.Contains(bodies, "api") {
		t.Errorf("the delivered alert says nothing of api: %q", bodies)
	}
	for what, text := range map[string]string{"the event stream": string(stream), "the log": r.logs.String(), "the banner": r.Board().Banner(), "the alert bodies": bodies} {
		for _, s := range secrets {
			for _, f := range forms(s) {
				if strings.Contains(text, f) {
					t.Errorf("%s shows the secret %q", what, f)
				}
			}
		}
	}
}

func fetch(t *testing.T, req *http.Request) string {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}
