package notify

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"
)

// leakChannel is a channel configured with secrets in every field that
// holds one.
type leakChannel struct {
	typ     string
	cfg     func(base string) Config // base: "http://host:port"
	secrets []string
}

var leakChannels = []leakChannel{
	{
		typ: "webhook",
		cfg: func(base string) Config {
			return Config{
				URL:     base + "/hooks/whPathTok-9f8e7d6c5b4a?token=" + url.QueryEscape("whQ/ry+Tok=en x"),
				Secret:  "wh signing/secret+1",
				Headers: map[string]string{"Authorization": "Bearer hdrTok-1a2b3c4d5e"},
				// Fails when executed, so that Send logs.
				Template: `{{index .Alerts 7}}`,
			}
		},
		secrets: []string{"whPathTok-9f8e7d6c5b4a", "whQ/ry+Tok=en x", "wh signing/secret+1", "hdrTok-1a2b3c4d5e"},
	},
	{
		typ: "slack",
		cfg: func(base string) Config {
			return Config{URL: base + "/services/T0SECRET1/B0SECRET2/slackTok3nXYZabc"}
		},
		secrets: []string{"T0SECRET1", "B0SECRET2", "slackTok3nXYZabc"},
	},
	{
		typ: "teams",
		cfg: func(base string) Config {
			return Config{URL: base + "/workflows/wfid12345678/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=teamsSig-AbC123_xyz"}
		},
		secrets: []string{"wfid12345678", "teamsSig-AbC123_xyz"},
	},
	{
		typ:     "pagerduty",
		cfg:     func(base string) Config { return Config{URL: base, RoutingKey: "pdRK0123456789abcdef0123456789ab"} },
		secrets: []string{"pdRK0123456789abcdef0123456789ab"},
	},
	{
		typ:     "opsgenie",
		cfg:     func(base string) Config { return Config{URL: base, APIKey: "ogKey-11112222-3333-4444"} },
		secrets: []string{"ogKey-11112222-3333-4444"},
	},
	{
		typ:     "ntfy",
		cfg:     func(base string) Config { return Config{URL: base + "/ntfyTopicS3cret", Token: "tk_ntfyTok3nSecret"} },
		secrets: []string{"ntfyTopicS3cret", "tk_ntfyTok3nSecret"},
	},
}

// leakForms lists s as a server, a library or a log might show it.
func leakForms(s string) []string {
	b := []byte(s)
	return []string{
		s, url.QueryEscape(s), url.PathEscape(s),
		base64.StdEncoding.EncodeToString(b), base64.URLEncoding.EncodeToString(b),
		base64.RawStdEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
		hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b)),
	}
}

// echo answers status with what it received, the way some servers quote a
// bad request back: the request URI, the credentials, the body, the whole
// dump, and the same again as base64 and URL-escaped.
func echo(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		dump, _ := httputil.DumpRequest(r, false)
		w.WriteHeader(status)
		for _, s := range []string{
			"uri=" + r.RequestURI, "auth=" + r.Header.Get("Authorization"), "body=" + string(body),
			"sig=" + r.Header.Get(SignatureHeader), "dump=" + string(dump),
			"b64=" + base64.StdEncoding.EncodeToString([]byte(r.RequestURI)),
			"unescaped=" + r.URL.Path + "?" + r.URL.Query().Encode(),
		} {
			io.WriteString(w, s+"\n")
		}
	}
}

// closedBase returns the base URL of a port nothing listens on.
func closedBase(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// TestSecretsStayOut makes every channel fail in each way a delivery
// fails and looks for its secrets, in any form, in the error and the log.
func TestSecretsStayOut(t *testing.T) {
	scenarios := []struct {
		name      string
		handler   http.Handler // nil: nothing listens
		permanent bool
		deadline  bool
	}{
		{name: "connection refused"},
		{name: "timeout", deadline: true, handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Reading the body lets the server notice the client hang up.
			io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		})},
		{name: "500 echoing the request", handler: echo(http.StatusInternalServerError)},
		{name: "400 echoing the request", handler: echo(http.StatusBadRequest), permanent: true},
		{name: "401 echoing the request", handler: echo(http.StatusUnauthorized), permanent: true},
	}
	for _, lc := range leakChannels {
		for _, sc := range scenarios {
			t.Run(lc.typ+"/"+sc.name, func(t *testing.T) {
				base := closedBase(t)
				client := &http.Client{Transport: &http.Transport{}}
				if sc.handler != nil {
					srv := httptest.NewServer(sc.handler)
					t.Cleanup(srv.Close)
					base, client = srv.URL, srv.Client()
				}
				t.Cleanup(client.CloseIdleConnections)
				var logs bytes.Buffer
				c := lc.cfg(base)
				c.Name, c.Type, c.Timeout = "leaky", lc.typ, 300*time.Millisecond
				ch, err := New(c, &Options{Client: client, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
				if err != nil {
					t.Fatal(err)
				}
				// context.Background has no deadline: a deadline error is
				// the channel's own timeout (checked below where expected).
				err = ch.Send(context.Background(), messages[0].m)
				if err == nil {
					t.Fatal("Send succeeded")
				}
				if got := errors.Is(err, ErrPermanent); got != sc.permanent {
					t.Errorf("errors.Is(err, ErrPermanent) = %v, want %v: %v", got, sc.permanent, err)
				}
				if sc.deadline && !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("err %v, want a deadline exceeded", err)
				}
				if !strings.Contains(err.Error(), `"leaky"`) || !strings.Contains(err.Error(), lc.typ) {
					t.Errorf("err %q does not name the channel", err)
				}
				out := err.Error() + "\n" + logs.String()
				for _, s := range append(lc.secrets, c.URL) {
					for _, f := range leakForms(s) {
						if strings.Contains(out, f) {
							t.Errorf("secret %q shows as %q in:\n%s", s, f, out)
						}
					}
				}
				t.Logf("error: %v", err)
			})
		}
	}
}
