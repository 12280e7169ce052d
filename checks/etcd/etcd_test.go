package etcd_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/etcd"
	"github.com/vitalsgo/vitals/internal/testservice"
)

const timeout = 2 * time.Second

func newClient(t *testing.T, endpoints ...string) *clientv3.Client {
	t.Helper()
	client, err := clientv3.New(clientv3.Config{Endpoints: endpoints, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

func TestHealthy(t *testing.T) {
	checktest.Require(t, "etcd", testservice.EtcdAddr)
	r := checktest.Want(t, checktest.MustNew(t, etcd.New, etcd.Client(newClient(t, testservice.EtcdEndpoint)), nil), timeout, vitals.StatusPass)

	version, _ := r.Details["version"].(string)
	leader, _ := r.Details["leader"].(string)
	if version == "" || leader == "" || leader == "0" {
		t.Fatalf("details %v: want a version and a leader", r.Details)
	}
	if want := fmt.Sprintf("etcd %s, leader %s, answered in ", version, leader); !strings.HasPrefix(r.Message, want) {
		t.Errorf("message %q, want %q…", r.Message, want)
	}
	// One member: it is the leader.
	if r.Details["member_id"] != leader {
		t.Errorf("member_id %v, leader %v: a single member leads itself", r.Details["member_id"], leader)
	}
	if size, _ := r.Details["db_size"].(int64); size <= 0 {
		t.Errorf("db_size %v", r.Details["db_size"])
	}
	if term, _ := r.Details["raft_term"].(uint64); term == 0 {
		t.Errorf("raft_term %v", r.Details["raft_term"])
	}
	if r.Details["endpoints"] != 1 || r.Details["endpoints_healthy"] != 1 || r.Details["endpoint"] != testservice.EtcdEndpoint {
		t.Errorf("details %v: want 1 endpoint, healthy, named", r.Details)
	}
	checktest.WantRTT(t, r)
}

func TestRoundTrip(t *testing.T) {
	checktest.Require(t, "etcd", testservice.EtcdAddr)
	client := newClient(t, testservice.EtcdEndpoint)
	prefix := fmt.Sprintf("vitals/test/%d/", time.Now().UnixNano())
	c := checktest.MustNew(t, etcd.New, etcd.Client(client), &etcd.Options{RoundTrip: true, KeyPrefix: prefix})

	before := revision(t, client)
	r := checktest.Want(t, c, timeout, vitals.StatusPass)
	if _, ok := r.Details["round_trip_ms"].(float64); !ok {
		t.Errorf("details %v lack round_trip_ms", r.Details)
	}
	// A put and a delete: two revisions, and nothing left under the prefix.
	if after := revision(t, client); after < before+2 {
		t.Errorf("revision went from %d to %d: the round trip did not write", before, after)
	}
	resp, err := client.Get(context.Background(), prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		t.Fatal(err)
	}
	if resp.Count != 0 {
		t.Errorf("%d keys left under %s", resp.Count, prefix)
	}
}

func revision(t *testing.T, client *clientv3.Client) int64 {
	t.Helper()
	resp, err := client.Get(context.Background(), "vitals/none")
	if err != nil {
		t.Fatal(err)
	}
	return resp.Header.Revision
}

func TestOpenErrors(t *testing.T) {
	checktest.WantRefusals(t, etcd.Open, "", []checktest.Refusal[etcd.Options]{
		{Name: "empty", Arg: "", Prefix: "etcd: "},
		{Name: "no endpoint", Arg: " , ", Prefix: "etcd: "},
	})
}

// TestOneEndpointDown: a cluster that lost one member still works, with
// less margin.
func TestOneEndpointDown(t *testing.T) {
	checktest.Require(t, "etcd", testservice.EtcdAddr)
	down := "http://" + testservice.ClosedAddr(t)
	c := checktest.MustNew(t, etcd.Open, testservice.EtcdEndpoint+","+down, &etcd.Options{RoundTrip: true})

	r := checktest.Want(t, c, timeout, vitals.StatusWarn)
	if r.Message != "1 of 2 endpoints did not answer" {
		t.Errorf("message %q", r.Message)
	}
	errs, _ := r.Details["endpoint_errors"].(map[string]string)
	if _, ok := errs[down]; !ok || len(errs) != 1 {
		t.Errorf("endpoint_errors %v, want one for %s", r.Details["endpoint_errors"], down)
	}
	if r.Details["endpoint"] != testservice.EtcdEndpoint || r.Details["endpoints"] != 2 || r.Details["endpoints_healthy"] != 1 {
		t.Errorf("details %v", r.Details)
	}
}

// TestNoLeader runs a two-member cluster and kills one member: the other
// still answers, but without a quorum it has no leader.
func TestNoLeader(t *testing.T) {
	members := startEtcd(t, 2)
	a, b := members[0], members[1]
	c := checktest.MustNew(t, etcd.Open, a.endpoint, &etcd.Options{RoundTrip: true})
	checktest.Want(t, c, timeout, vitals.StatusPass)

	b.kill()
	r := checktest.Await(t, c, "the member to lose its leader", func(r vitals.Result) bool { return r.Details["leader"] == "0" })
	checktest.WantStatus(t, r, vitals.StatusFail)
	if r.Message != "etcd has no leader ("+a.endpoint+")" {
		t.Errorf("message %q", r.Message)
	}
	if r.Details["endpoints_healthy"] != 0 {
		t.Errorf("details %v: want no healthy endpoint", r.Details)
	}

	// With the leaderless member and a dead one, the check still fails.
	r = checktest.Want(t, checktest.MustNew(t, etcd.Open, a.endpoint+","+b.endpoint, nil), timeout, vitals.StatusFail)
	if r.Message != "etcd has no leader ("+a.endpoint+")" {
		t.Errorf("message %q", r.Message)
	}
}

// TestAlarm fills a member's tiny space quota: etcd raises the NOSPACE
// alarm and refuses writes.
func TestAlarm(t *testing.T) {
	m := startEtcd(t, 1, "--quota-backend-bytes", "65536")[0]
	client := newClient(t, m.endpoint)
	c := checktest.MustNew(t, etcd.New, etcd.Client(client), nil)
	checktest.Want(t, c, timeout, vitals.StatusPass)

	// Fill the quota until etcd refuses a write for want of space; on a
	// loaded machine a write can also fail for a leader election, which
	// is retried.
	big := strings.Repeat("x", 32<<10)
	for i, deadline := 0, time.Now().Add(30*time.Second); ; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := client.Put(ctx, fmt.Sprintf("fill/%d", i), big)
		cancel()
		if errors.Is(err, rpctypes.ErrNoSpace) || err != nil && strings.Contains(err.Error(), rpctypes.ErrNoSpace.Error()) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("etcd did not refuse a write for want of space within 30s (last error %v)", err)
		}
	}
	// The member raises the alarm through its own raft log, a moment after
	// refusing the write: wait until the cluster lists it.
	waitAlarm(t, client)
	r := checktest.Want(t, c, timeout, vitals.StatusFail)
	if !strings.HasPrefix(r.Message, "etcd alarm: "+m.endpoint+": ") || !strings.Contains(r.Message, "NOSPACE") {
		t.Errorf("message %q does not report the NOSPACE alarm", r.Message)
	}
	t.Logf("alarm: %s", r.Message)
}

// etcdMember is a private etcd server started by a test.
type etcdMember struct {
	endpoint string
	cmd      *exec.Cmd
	logfile  string
}

// kill stops the member; calling it again does nothing.
func (m *etcdMember) kill() {
	if m.cmd.ProcessState == nil {
		m.cmd.Process.Kill()
		m.cmd.Wait()
	}
}

// startEtcd starts a private etcd cluster of n members on free loopback
// ports, each with the extra arguments, and waits until it has a leader.
// The members are killed at cleanup.
func startEtcd(t *testing.T, n int, args ...string) []*etcdMember {
	t.Helper()
	bin, err := exec.LookPath("etcd")
	if err != nil {
		t.Skipf("etcd not installed (scripts/services installs it): %v", err)
	}
	dir := t.TempDir()
	names, peers := make([]string, n), make([]string, n)
	for i := range n {
		names[i], peers[i] = string(rune('a'+i)), "http://"+testservice.ClosedAddr(t)
	}
	var cluster []string
	for i := range n {
		cluster = append(cluster, names[i]+"="+peers[i])
	}
	members := make([]*etcdMember, n)
	for i, name := range names {
		client := "http://" + testservice.ClosedAddr(t)
		logfile := filepath.Join(dir, name+".log")
		log, err := os.Create(logfile)
		if err != nil {
			t.Fatal(err)
		}
		// The deadline kills a member a test forgot, should cleanup not run.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		t.Cleanup(cancel)
		cmd := exec.CommandContext(ctx, bin, append([]string{
			"--name", name, "--data-dir", filepath.Join(dir, name),
			"--listen-client-urls", client, "--advertise-client-urls", client,
			"--listen-peer-urls", peers[i], "--initial-advertise-peer-urls", peers[i],
			"--initial-cluster", strings.Join(cluster, ","), "--initial-cluster-state", "new",
			"--heartbeat-interval", "100", "--election-timeout", "1000"}, args...)...)
		cmd.Stdout, cmd.Stderr = log, log
		err = cmd.Start()
		log.Close()
		if err != nil {
			t.Fatalf("start etcd: %v", err)
		}
		m := &etcdMember{endpoint: client, cmd: cmd, logfile: logfile}
		t.Cleanup(m.kill)
		members[i] = m
	}
	client := newClient(t, members[0].endpoint)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		resp, err := client.Status(ctx, members[0].endpoint)
		cancel()
		if err == nil && resp.Leader != 0 {
			return members
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(members[0].logfile)
			t.Fatalf("private etcd cluster has no leader (status: %v, %v)\n%s", resp, err, out)
		}
	}
}

// waitAlarm waits until the cluster lists a NOSPACE alarm.
func waitAlarm(t *testing.T, client *clientv3.Client) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		resp, err := client.AlarmList(ctx)
		cancel()
		if err != nil {
			continue
		}
		for _, a := range resp.Alarms {
			if a.Alarm == etcdserverpb.AlarmType_NOSPACE {
				return
			}
		}
	}
	t.Fatal("etcd raised no NOSPACE alarm within 30s of filling its quota")
}

// TestConformance runs the checker suite; the test server has no users.
func TestConformance(t *testing.T) {
	checktest.Run(t, checktest.Config{
		Name:    "etcd",
		Details: []string{"version", "leader", "member_id", "db_size"},
		Addr:    testservice.EtcdAddr,
		Open: func(addr string) (checktest.Checker, error) {
			return etcd.Open("http://"+addr, nil)
		},
	})
}
