package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

func init() { constructors["alertmanager"] = newAlertmanager }

// amAlertName is the alertname label of every alert the
// alertmanager channel posts, for routes and silences to match.
const amAlertName = "VitalsTargetDown"

// alertmanagerErrBody bounds how much of a refusal's body an error quotes;
// alertmanagerDrain how much of any body is read so the connection can be
// reused.
const (
	alertmanagerErrBody = 512
	alertmanagerDrain   = 64 << 10
)

// alertmanager posts alerts to a Prometheus Alertmanager's API v2,
// POST {URL}/api/v2/alerts, one alert per [Alert]:
//
//	labels:       alertname="VitalsTargetDown", target, group, severity, incident
//	annotations:  summary, description (the alert's message), url
//	startsAt:     Alert.Since
//	endsAt:       Alert.At, for a resolved alert only
//	generatorURL: Alert.URL, when set
//
// The incident label makes the firing, reminder and resolved posts of one
// incident the same Alertmanager alert (same labels, same fingerprint), and
// two incidents of a target two alerts.
//
// A firing or reminder alert has no endsAt: Alertmanager then ends it
// itself resolve_timeout (5m by default) after the last post it received.
// Alertmanager expects its clients to re-send active alerts, and the
// monitor re-sends every firing alert to this channel every minute, so an
// open incident stays active however long it lasts, and one whose resolve
// was lost still ends within resolve_timeout of the monitor's last post.
//
// Basic auth in the URL (https://user:password@host) is sent as an
// Authorization header; errors quote the URL without it.
type alertmanager struct {
	name     string
	endpoint string // {URL}/api/v2/alerts, without userinfo
	user     *url.Userinfo
	client   *http.Client
	timeout  time.Duration
}

func newAlertmanager(c Config, o Options) (Channel, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("notify: channel %q (alertmanager): "+format, append([]any{c.Name}, args...)...)
	}
	if c.URL == "" {
		return nil, bad("url is required")
	}
	u, err := url.Parse(c.URL)
	if err != nil {
		// url's error quotes the URL, password and all.
		return nil, bad("url is not a URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, bad("url must be http:// or https:// and name a host")
	}
	a := &alertmanager{name: c.Name, user: u.User, client: o.Client, timeout: c.Timeout}
	u.User = nil
	u.RawQuery, u.Fragment = "", ""
	u.Path = strings.TrimSuffix(u.Path, "/") + "/api/v2/alerts"
	u.RawPath = ""
	a.endpoint = u.String()
	return a, nil
}

func (a *alertmanager) Name() string { return a.name }
func (a *alertmanager) Type() string { return "alertmanager" }

// amAlert is an alert of the API v2's postableAlerts.
type amAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	StartsAt     time.Time         `json:"startsAt,omitzero"`
	EndsAt       time.Time         `json:"endsAt,omitzero"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

// amAlerts translates m's alerts.
func amAlerts(m Message) []amAlert {
	out := make([]amAlert, 0, len(m.Alerts))
	for _, al := range m.Alerts {
		severity := al.Severity
		if severity == "" {
			severity = "critical"
		}
		labels := map[string]string{
			"alertname": amAlertName,
			"target":    al.Target,
			"severity":  severity,
			"incident":  al.Incident,
		}
		if al.Group != "" {
			labels["group"] = al.Group
		}
		summary := al.Target + " is failing"
		if al.Kind == Resolved {
			summary = al.Target + " recovered"
		}
		annotations := map[string]string{"summary": summary}
		if al.Message != "" {
			annotations["description"] = al.Message
		}
		if al.URL != "" {
			annotations["url"] = al.URL
		}
		x := amAlert{Labels: labels, Annotations: annotations, StartsAt: al.Since, GeneratorURL: al.URL}
		if al.Kind == Resolved {
			x.EndsAt = al.At
			if x.EndsAt.IsZero() {
				x.EndsAt = time.Now()
			}
		}
		out = append(out, x)
	}
	return out
}

// Send posts m's alerts in one request. 200 (any 2xx) is delivered; a
// 4xx other than 408 and 429 is permanent (Alertmanager refused the alerts
// as invalid, or a proxy refused the credentials); anything else, a 5xx
// or a network error, is retried.
func (a *alertmanager) Send(ctx context.Context, m Message) error {
	if len(m.Alerts) == 0 {
		return nil
	}
	body, err := json.Marshal(amAlerts(m))
	if err != nil {
		return fmt.Errorf("alertmanager %q: encode: %w", a.name, err)
	}
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("alertmanager %q: %w", a.name, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if a.user != nil {
		pw, _ := a.user.Password()
		req.SetBasicAuth(a.user.Username(), pw)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		// The url.Error quotes the request's URL, which has no userinfo;
		// keep only what went wrong.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("alertmanager %q: POST %s: %w", a.name, a.endpoint, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, alertmanagerDrain))
		return nil
	}
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, alertmanagerErrBody))
	err = fmt.Errorf("alertmanager %q: POST %s: %s: %s", a.name, a.endpoint, resp.Status, strings.TrimSpace(string(snippet)))
	if resp.StatusCode >= 400 && resp.StatusCode < 500 &&
		resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests {
		return fmt.Errorf("%w (%w)", err, ErrPermanent)
	}
	return err
}
