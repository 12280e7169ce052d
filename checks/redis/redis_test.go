package redis_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/redis"
	"github.com/vitalsgo/vitals/internal/testservice"
)

const timeout = 2 * time.Second

func newClient(t *testing.T, addr string) *goredis.Client {
	t.Helper()
	client := goredis.NewClient(&goredis.Options{Addr: addr, ContextTimeoutEnabled: true})
	t.Cleanup(func() { client.Close() })
	return client
}

func TestHealthy(t *testing.T) {
	checktest.Require(t, "Redis", testservice.RedisAddr)
	r := checktest.Want(t, checktest.MustNew(t, redis.New, redis.Client(newClient(t, testservice.RedisAddr)), nil), timeout, vitals.StatusPass)

	version, _ := r.Details["redis_version"].(string)
	if version == "" || !strings.HasPrefix(r.Message, "Redis "+version+" answered PING in ") {
		t.Errorf("message %q, redis_version %q", r.Message, version)
	}
	if r.Details["role"] != "master" || r.Details["redis_mode"] != "standalone" {
		t.Errorf("details %v, want role master, redis_mode standalone", r.Details)
	}
	if _, ok := r.Details["connected_slaves"].(int); !ok {
		t.Errorf("details %v lack connected_slaves", r.Details)
	}
	checktest.WantRTT(t, r)
	if _, ok := r.Details["round_trip_ms"]; ok {
		t.Errorf("round trip ran without Options.RoundTrip: %v", r.Details)
	}
}

// keysUnder lists the keys under prefix.
func keysUnder(t *testing.T, client *goredis.Client, prefix string) []string {
	t.Helper()
	keys, err := client.Keys(context.Background(), prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestRoundTrip(t *testing.T) {
	checktest.Require(t, "Redis", testservice.RedisAddr)
	client := newClient(t, testservice.RedisAddr)
	prefix := fmt.Sprintf("vitals:test:%d:", time.Now().UnixNano())

	// A hook sees the commands the checker sends, to prove it wrote,
	// read and removed a key of its own.
	var cmds []string
	client.AddHook(recordHook{&cmds})
	c := checktest.MustNew(t, redis.New, redis.Client(client), &redis.Options{RoundTrip: true, KeyPrefix: prefix})

	r := checktest.Want(t, c, timeout, vitals.StatusPass)
	if _, ok := r.Details["round_trip_ms"].(float64); !ok {
		t.Errorf("details %v lack round_trip_ms", r.Details)
	}
	want := []string{"ping", "info", "set " + prefix, "get " + prefix, "del " + prefix}
	if len(cmds) != len(want) {
		t.Fatalf("commands %q, want %q", cmds, want)
	}
	for i := range want {
		if !strings.HasPrefix(cmds[i], want[i]) {
			t.Errorf("command %d is %q, want %q…", i, cmds[i], want[i])
		}
	}
	if keys := keysUnder(t, client, prefix); len(keys) != 0 {
		t.Errorf("round trip left keys %q", keys)
	}

	// Two checks use different keys, so concurrent checks never collide.
	cmds = nil
	checktest.Check(t, c, timeout)
	if len(cmds) < 3 || cmds[2] == want[2] {
		t.Errorf("second check's SET %q", cmds)
	}
}

type recordHook struct{ cmds *[]string }

func (recordHook) DialHook(next goredis.DialHook) goredis.DialHook { return next }
func (recordHook) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return next
}
func (h recordHook) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		args := cmd.Args()
		s := cmd.Name()
		switch s {
		case "hello", "client":
			return next(ctx, cmd) // go-redis' connection handshake
		}
		if len(args) > 1 {
			s += fmt.Sprintf(" %v", args[1])
		}
		*h.cmds = append(*h.cmds, s)
		return next(ctx, cmd)
	}
}

// corruptHook changes what GET returns, as a server that loses writes would.
type corruptHook struct{ recordHook }

func (corruptHook) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		err := next(ctx, cmd)
		if get, ok := cmd.(*goredis.StringCmd); ok && cmd.Name() == "get" {
			get.SetVal("something else")
		}
		return err
	}
}

func TestRoundTripReadsBackOtherValue(t *testing.T) {
	checktest.Require(t, "Redis", testservice.RedisAddr)
	client := newClient(t, testservice.RedisAddr)
	client.AddHook(corruptHook{})

	r := checktest.Want(t, checktest.MustNew(t, redis.New, redis.Client(client), &redis.Options{RoundTrip: true}), timeout, vitals.StatusFail)
	if !strings.Contains(r.Message, "redis round trip: read back 14 bytes that differ from the 24 written") {
		t.Errorf("message %q does not report the mismatch", r.Message)
	}
}

func TestRoundTripOnReplica(t *testing.T) {
	// A replica of a master that is not there: its link is down and it
	// refuses writes.
	addr := startRedisServer(t, "--replicaof", "127.0.0.1", portOf(t, testservice.ClosedAddr(t)))

	r := checktest.Want(t, checktest.MustNew(t, redis.New, redis.Client(newClient(t, addr)), nil), timeout, vitals.StatusWarn)
	if r.Message != "replica's link to its master is down" {
		t.Errorf("message %q", r.Message)
	}
	if r.Details["role"] != "slave" || r.Details["master_link_status"] != "down" {
		t.Errorf("details %v, want role slave, master_link_status down", r.Details)
	}

	r = checktest.Want(t, checktest.MustNew(t, redis.New, redis.Client(newClient(t, addr)), &redis.Options{RoundTrip: true}), timeout, vitals.StatusFail)
	if !strings.Contains(r.Message, "redis round trip: set: READONLY") {
		t.Errorf("message %q does not say the replica refused the write", r.Message)
	}
}

func TestOpenBadURL(t *testing.T) {
	const secret = "s3cret-pw"
	for _, url := range []string{
		"redis://:" + secret + "@127.0.0.1:notaport/0",
		"redis://:" + secret + "@127.0.0.1:6379/notadb",
		"http://:" + secret + "@127.0.0.1:6379/0",
	} {
		c, err := redis.Open(url, nil)
		if err == nil {
			c.Close()
			t.Errorf("Open(%q) succeeded", url)
			continue
		}
		if !strings.HasPrefix(err.Error(), "redis: ") || strings.Contains(err.Error(), secret) {
			t.Errorf("error %q: want a redis: prefix and no password", err)
		}
	}
}

func portOf(t *testing.T, addr string) string {
	t.Helper()
	i := strings.LastIndexByte(addr, ':')
	return addr[i+1:]
}

func TestConformance(t *testing.T) {
	checktest.Run(t, checktest.Config{
		Name:    "Redis",
		Details: []string{"redis_version", "role"},
		Addr:    testservice.RedisAddr,
		Open: func(addr string) (checktest.Checker, error) {
			return redis.Open("redis://"+addr, nil)
		},
		OpenWithPassword: func(addr, password string) (checktest.Checker, error) {
			return redis.Open("redis://checktest:"+password+"@"+addr, nil)
		},
	})
}
