package tcp_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/tcp"
	"github.com/vitalsgo/vitals/internal/testproxy"
	"github.com/vitalsgo/vitals/internal/testservice"
)

// listen returns the address of a real TCP listener on loopback that
// accepts and closes connections until the test ends.
func listen(t *testing.T) string {
	return checktest.Serve(t, checktest.Listen(t), func(net.Conn) {})
}

func check(t *testing.T, c *tcp.Checker) vitals.Result {
	t.Helper()
	return checktest.Check(t, c, 2*time.Second)
}

func TestConnects(t *testing.T) {
	addr := listen(t)
	r := check(t, checktest.MustNew(t, tcp.New, addr, nil))
	if r.Status != vitals.StatusPass || r.Unit != "ms" || r.Details["address"] != addr || r.Details["remote"] != addr {
		t.Fatalf("result = %v %q %v", r.Status, r.Message, r.Details)
	}
	if ms, ok := r.Observed.(float64); !ok || ms < 0 {
		t.Fatalf("observed = %v", r.Observed)
	}
}

func TestClosedPortFails(t *testing.T) {
	addr := testservice.ClosedAddr(t)
	start := time.Now()
	r := check(t, checktest.MustNew(t, tcp.New, addr, nil))
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "connection refused") || !strings.Contains(r.Message, addr) {
		t.Fatalf("result = %v %q, want connection refused", r.Status, r.Message)
	}
	if el := time.Since(start); el > time.Second {
		t.Fatalf("took %v to report a refused connection", el)
	}
}

func TestCutAndRestore(t *testing.T) {
	p := testproxy.Start(t, listen(t))
	c := checktest.MustNew(t, tcp.New, p.Addr(), nil)
	if r := check(t, c); r.Status != vitals.StatusPass {
		t.Fatalf("through the proxy: %v %q", r.Status, r.Message)
	}
	p.Cut()
	if r := check(t, c); r.Status != vitals.StatusFail || !strings.Contains(r.Message, "refused") {
		t.Fatalf("cut: %v %q, want refused", r.Status, r.Message)
	}
	p.Restore()
	if r := check(t, c); r.Status != vitals.StatusPass {
		t.Fatalf("restored: %v %q", r.Status, r.Message)
	}
}

func TestHonorsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := checktest.MustNew(t, tcp.New, listen(t), nil).Check(ctx)
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "canceled") {
		t.Fatalf("result = %v %q, want a cancelled dial", r.Status, r.Message)
	}
}

func TestSlowConnectWarns(t *testing.T) {
	// Any real connect takes longer than a nanosecond.
	c := checktest.MustNew(t, tcp.New, listen(t), &tcp.Options{WarnAfter: time.Nanosecond})
	if r := check(t, c); r.Status != vitals.StatusWarn || !strings.Contains(r.Message, "slow connect") {
		t.Fatalf("result = %v %q, want a warning", r.Status, r.Message)
	}
}

func TestInvalid(t *testing.T) {
	checktest.WantRefusals(t, tcp.New, "", []checktest.Refusal[tcp.Options]{
		{Name: "no port", Arg: "localhost", Want: "missing port"},
		{Name: "no host", Arg: ":80", Want: "host and port are required"},
		{Name: "empty port", Arg: "localhost:", Want: "host and port are required"},
		{Name: "udp", Arg: "localhost:80", Opts: &tcp.Options{Network: "udp"}, Want: `network "udp"`},
		{Name: "negative WarnAfter", Arg: "localhost:80", Opts: &tcp.Options{WarnAfter: -1}, Want: "WarnAfter"},
	})
}
