package nearest

import "testing"

func TestName(t *testing.T) {
	known := []string{"address", "latency", "code", "cert_expiry", "timeout", "timeouts"}
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"adress", "address", true},
		{"LATNCY", "latency", true},
		{"cod", "code", true},
		{"timeoutz", "timeout", true}, // one edit from both: the first alphabetically
		{"xyz", "", false},
		{string(make([]byte, 100)), "", false},
	}
	for _, tt := range tests {
		if got, ok := Name(tt.in, known); got != tt.want || ok != tt.ok {
			t.Errorf("Name(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"flaw", "lawn", 2}} {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
