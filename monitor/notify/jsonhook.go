package notify

import (
	"context"
	"net/http"
)

// jsonHook posts each message as one JSON document to an incoming-webhook
// URL, which is itself the credential: Slack's and Teams' channels, which
// differ only in the document they post.
type jsonHook struct {
	*poster
	url  string
	body func(Message) any
}

var _ Channel = (*jsonHook)(nil)

// jsonHookOf returns the constructor of a jsonHook that posts body(m).
func jsonHookOf[P any](body func(Message) P) func(Config, Options) (Channel, error) {
	return func(c Config, o Options) (Channel, error) {
		if err := checkURL(c, "url"); err != nil {
			return nil, err
		}
		return &jsonHook{poster: newPoster(c, o, c.URL), url: c.URL, body: func(m Message) any { return body(m) }}, nil
	}
}

func (j *jsonHook) Name() string { return j.name }
func (j *jsonHook) Type() string { return j.typ }

// Send posts m as one document. Slack answers 200 "ok", or 4xx with a word
// saying what was wrong (invalid_payload, no_service), which the error
// quotes; a Teams workflow answers 202 Accepted.
func (j *jsonHook) Send(ctx context.Context, m Message) error {
	ctx, cancel := j.bound(ctx)
	defer cancel()
	body, err := encodeJSON(j.body(m))
	if err != nil {
		return j.errorf("encode: %w", err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", userAgent)
	return j.do(ctx, request{method: http.MethodPost, url: j.url, header: h, body: body})
}
