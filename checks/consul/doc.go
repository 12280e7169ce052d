// Package consul checks a Consul agent, and the cluster behind it, through
// the official API client (github.com/hashicorp/consul/api).
//
// A [Checker] asks the agent about itself (version, datacenter, node,
// whether it is a server), which proves the agent answers and accepts the
// client's ACL token, then asks for the raft leader: a datacenter without
// a leader cannot register, deregister or write anything, and fails the
// check. With [Options].RoundTrip it also puts, gets and deletes a KV key
// of its own, which proves that writes commit. With [Options].Service it
// reads the health of every instance of a service from the catalog:
// passing, warning and critical are Pass, Warn and Fail for one instance;
// with several, some critical or warning is Warn and all critical is Fail.
//
// # Registering
//
// With the client the service already has:
//
//	client, err := api.NewClient(api.DefaultConfig())
//	…
//	c, err := consulcheck.New(client, &consulcheck.Options{Service: "payments"})
//	…
//	m.Add("consul", c, vitals.Timeout(2*time.Second))
//
// From configuration, with a client the checker owns:
//
//	c, err := consulcheck.Open("http://127.0.0.1:8500", &consulcheck.Options{Token: token, RoundTrip: true})
//	…
//	defer c.Close()
//	m.Add("consul", c, vitals.Timeout(2*time.Second))
//
// The client's pooled connections keep goroutines while idle; Close
// closes them, so close the Checker before a test with goleak ends.
//
// # ACLs
//
// The token needs agent:read on the agent's node for the first request
// (node_prefix "" { policy = "read" } grants it), key:write on KeyPrefix
// for a round trip, and service:read and node:read for a service's health.
// A token the agent does not know fails with "ACL not found", one without
// the permission with "Permission denied"; neither message shows the
// token.
//
// # Versions
//
// The module uses api v1.34, which talks to agents of Consul 1.10 and
// later; its tests run against a dev agent of Consul 1.14.
//
// # Result
//
// Observed is the agent's answer time in milliseconds (Unit "ms").
// Details:
//
//	version        the agent's Consul version, e.g. "1.14.11"
//	datacenter     its datacenter
//	node_name      its node's name
//	server         whether the agent is a server
//	leader         the raft leader's address, host:port
//	round_trip_ms  put+get+delete time, with Options.RoundTrip
//	service        the service's name, with Options.Service
//	instances      its instances registered in the catalog
//	passing        instances whose checks all pass
//	warning        instances with a warning and nothing critical
//	critical       instances critical or in maintenance
package consul
