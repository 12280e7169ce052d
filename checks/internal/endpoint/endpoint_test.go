package endpoint

import (
	"slices"
	"strings"
	"testing"
)

func TestList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" , ,", nil},
		{"a:1", []string{"a:1"}},
		{" a:1 ,, b:2 ", []string{"a:1", "b:2"}},
	}
	for _, tt := range tests {
		if got := List(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("List(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHostPort(t *testing.T) {
	tests := []struct {
		addr, host, err string // err: "" for none, else part of the error
	}{
		{addr: "db:5432", host: "db"},
		{addr: "[::1]:53", host: "::1"},
		{addr: "db", err: "pkg: address \"db\": address db: missing port"},
		{addr: ":5432", err: "host and port are required"},
		{addr: "db:", err: "host and port are required"},
	}
	for _, tt := range tests {
		host, err := HostPort("pkg", tt.addr)
		if tt.err == "" {
			if err != nil || host != tt.host {
				t.Errorf("HostPort(%q) = %q, %v, want %q", tt.addr, host, err, tt.host)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("HostPort(%q) error %v, want one with %q", tt.addr, err, tt.err)
		}
	}
}

func TestBrokerURL(t *testing.T) {
	schemes := []string{"tcp", "ssl", "unix"}
	tests := []struct {
		raw, err string // err: "" for none, else part of the error
	}{
		{raw: "tcp://broker:1883"},
		{raw: "broker:1883"},
		{raw: "unix:///run/broker.sock"},
		{raw: "tcp://user:hunter2@:1883", err: "pkg: broker URL tcp://user:***@:1883 has no host"},
		{raw: "http://user:hunter2@broker", err: "pkg: broker URL http://user:***@broker: unsupported scheme \"http\""},
		{raw: "tcp://user:hunter2@broker:port", err: "pkg: invalid broker URL"},
	}
	for _, tt := range tests {
		err := BrokerURL("pkg", "broker URL", tt.raw, "tcp", schemes...)
		if tt.err == "" {
			if err != nil {
				t.Errorf("BrokerURL(%q) = %v", tt.raw, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("BrokerURL(%q) error %v, want one with %q", tt.raw, err, tt.err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("BrokerURL(%q) error shows the password: %v", tt.raw, err)
		}
	}
}
