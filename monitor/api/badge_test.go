package api_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"testing"
)

// checkSVG fails t unless body is well-formed XML, an <svg> whose title,
// aria-label and texts say label and message.
func checkSVG(t *testing.T, body []byte, label, message string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(body))
	var (
		stack        []string
		title, aria  string
		texts        []string
		root, hasDim bool
	)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("badge is not well-formed XML: %v\n%s", err, body)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				root = tok.Name.Local == "svg" && tok.Name.Space == "http://www.w3.org/2000/svg"
				for _, a := range tok.Attr {
					switch a.Name.Local {
					case "aria-label":
						aria = a.Value
					case "width":
						_, err := strconv.Atoi(a.Value)
						hasDim = err == nil
					}
				}
			}
			stack = append(stack, tok.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue // white space around the root
			}
			switch stack[len(stack)-1] {
			case "title":
				title += string(tok)
			case "text":
				texts = append(texts, string(tok))
			}
		}
	}
	want := label + ": " + message
	if !root || !hasDim {
		t.Errorf("root is not an <svg> with a whole width:\n%s", body)
	}
	if title != want || aria != want {
		t.Errorf("title %q, aria-label %q; want %q", title, aria, want)
	}
	if !slices.Contains(texts, label) || !slices.Contains(texts, message) {
		t.Errorf("texts %q lack %q or %q", texts, label, message)
	}
}

// endpoint is shields.io's endpoint schema.
type endpoint struct {
	SchemaVersion int    `json:"schemaVersion"`
	Label         string `json:"label"`
	Message       string `json:"message"`
	Color         string `json:"color"`
}

func TestBadgeFaces(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureSeries(), defaultPolicy())
	tests := []struct {
		path string
		want endpoint
	}{
		{"/badge/api/status.json", endpoint{1, "api", "up", "brightgreen"}},
		{"/badge/billing/status.json", endpoint{1, "billing", "degraded", "yellow"}},
		{"/badge/db/status.json", endpoint{1, "db", "down", "red"}},
		{"/badge/new/status.json", endpoint{1, "new", "no data", "lightgrey"}},
		{"/badge/api/uptime/24h.json", endpoint{1, "uptime 24h", "100%", "brightgreen"}},
		{"/badge/db/uptime/24h.json", endpoint{1, "uptime 24h", "83.33%", "red"}},
		{"/badge/new/uptime/30d.json", endpoint{1, "uptime 30d", "no data", "lightgrey"}},
		{"/badge/db/latency.json", endpoint{1, "latency", "0.8 ms", "brightgreen"}},
		{"/badge/new/latency.json", endpoint{1, "latency", "no data", "lightgrey"}},
	}
	for _, tt := range tests {
		w := f.get(t, tt.path)
		var got endpoint
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != http.StatusOK {
			t.Errorf("%s: %d %v\n%s", tt.path, w.Code, err, w.Body)
			continue
		}
		if got != tt.want {
			t.Errorf("%s = %+v, want %+v", tt.path, got, tt.want)
		}
		// The SVG twin draws the same face.
		svg := f.get(t, tt.path[:len(tt.path)-len("json")]+"svg")
		checkSVG(t, svg.Body.Bytes(), tt.want.Label, tt.want.Message)
	}
}
