package redis

import (
	"strconv"
	"strings"
	"testing"
)

// infoReply is the start of a real INFO reply, lines ending in \r\n.
const infoReply = "# Server\r\nredis_version:7.2.4\r\nredis_mode:standalone\r\nos:Linux 6.1.0 x86_64\r\n\r\n" +
	"# Replication\r\nrole:master\r\nconnected_slaves:2\r\nslave0:ip=10.0.0.2,port=6379,state=online,offset=1,lag=0\r\n" +
	"master_replid:8c0c2ff2e0a6a8f8\r\n"

// FuzzParseInfo reads arbitrary INFO replies: every pair parseInfo
// returns is one a line of the reply holds, a reply written from pairs
// reads back as them, and infoDetails takes only the fields it names, a
// count as a number.
func FuzzParseInfo(f *testing.F) {
	f.Add(infoReply, "role", "replica")
	f.Add("connected_slaves:-1\nconnected_slaves:x\n", "master_link_status", "down")
	f.Add("#x:y\r\n :\r\nk:v:w\r\n", "a b", " c ")
	f.Fuzz(func(t *testing.T, reply, key, value string) {
		info := parseInfo(reply)
		for k, v := range info {
			line := k + ":" + v
			if strings.Contains(k, ":") || strings.HasPrefix(k, "#") || strings.TrimSpace(line) != line ||
				strings.Contains(line, "\n") || !strings.Contains(reply, line) {
				t.Fatalf("parseInfo(%q) has %q:%q, which is no line of it", reply, k, v)
			}
		}
		details := map[string]any{}
		infoDetails(info, details)
		for k, v := range details {
			switch k {
			case "redis_version", "redis_mode", "role", "master_link_status":
				if v != info[k] {
					t.Fatalf("details[%s] = %v, INFO says %q", k, v, info[k])
				}
			case "connected_slaves":
				if n, err := strconv.Atoi(info[k]); err != nil || v != n {
					t.Fatalf("connected_slaves = %#v from %q", v, info[k])
				}
			default:
				t.Fatalf("details has %s, which infoDetails does not take", k)
			}
		}
		// A key and a value as Redis writes them read back exactly.
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if key == "" || strings.ContainsAny(key, ":#\r\n") || strings.ContainsAny(value, "\r\n") {
			return
		}
		if got, ok := parseInfo(reply + "\r\n# Keyspace\r\n" + key + ":" + value + "\r\n")[key]; !ok || got != value {
			t.Fatalf("%s:%s read back as %q, %v", key, value, got, ok)
		}
	})
}
