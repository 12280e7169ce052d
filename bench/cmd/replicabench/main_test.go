package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/vitalsgo/vitals/monitor/config"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const s = int64(time.Second)

func TestGaps(t *testing.T) {
	times := [][]int64{
		{0, 5 * s, 10 * s}, // steady
		{0, 5 * s, 6 * s},  // a double probe: 1 s
		{0, 30 * s},        // a failover gap
		{},                 // never probed
	}
	g := gaps(times, nil, 5*time.Second/2)
	if g.Gaps != 5 || g.MinS != 1 || g.MaxS != 30 || g.Short != 1 {
		t.Errorf("gaps = %+v: want 5 gaps, min 1 s, max 30 s, 1 short", g)
	}
	if g := gaps(times, []int{0}, 5*time.Second/2); g.Gaps != 2 || g.MinS != 5 || g.Short != 0 {
		t.Errorf("gaps of target 0 = %+v: want 2 gaps of 5 s", g)
	}
	if g := gaps(times[3:], nil, time.Second); g.Gaps != 0 || g.MinS != -1 {
		t.Errorf("gaps of no requests = %+v: want none and MinS -1", g)
	}
}

func TestHandover(t *testing.T) {
	ts := []int64{0, 5 * s, 27 * s, 32 * s}
	tests := []struct {
		at   int64
		want time.Duration
	}{
		{7 * s, 22 * time.Second}, // the kill between the victim's last and the peer's first
		{5 * s, 5 * time.Second},  // a request at the kill instant counts as after
		{-1, -1},                  // nothing before
		{40 * s, -1},              // nothing after
	}
	for _, tt := range tests {
		if got := handover(ts, tt.at); got != tt.want {
			t.Errorf("handover(%d) = %v, want %v", tt.at, got, tt.want)
		}
	}
}

func TestLastBefore(t *testing.T) {
	hs := []hit{{At: 1, Target: 0, Node: "a"}, {At: 3, Target: 0, Node: "b"}, {At: 2, Target: 1, Node: "a"}, {At: 9, Target: 1, Node: "b"}}
	got := lastBefore(hs, 3, 5)
	if want := []string{"b", "a", ""}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("lastBefore = %q, want %q", got, want)
	}
}

// TestReceiver posts what a webhook channel sends and counts incidents:
// a message sent again (a retry, or a second replica) is a duplicate.
func TestReceiver(t *testing.T) {
	rc := &receiver{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	post := func(node, key, body string) {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+"/hook/"+node, strings.NewReader(body))
		req.Header.Set("Idempotency-Key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("POST: %d", resp.StatusCode)
		}
	}
	alert := func(target string, n int, kind string) string {
		inc := target + "/" + string(rune('0'+n))
		return `{"kind":"` + kind + `","incident":"` + inc + `","dedup_key":"` + inc + `:hook:` + kind + `","target":"` + target + `"}`
	}
	post("r1", "m1", `{"version":"1","alerts":[`+alert("a", 1, "firing")+`,`+alert("b", 1, "firing")+`]}`)
	post("r2", "m2", `{"version":"1","alerts":[`+alert("a", 1, "resolved")+`]}`)
	post("r3", "m3", `{"version":"1","alerts":[`+alert("a", 2, "firing")+`]}`)
	post("r2", "m4", `{"version":"1","alerts":[`+alert("b", 1, "firing")+`]}`) // b/1 again, from another replica
	ds, n := rc.deliveries()
	c := countAlerts(ds, n)
	if c.Requests != 4 || c.Alerts != 5 || c.Firing != 3 || c.Resolved != 1 || c.Duplicates != 1 {
		t.Errorf("count = %+v: want 4 requests, 5 alerts, 3 incidents firing, 1 resolved, 1 duplicate", c)
	}
	if len(c.DupKeys) != 1 || c.DupKeys[0] != "b/1:hook:firing" || c.ByNode["r2"] != 2 {
		t.Errorf("count = %+v: want b/1's firing as the duplicate and 2 alerts from r2", c)
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestBalanced(t *testing.T) {
	run := []*replica{{node: "a"}, {node: "b"}, {node: "c"}}
	tests := []struct {
		own  map[string]int
		want bool
	}{
		{map[string]int{"a": 43, "b": 43, "c": 42}, true},
		{map[string]int{"a": 44, "b": 42, "c": 42}, false},         // over its share
		{map[string]int{"a": 43, "b": 43}, false},                  // c holds nothing yet
		{map[string]int{"a": 43, "b": 43, "c": 41}, false},         // a shard unowned
		{map[string]int{"a": 43, "b": 43, "c": 40, "d": 2}, false}, // a dead node's lease
	}
	for _, tt := range tests {
		if got := balanced(tt.own, run, 128); got != tt.want {
			t.Errorf("balanced(%v) = %v, want %v", tt.own, got, tt.want)
		}
	}
}

// TestConfig loads the files the scenarios write, as vitals serve would.
func TestConfig(t *testing.T) {
	o := options{ttl: 15 * time.Second, renew: 5 * time.Second, shards: 128}
	specs := []spec{
		{targets: 3, interval: 5 * time.Second},
		{targets: 3, interval: time.Second, alertAfter: 1, resolveAfter: 1},
		{targets: 3, interval: 10 * time.Second, compact: true},
		{targets: 30000, interval: 10 * time.Second, compact: true},
	}
	for _, sp := range specs {
		c := &cluster{o: o, sp: sp, name: "replicabench_test", tgtLn: fakeAddr("127.0.0.1:1"), hookLn: fakeAddr("127.0.0.1:2")}
		r := &replica{node: "r1-1", listen: "127.0.0.1:3", proxy: &proxy{ln: fakeAddr("127.0.0.1:4")}, file: filepath.Join(t.TempDir(), "r.yaml")}
		if err := c.writeConfig(r); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(r.file)
		if err != nil {
			t.Fatalf("%+v: %v", sp, err)
		}
		if len(cfg.Checks) != sp.targets || cfg.Cluster.Line == 0 || cfg.Cluster.Node != "r1-1" {
			t.Errorf("%+v: %d checks, cluster %+v: want %d and node r1-1", sp, len(cfg.Checks), cfg.Cluster, sp.targets)
		}
	}
}

// TestProxy forwards, cuts and restores a connection to an echo server:
// cut, the open connection is closed and a new one hears nothing;
// restored, a new one is forwarded again.
func TestProxy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); io.Copy(c, c); c.Close() }()
		}
	}()
	defer wg.Wait()
	defer ln.Close()
	p, err := newProxy(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	echo := func(c net.Conn) error {
		c.SetDeadline(time.Now().Add(300 * time.Millisecond))
		if _, err := c.Write([]byte("x")); err != nil {
			return err
		}
		_, err := io.ReadFull(c, make([]byte, 1))
		return err
	}
	dial := func() net.Conn {
		t.Helper()
		c, err := net.Dial("tcp", p.Addr())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c1 := dial()
	defer c1.Close()
	if err := echo(c1); err != nil {
		t.Fatalf("through the proxy: %v", err)
	}
	p.setCut(true)
	if err := echo(c1); err == nil {
		t.Error("cut: the open connection still echoes")
	}
	c2 := dial()
	defer c2.Close()
	if err := echo(c2); err == nil {
		t.Error("cut: a new connection echoes")
	}
	p.setCut(false)
	c3 := dial()
	defer c3.Close()
	if err := echo(c3); err != nil {
		t.Errorf("restored: %v", err)
	}
}
