package dns_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/dns"
)

func TestLocalhost(t *testing.T) {
	r := checktest.CheckNew(t, dns.New, "localhost", &dns.Options{Network: "ip4", Expect: []string{"127.0.0.1"}})
	if r.Status != vitals.StatusPass || r.Unit != "ms" {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
	addrs, _ := r.Details["addresses"].([]string)
	if !slices.Contains(addrs, "127.0.0.1") || r.Details["host"] != "localhost" {
		t.Fatalf("details = %v", r.Details)
	}
}

func TestPureGoResolver(t *testing.T) {
	r := checktest.CheckNew(t, dns.New, "localhost", &dns.Options{Resolver: &net.Resolver{PreferGo: true}, Network: "ip4"})
	if r.Status != vitals.StatusPass {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
}

func TestNoSuchHost(t *testing.T) {
	// .invalid is reserved (RFC 2606): it never resolves.
	r := checktest.CheckNew(t, dns.New, "vitals-does-not-exist.invalid", nil)
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "vitals-does-not-exist.invalid") {
		t.Fatalf("result = %v %q, want a failure naming the host", r.Status, r.Message)
	}
	var dnsErr *net.DNSError
	if !errors.As(r.Err, &dnsErr) {
		t.Fatalf("Err = %T %v, want a *net.DNSError", r.Err, r.Err)
	}
}

func TestExpectationsNotMet(t *testing.T) {
	tests := []struct {
		name string
		o    dns.Options
		msg  string
	}{
		{"too few", dns.Options{Network: "ip4", MinResults: 50}, "want at least 50"},
		{"missing address", dns.Options{Network: "ip4", Expect: []string{"127.0.0.1", "192.0.2.7"}}, "missing expected 192.0.2.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := checktest.CheckNew(t, dns.New, "localhost", &tt.o)
			if r.Status != vitals.StatusFail || !strings.Contains(r.Message, tt.msg) {
				t.Fatalf("result = %v %q, want fail with %q", r.Status, r.Message, tt.msg)
			}
		})
	}
}

func TestSlowLookupWarns(t *testing.T) {
	r := checktest.CheckNew(t, dns.New, "localhost", &dns.Options{WarnAfter: time.Nanosecond})
	if r.Status != vitals.StatusWarn || !strings.Contains(r.Message, "slow lookup") {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
}

func TestHonorsContext(t *testing.T) {
	c, err := dns.New("vitals-does-not-exist.invalid", &dns.Options{Resolver: &net.Resolver{PreferGo: true}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if r := c.Check(ctx); r.Status != vitals.StatusFail {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
}

func TestInvalidOptions(t *testing.T) {
	checktest.WantRefusals(t, dns.New, "", []checktest.Refusal[dns.Options]{
		{Name: "empty host", Arg: "", Want: "host is empty"},
		{Name: "tcp", Arg: "localhost", Opts: &dns.Options{Network: "tcp"}, Want: `network "tcp"`},
		{Name: "negative MinResults", Arg: "localhost", Opts: &dns.Options{MinResults: -1}, Want: "MinResults"},
		{Name: "negative WarnAfter", Arg: "localhost", Opts: &dns.Options{WarnAfter: -1}, Want: "WarnAfter"},
		{Name: "expected address", Arg: "localhost", Opts: &dns.Options{Expect: []string{"not-an-ip"}}, Want: "not-an-ip"},
	})
}
