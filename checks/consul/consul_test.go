package consul_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/consul"
	"github.com/vitalsgo/vitals/internal/testservice"
)

const timeout = 2 * time.Second

// newClient returns a client of the test agent whose idle connections
// are closed when the test ends, for goleak.
func newClient(t *testing.T, addr string) *api.Client {
	t.Helper()
	cfg := api.DefaultConfig()
	cfg.Address = addr
	client, err := api.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cfg.Transport.CloseIdleConnections)
	return client
}

func TestHealthy(t *testing.T) {
	checktest.Require(t, "Consul", testservice.ConsulAddr)
	r := checktest.Want(t, checktest.MustNew(t, consul.New, newClient(t, testservice.ConsulAddr), nil), timeout, vitals.StatusPass)

	version, _ := r.Details["version"].(string)
	leader, _ := r.Details["leader"].(string)
	dc, _ := r.Details["datacenter"].(string)
	if version == "" || leader == "" || dc == "" {
		t.Fatalf("details %v: want a version, a leader and a datacenter", r.Details)
	}
	if want := fmt.Sprintf("consul %s in %s, leader %s, agent answered in ", version, dc, leader); !strings.HasPrefix(r.Message, want) {
		t.Errorf("message %q, want %q…", r.Message, want)
	}
	// A dev agent is a server, and leads itself.
	if r.Details["server"] != true || r.Details["node_name"] == "" {
		t.Errorf("details %v: want a named server", r.Details)
	}
	for _, k := range []string{"round_trip_ms", "service"} {
		if _, ok := r.Details[k]; ok {
			t.Errorf("details %v hold %s, which no option asked for", r.Details, k)
		}
	}
	checktest.WantRTT(t, r)
}

func TestRoundTrip(t *testing.T) {
	checktest.Require(t, "Consul", testservice.ConsulAddr)
	client := newClient(t, testservice.ConsulAddr)
	prefix := fmt.Sprintf("vitals/test/%d/", time.Now().UnixNano())
	c := checktest.MustNew(t, consul.New, client, &consul.Options{RoundTrip: true, KeyPrefix: prefix})

	_, before, err := client.KV().Get("vitals/none", nil)
	if err != nil {
		t.Fatal(err)
	}
	r := checktest.Want(t, c, timeout, vitals.StatusPass)
	if _, ok := r.Details["round_trip_ms"].(float64); !ok {
		t.Errorf("details %v lack round_trip_ms", r.Details)
	}
	// A put and a delete raise the KV index; nothing is left under the prefix.
	keys, after, err := client.KV().Keys(prefix, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if after.LastIndex <= before.LastIndex {
		t.Errorf("KV index went from %d to %d: the round trip did not write", before.LastIndex, after.LastIndex)
	}
	if len(keys) != 0 {
		t.Errorf("keys left under %s: %v", prefix, keys)
	}
}

// TestService registers instances of a service of its own with TTL checks
// and moves them through the health states. The agent syncs a change to
// the catalog in the background, so each state is awaited.
func TestService(t *testing.T) {
	checktest.Require(t, "Consul", testservice.ConsulAddr)
	client := newClient(t, testservice.ConsulAddr)
	name := fmt.Sprintf("vitals-test-%d", time.Now().UnixNano())
	c := checktest.MustNew(t, consul.New, client, &consul.Options{Service: name})

	r := checktest.Want(t, c, timeout, vitals.StatusFail)
	if r.Message != "consul service "+name+" has no instance registered" || r.Details["instances"] != 0 {
		t.Errorf("no instance: %q, details %v", r.Message, r.Details)
	}

	a, b := register(t, client, name, "a"), register(t, client, name, "b")
	await(t, c, vitals.StatusFail, "consul service "+name+": all 2 instances critical") // a TTL check starts critical

	ttl(t, client, a, api.HealthPassing)
	r = await(t, c, vitals.StatusWarn, "consul service "+name+": 1 of 2 instances passing, 0 warning, 1 critical")
	if r.Details["service"] != name || r.Details["instances"] != 2 || r.Details["passing"] != 1 || r.Details["critical"] != 1 {
		t.Errorf("details %v", r.Details)
	}
	ttl(t, client, b, api.HealthWarning)
	await(t, c, vitals.StatusWarn, "consul service "+name+": 1 of 2 instances passing, 1 warning, 0 critical")
	ttl(t, client, b, api.HealthPassing)
	r = await(t, c, vitals.StatusPass, "; service "+name+": all 2 instances passing") // after the agent's own line
	if r.Details["passing"] != 2 || r.Details["leader"] == nil {
		t.Errorf("details %v", r.Details)
	}
}

// register registers an instance of service on the agent, with a TTL
// check, and deregisters it when the test ends. It returns the check's ID.
func register(t *testing.T, client *api.Client, service, instance string) string {
	t.Helper()
	id := service + "-" + instance
	err := client.Agent().ServiceRegister(&api.AgentServiceRegistration{
		ID: id, Name: service,
		Check: &api.AgentServiceCheck{CheckID: id + "-ttl", TTL: "10m"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Agent().ServiceDeregister(id) })
	return id + "-ttl"
}

func ttl(t *testing.T, client *api.Client, check, status string) {
	t.Helper()
	if err := client.Agent().UpdateTTL(check, "set by "+t.Name(), status); err != nil {
		t.Fatal(err)
	}
}

// await checks c until it reports want with a message that ends in msg.
func await(t *testing.T, c vitals.Checker, want vitals.Status, msg string) vitals.Result {
	t.Helper()
	return checktest.Await(t, c, fmt.Sprintf("%v %q", want, msg), func(r vitals.Result) bool {
		return r.Status == want && strings.HasSuffix(r.Message, msg)
	})
}

func TestNewRefuses(t *testing.T) {
	if _, err := consul.New(nil, nil); err == nil || err.Error() != "consul: nil client" {
		t.Errorf("New(nil): %v", err)
	}
	client := newClient(t, testservice.ClosedAddr(t))
	if _, err := consul.New(client, &consul.Options{Token: "t"}); err == nil || !strings.Contains(err.Error(), "Options.Token is for Open") {
		t.Errorf("New with a token: %v", err)
	}
}

func TestOpenRefuses(t *testing.T) {
	const secret = "s3cret-token"
	checktest.WantRefusals(t, consul.Open, secret, []checktest.Refusal[consul.Options]{
		{Name: "empty", Arg: "", Opts: &consul.Options{Token: secret}, Want: "consul: empty address"},
		{Name: "scheme", Arg: "ftp://127.0.0.1:8500", Opts: &consul.Options{Token: secret}, Want: "consul: Unknown protocol scheme: ftp"},
	})
}

// TestConformance runs the suite against the agent without ACLs and
// against the one that enforces them, where its management token passes
// and a wrong token is refused.
func TestConformance(t *testing.T) {
	tests := []struct {
		name  string
		addr  string
		token string // the agent's management token; "" where it has no ACLs
	}{
		{"Consul", testservice.ConsulAddr, ""},
		{"Consul with ACLs", testservice.ConsulACLAddr, testservice.ConsulACLToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := checktest.Config{
				Name:    tt.name,
				Addr:    tt.addr,
				Details: []string{"version", "datacenter", "node_name", "leader"},
				Closed:  consul.ErrClosed,
				Open: func(addr string) (checktest.Checker, error) {
					return consul.Open(addr, &consul.Options{Token: tt.token, RoundTrip: true})
				},
			}
			if tt.token != "" {
				cfg.OpenWithPassword = func(addr, token string) (checktest.Checker, error) {
					return consul.Open(addr, &consul.Options{Token: token})
				}
			}
			checktest.Run(t, cfg)
		})
	}
}

// TestACLDenied: a token the agent knows, whose policy grants nothing,
// cannot read the agent.
func TestACLDenied(t *testing.T) {
	checktest.Require(t, "Consul with ACLs", testservice.ConsulACLAddr)
	cfg := api.DefaultConfig()
	cfg.Address, cfg.Token = testservice.ConsulACLAddr, testservice.ConsulACLToken
	admin, err := api.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cfg.Transport.CloseIdleConnections)
	tok, _, err := admin.ACL().TokenCreate(&api.ACLToken{Description: t.Name()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.ACL().TokenDelete(tok.AccessorID, nil) })

	c := checktest.MustNew(t, consul.Open, testservice.ConsulACLAddr, &consul.Options{Token: tok.SecretID})
	r := checktest.Want(t, c, timeout, vitals.StatusFail)
	checktest.WantMessage(t, r, "consul agent: ", "403", "Permission denied")
	if strings.Contains(r.Message, tok.SecretID) {
		t.Errorf("message %q shows the token", r.Message)
	}
}

// TestWrongToken: a token the agent with ACLs does not know fails the
// check, and the message says why without showing it.
func TestWrongToken(t *testing.T) {
	checktest.Require(t, "Consul with ACLs", testservice.ConsulACLAddr)
	const wrong = "00000000-0000-4000-8000-000000000041"
	r := checktest.Want(t, checktest.MustNew(t, consul.Open, testservice.ConsulACLAddr, &consul.Options{Token: wrong}), timeout, vitals.StatusFail)
	checktest.WantMessage(t, r, "consul agent: ", "403", "ACL not found")
	if strings.Contains(r.Message, wrong) {
		t.Errorf("message %q shows the token", r.Message)
	}
}
