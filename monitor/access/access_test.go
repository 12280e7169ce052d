package access

import (
	"net/http/httptest"
	"testing"
)

func TestPolicy(t *testing.T) {
	tests := []struct {
		name                string
		p                   *Policy
		auth, user, pass    string
		view, details, deny bool
	}{
		{name: "nil policy", p: nil, view: true},
		{name: "public details", p: &Policy{PublicDetails: true}, view: true, details: true},
		{name: "wrong token", p: &Policy{Token: "abc"}, auth: "Bearer abd", view: true},
		{name: "token prefix", p: &Policy{Token: "abc"}, auth: "Bearer ab", view: true},
		{name: "right token", p: &Policy{Token: "abc"}, auth: "Bearer abc", view: true, details: true},
		{name: "private anonymous", p: &Policy{Private: true, Token: "abc"}, view: false},
		{name: "private, public details, anonymous", p: &Policy{Private: true, PublicDetails: true, Token: "abc"}, view: false},
		{name: "unknown user", p: &Policy{Private: true, Users: map[string]string{"ops": "pw"}}, user: "ghost", pass: "", view: false},
		{name: "wrong password", p: &Policy{Private: true, Users: map[string]string{"ops": "pw"}}, user: "ops", pass: "px", view: false},
		{name: "right password", p: &Policy{Private: true, Users: map[string]string{"ops": "pw"}}, user: "ops", pass: "pw", view: true, details: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if tt.auth != "" {
				r.Header.Set("Authorization", tt.auth)
			}
			if tt.user != "" {
				r.SetBasicAuth(tt.user, tt.pass)
			}
			if got := tt.p.CanView(r); got != tt.view {
				t.Errorf("CanView = %v, want %v", got, tt.view)
			}
			if got := tt.p.CanSeeDetails(r); got != tt.details {
				t.Errorf("CanSeeDetails = %v, want %v", got, tt.details)
			}
		})
	}
}

func TestDenyChallenges(t *testing.T) {
	w := httptest.NewRecorder()
	(&Policy{Token: "t", Users: map[string]string{"a": "b"}}).Deny(w)
	if w.Code != 401 || len(w.Header().Values("WWW-Authenticate")) != 2 || w.Body.String() != `{"error":"unauthorized"}`+"\n" {
		t.Errorf("Deny: %d %v %q", w.Code, w.Header(), w.Body.String())
	}
}
