package httpurl

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals/internal/testservice"
)

func TestParse(t *testing.T) {
	tests := []struct {
		url, want string // want: "" for a valid URL, else part of the error
	}{
		{"http://user:hunter2@db:8080/readyz", ""},
		{"https://host/", ""},
		{"ftp://user:hunter2@host/x", "x: URL \"ftp://user:***@host/x\": scheme must be http or https"},
		{"users:8080/readyz", "scheme must be http or https"},
		{"http://user:hunter2@/readyz", "has no host"},
		{"http://user:hunter2@host:bad port/", "x: invalid URL"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			u, shown, err := Parse("x", tt.url)
			if strings.Contains(shown, "hunter2") {
				t.Errorf("shown %q has the password", shown)
			}
			if tt.want == "" {
				if err != nil || u == nil {
					t.Fatalf("Parse(%q) = %v, %v", tt.url, u, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse(%q) error %v, want one saying %q", tt.url, err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

func TestCauseDropsTheURL(t *testing.T) {
	req, err := http.NewRequest(http.MethodGet, "http://user:hunter2@"+testservice.ClosedAddr(t)+"/readyz", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = http.DefaultClient.Do(req)
	if err == nil {
		t.Fatal("a request to a closed port succeeded")
	}
	if got := Cause(err); strings.Contains(got, "hunter2") || strings.Contains(got, "readyz") || got == "" {
		t.Errorf("Cause(%v) = %q, want the reason without the URL", err, got)
	}
	if got := Cause(errors.New("dial postgres://app:s3cret@db/x: refused")); strings.Contains(got, "s3cret") {
		t.Errorf("Cause does not redact: %q", got)
	}
}
