package httpcheck_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	httpcheck "github.com/vitalsgo/vitals/checks/http"
)

// serve answers every request with status code and body.
func serve(t *testing.T, code int, body string) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(code)
		w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	return s.URL
}

// A body that says two things about the field does not match: encoding/json
// keeps the last of a key given twice and reads only the first document.
func TestJSONFieldSaidTwice(t *testing.T) {
	tests := []struct {
		body, path string
		ok         bool
		msg        string
	}{
		{`{"status":"DOWN","status":"UP"}`, "status", false, `JSON field status is "DOWN" in one of the 2 places the body gives it, want "UP"`},
		{`{"details":{"db":"DOWN"},"details":{"db":"UP"}}`, "details.db", false, `JSON field details.db is "DOWN" in one of the 2 places`},
		{`{"status":"UP"}{"status":"DOWN"}`, "status", false, "body is not JSON: more follows the first document"},
		{`{"status":"UP","Status":"DOWN"}`, "status", true, ""},
		{`{"status":"UP","status":"UP"}`, "status", true, ""},
		{"{\"status\":\"UP\"}\n", "status", true, ""},
	}
	for _, tt := range tests {
		r := checktest.CheckNew(t, httpcheck.New, serve(t, 200, tt.body), &httpcheck.Options{JSONPath: tt.path, JSONValue: "UP"})
		if (r.Status == vitals.StatusPass) != tt.ok || !strings.Contains(r.Message, tt.msg) {
			t.Errorf("%s: %v %q", tt.body, r.Status, r.Message)
		}
	}
}

// The excerpt of a body is redacted before it is cut: a password the cut
// falls into showed its start.
func TestBodyExcerptRedactedBeforeCut(t *testing.T) {
	body := strings.Repeat("x", 232) + " postgres://app:Zq8sK2mXv9Lp@db:5432/orders"
	r := checktest.CheckNew(t, httpcheck.New, serve(t, 500, body), nil)
	e, _ := r.Details["body_excerpt"].(string)
	if !strings.HasPrefix(e, "xxx") || strings.Contains(e, "Zq8s") {
		t.Errorf("body_excerpt = %q", e)
	}
}
