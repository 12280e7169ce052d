package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"text/template"
	"time"
)

func init() { constructors["webhook"] = newWebhook }

// WebhookVersion is the version of the webhook's default body. A change
// that could break a receiver (a field removed, renamed or retyped) comes
// with a new version; new fields may be added within one.
const WebhookVersion = "1"

// SignatureHeader carries the webhook body's signature when the channel
// has a secret: "sha256=" and the hex HMAC-SHA256 of the exact body.
const SignatureHeader = "X-Vitals-Signature"

// maxTemplateBody bounds what a template may write; a template that writes
// more fails, and the default body is sent.
const maxTemplateBody = 1 << 20

// TemplateData is what a webhook's template is executed with. Besides the
// fields below, the template may call these functions:
//
//	json    the JSON encoding of a value: {{json .Key}} gives "\"…\"",
//	        which keeps a template's output valid JSON whatever a
//	        message holds
//	rfc3339 a time.Time in RFC 3339, UTC
type TemplateData struct {
	Message        // .Key and .Alerts (each an [Alert]: .Kind, .Incident, .Target, …)
	Channel string // the channel's name
	Status  string // "firing" when any alert is not resolved, else "resolved"
	Version string // [WebhookVersion]
}

// webhook posts the message as JSON: the documented body, or the
// configured template's output.
type webhook struct {
	*poster
	url     string
	secret  []byte
	headers map[string]string
	tmpl    *template.Template // nil for the default body
	logger  *slog.Logger
}

var _ Channel = (*webhook)(nil)

func newWebhook(c Config, o Options) (Channel, error) {
	if err := checkURL(c, "url"); err != nil {
		return nil, err
	}
	if err := checkHeaders(c, "Idempotency-Key", SignatureHeader); err != nil {
		return nil, err
	}
	w := &webhook{
		poster:  newPoster(c, o, append(headerValues(c.Headers), c.URL, c.Secret)...),
		url:     c.URL,
		headers: c.Headers,
		logger:  o.Logger,
	}
	if c.Secret != "" {
		w.secret = []byte(c.Secret)
	}
	if c.Template != "" {
		t, err := template.New("template").Option("missingkey=error").Funcs(templateFuncs).Parse(c.Template)
		if err != nil {
			// text/template's error reads "template: template:LINE: …".
			return nil, fmt.Errorf("notify: webhook %q: template: line %s", c.Name,
				strings.TrimPrefix(err.Error(), "template: template:"))
		}
		w.tmpl = t
	}
	return w, nil
}

var templateFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := encodeJSON(v)
		return string(b), err
	},
	"rfc3339": func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) },
}

func (w *webhook) Name() string { return w.name }
func (w *webhook) Type() string { return "webhook" }

// Send posts m. A template that fails to execute is logged, once per
// message, and the default body sent instead: the alert matters more than
// its format.
func (w *webhook) Send(ctx context.Context, m Message) error {
	ctx, cancel := w.bound(ctx)
	defer cancel()
	body, err := w.body(m)
	if err != nil {
		return w.errorf("encode: %w", err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", userAgent)
	addHeaders(h, w.headers)
	if m.Key != "" {
		h.Set("Idempotency-Key", m.Key)
	}
	if w.secret != nil {
		h.Set(SignatureHeader, sign(w.secret, body))
	}
	return w.do(ctx, request{method: http.MethodPost, url: w.url, header: h, body: body})
}

func (w *webhook) body(m Message) ([]byte, error) {
	if w.tmpl != nil {
		var buf limitedBuffer
		data := TemplateData{Message: m, Channel: w.name, Status: status(m), Version: WebhookVersion}
		err := w.tmpl.Execute(&buf, data)
		if err == nil {
			return buf.Bytes(), nil
		}
		w.logger.Warn("notify: webhook template failed; sent the default body instead",
			"channel", w.name, "message", m.Key, "err", w.scrub(err.Error()))
	}
	return encodeJSON(webhookBody(w.name, m))
}

// limitedBuffer fails a write past maxTemplateBody.
type limitedBuffer struct{ bytes.Buffer }

var errTemplateTooLong = errors.New("template output longer than 1 MiB")

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > maxTemplateBody {
		return 0, errTemplateTooLong
	}
	return b.Buffer.Write(p)
}

// webhookPayload is the default body, version 1. See the package
// documentation for the schema.
type webhookPayload struct {
	Version string         `json:"version"`
	Key     string         `json:"key,omitempty"`
	Channel string         `json:"channel"`
	Status  string         `json:"status"`
	Alerts  []webhookAlert `json:"alerts"`
}

type webhookAlert struct {
	Kind     Kind      `json:"kind"`
	Incident string    `json:"incident,omitempty"`
	DedupKey string    `json:"dedup_key,omitempty"`
	Target   string    `json:"target,omitempty"`
	Group    string    `json:"group,omitempty"`
	Severity string    `json:"severity"`
	Message  string    `json:"message,omitempty"`
	Since    time.Time `json:"since,omitzero"`
	At       time.Time `json:"at,omitzero"`
	Reminder int       `json:"reminder,omitempty"`
	URL      string    `json:"url,omitempty"`
}

func webhookBody(channel string, m Message) webhookPayload {
	p := webhookPayload{
		Version: WebhookVersion,
		Key:     m.Key,
		Channel: channel,
		Status:  status(m),
		Alerts:  make([]webhookAlert, 0, len(m.Alerts)),
	}
	for _, a := range m.Alerts {
		p.Alerts = append(p.Alerts, webhookAlert{
			Kind:     a.Kind,
			Incident: a.Incident,
			DedupKey: a.DedupKey,
			Target:   a.Target,
			Group:    a.Group,
			Severity: severity(a),
			Message:  a.Message,
			Since:    utc(a.Since),
			At:       utc(a.At),
			Reminder: a.Reminder,
			URL:      a.URL,
		})
	}
	return p
}

// utc is t in UTC, so that every time of a body has one form; zero stays
// zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

// sign returns the value of [SignatureHeader] for body: "sha256=" and the
// hex HMAC-SHA256 of body keyed with secret.
func sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature reports whether header, the value of a request's
// [SignatureHeader], signs body with secret. A receiver calls it with the
// exact bytes it read, before decoding them. It compares in constant time.
func VerifySignature(secret string, body []byte, header string) bool {
	hexSum, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// userAgent is what every channel's requests say they are.
const userAgent = "vitals-monitor"
