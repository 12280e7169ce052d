package main

import (
	"context"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParseHyperfine(t *testing.T) {
	b, err := os.ReadFile("testdata/hyperfine.json")
	if err != nil {
		t.Fatal(err)
	}
	_, err = parseHyperfine(b)
	if err == nil || !strings.Contains(err.Error(), "fail: run 1 exited 1") {
		t.Fatalf("a command that exited 1 must fail the run naming it, got %v", err)
	}
	// Without the failing command the timings come through in seconds.
	b = regexp.MustCompile(`\[\s*1,\s*1\s*\]`).ReplaceAll(b, []byte("[0, 0]"))
	tm, err := parseHyperfine(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := tm["a b"]; got.Median != 0.010877826 || got.User != 0.008183 || len(got.Times) != 2 {
		t.Errorf(`"a b" = %+v`, got)
	}
}

func TestParseInitTrace(t *testing.T) {
	in := `init internal/bytealg @0.008 ms, 0 ms clock, 0 bytes, 0 allocs
vitals 1.0
init go.etcd.io/etcd/api/v3/etcdserverpb @6.1 ms, 3.60 ms clock, 171208 bytes, 982 allocs
`
	var got []string
	err := parseInitTrace(strings.NewReader(in), func(pkg string, ms float64, allocs int) {
		got = append(got, pkg)
		if pkg == "go.etcd.io/etcd/api/v3/etcdserverpb" && (ms != 3.6 || allocs != 982) {
			t.Errorf("%s: %v ms, %d allocs", pkg, ms, allocs)
		}
	})
	if err != nil || strings.Join(got, " ") != "internal/bytealg go.etcd.io/etcd/api/v3/etcdserverpb" {
		t.Errorf("got %v, %v", got, err)
	}
}

func TestShellJoinQuotesWhatHyperfineWouldSplit(t *testing.T) {
	got := shellJoin([]string{"/bin/curl", "-fsS", "http://127.0.0.1:8080/readyz", "a b", "it's", ""})
	want := `/bin/curl -fsS http://127.0.0.1:8080/readyz 'a b' 'it'\''s' ''`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestRotateAndRatios(t *testing.T) {
	cmds := commands(options{curl: "curl", ghp: "ghp", vitals: "v"}, &targets{HTTP: "http://x/readyz", GRPC: "x:1"})
	order := rotate(cmds, 7) // 4 commands: by 3
	if order[0].Name != "vitals grpc" || order[1].Name != "curl http" || len(order) != len(cmds) {
		t.Fatalf("rotate by 7: %v", order)
	}
	res := result{Target: maxRatio}
	for _, base := range []float64{0.010, 0.020, 0.040} {
		tm := map[string]timing{
			"curl http": {Median: base}, "vitals http": {Median: base * 1.2},
			"grpc-health-probe": {Median: base}, "vitals grpc": {Median: base * 0.9},
		}
		res.Rounds = append(res.Rounds, newRound(order, tm, nil))
	}
	res.summarise(nil)
	if len(res.Ratios) != 2 {
		t.Fatalf("ratios: %+v", res.Ratios)
	}
	h, g := res.Ratios[0], res.Ratios[1]
	if h.Pair != "vitals http / curl http" || h.Median < 1.19 || h.Median > 1.21 || h.Within || h.BaseMs != 20 {
		t.Errorf("http: %+v", h)
	}
	if g.Pair != "vitals grpc / grpc-health-probe" || !g.Within {
		t.Errorf("grpc: %+v", g)
	}
}

func TestTargetsAnswerHealthy(t *testing.T) {
	tg, err := startTargets()
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := tg.Close(); err != nil {
			t.Error(err)
		}
	}()
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(tg.HTTP)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: %s", tg.HTTP, resp.Status)
	}
	conn, err := grpc.NewClient(tg.GRPC, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hr, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil || hr.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("gRPC Check: %v, %v", hr, err)
	}
}
