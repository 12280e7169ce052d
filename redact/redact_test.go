package redact

import (
	"fmt"
	"strings"
	"testing"
)

var redactTests = []struct {
	name string
	in   string
	want string
}{
	// URL user info.
	{"postgres url", "postgres://user:pass@host:5432/db", "postgres://user:***@host:5432/db"},
	{"redis empty user", "redis://:pass@h", "redis://:***@h"},
	{"amqp", "amqp://guest:guest@127.0.0.1:5672/", "amqp://guest:***@127.0.0.1:5672/"},
	{"url in message", "dial postgres://u:p@h/db: connection refused", "dial postgres://u:***@h/db: connection refused"},
	{"two urls", "primary postgres://a:pw1@h1/db, replica postgres://b:pw2@h2/db down",
		"primary postgres://a:***@h1/db, replica postgres://b:***@h2/db down"},
	{"user without password", "http://user@host/path", "http://user@host/path"},
	{"empty password", "http://user:@host/path", "http://user:@host/path"},
	{"password with at", "postgres://u:p@ss@h/db", "postgres://u:***@h/db"},
	{"password with colon", "postgres://u:p:ss@h/db", "postgres://u:***@h/db"},
	{"url ends at query", "https://h/x?next=a:b@c", "https://h/x?next=a:b@c"},
	{"url ends at space", "http://h x:y@z", "http://h x:y@z"},
	{"url in json", `{"url":"redis://:p@h","user":"bob@x.org"}`, `{"url":"redis://:***@h","user":"bob@x.org"}`},
	{"ipv6 host", "postgres://u:pw@[::1]:5432/db", "postgres://u:***@[::1]:5432/db"},
	{"url at end of sentence", "cannot reach mongodb://admin:hunter2@mongo:27017.", "cannot reach mongodb://admin:***@mongo:27017."},
	{"url without user info", "dial tcp https://example.com:443/: timeout", "dial tcp https://example.com:443/: timeout"},
	{"password with slash", `parse "postgres://app:p/ss@db:5432/app": invalid port ":p" after host`,
		`parse "postgres://app:***@db:5432/app": invalid port ":p" after host`},
	{"password with question mark", "postgres://app:p?ss@db/app", "postgres://app:***@db/app"},
	{"port then at in path", "GET http://localhost:3000/@vite/client: 404", "GET http://localhost:3000/@vite/client: 404"},
	{"ipv6 then at in path", "http://[::1]/x@y", "http://[::1]/x@y"},
	{"secret-looking user name", "git clone https://x-access-token:ghs_abc123@github.com/o/r.git failed",
		"git clone https://x-access-token:***@github.com/o/r.git failed"},

	// MySQL DSN.
	{"mysql dsn", "user:pass@tcp(host:3306)/db", "user:***@tcp(host:3306)/db"},
	{"mysql dsn in message", `open "root:s3cr@t@unix(/tmp/mysql.sock)/app": denied`, `open "root:***@unix(/tmp/mysql.sock)/app": denied`},
	{"mysql dsn no net", "user:pw@/db?parseTime=true", "user:***@/db?parseTime=true"},
	{"mysql scheme url", "mysql://user:pw@tcp(h:3306)/db", "mysql://user:***@tcp(h:3306)/db"},
	{"mysql dsn no password", "user@tcp(h:3306)/db", "user@tcp(h:3306)/db"},

	// Key/value pairs.
	{"libpq password", "host=h user=u password=secret dbname=d", "host=h user=u password=*** dbname=d"},
	{"libpq quoted", "host=h password='s e c' dbname=d", "host=h password='***' dbname=d"},
	{"libpq quoted escape", `password='it\'s' user=u`, `password='***' user=u`},
	{"libpq spaces around equals", "password = secret user=u", "password = *** user=u"},
	{"double quoted", `password="a b" user=u`, `password="***" user=u`},
	{"unterminated quote", "password='abc", "password='***"},
	{"pwd", "Server=s;Uid=u;Pwd=x;", "Server=s;Uid=u;Pwd=***;"},
	{"passwd", "passwd=x", "passwd=***"},
	{"pass", "pass=x", "pass=***"},
	{"upper case key", "PASSWORD=x", "PASSWORD=***"},
	{"secret", "secret=x", "secret=***"},
	{"token", "token=x", "token=***"},
	{"access_token", "access_token=x", "access_token=***"},
	{"api_key", "api_key=x", "api_key=***"},
	{"apikey", "apikey=x", "apikey=***"},
	{"client_secret", "client_secret=x", "client_secret=***"},
	{"env var", "DB_PASSWORD=x REDIS_PWD=y", "DB_PASSWORD=*** REDIS_PWD=***"},
	{"dotted key", "spring.datasource.password=x", "spring.datasource.password=***"},
	{"query params", "https://h/cb?password=x&user=y", "https://h/cb?password=***&user=y"},
	{"query token", "GET /v1/items?api_key=abc123&limit=10 failed", "GET /v1/items?api_key=***&limit=10 failed"},
	{"empty value", "password=&user=y", "password=&user=y"},
	{"go map", "map[password:x user:bob]", "map[password:*** user:bob]"},
	{"go struct", "{User:bob Password:x}", "{User:bob Password:***}"},
	{"sslpassword", "sslmode=verify-full sslpassword=x", "sslmode=verify-full sslpassword=***"},
	{"presigned url", `Get "https://b.s3.amazonaws.com/k?X-Amz-Date=20240101&X-Amz-Signature=abcd": EOF`,
		`Get "https://b.s3.amazonaws.com/k?X-Amz-Date=20240101&X-Amz-Signature=***": EOF`},
	{"sas token", "https://acct.blob.core.windows.net/c?sv=2020-08-04&sig=abc%3D", "https://acct.blob.core.windows.net/c?sv=2020-08-04&sig=***"},

	// JSON-ish.
	{"json password", `{"user":"u","password":"x"}`, `{"user":"u","password":"***"}`},
	{"json token spaced", `{"token": "x", "n": 1}`, `{"token": "***", "n": 1}`},
	{"json escaped quote", `{"password":"a\"b","n":1}`, `{"password":"***","n":1}`},
	{"json camel case", `{"accessToken":"x","clientSecret":"y"}`, `{"accessToken":"***","clientSecret":"***"}`},
	{"json number", `{"pin":1,"secret": 42}`, `{"pin":1,"secret": ***}`},
	{"python dict", `{'password': 'x'}`, `{'password': '***'}`},
	{"json empty", `{"password":""}`, `{"password":""}`},

	// Authorization and bearer tokens.
	{"authorization header", "Authorization: Bearer abc.def", "Authorization: Bearer ***"},
	{"authorization basic", "authorization=Basic xyz", "authorization=Basic ***"},
	{"authorization bare credential", "Authorization: abc123", "Authorization: ***"},
	{"proxy authorization", "Proxy-Authorization: Basic dXNlcjpwYXNz", "Proxy-Authorization: Basic ***"},
	{"opsgenie key", "Authorization: GenieKey 0d1f7a3e-4c2b-4f4e-9c1d-2a3b4c5d6e7f", "Authorization: GenieKey ***"},
	{"unknown scheme", "Authorization: SSWS 00QCjAl4MlV-WPXM-ABCDEFGHIJ", "Authorization: *** ***"},
	{"unknown scheme prose", "Authorization: missing for /api", "Authorization: *** for /api"},
	{"pagerduty routing key", `{"routing_key":"R0ut1ngK3yAbCdEf0123456789abcdef","event_action":"trigger"}`, `{"routing_key":"***","event_action":"trigger"}`},
	{"teams workflow signature", "https://prod-12.westus.logic.azure.com:443/workflows/0123abcd/triggers/manual/paths/invoke?api-version=2016-06-01&sv=1.0&sig=AbCdEf0123456789", "https://prod-12.westus.logic.azure.com:443/workflows/0123abcd/triggers/manual/paths/invoke?api-version=2016-06-01&sv=1.0&sig=***"},
	{"header dump", "map[Accept:[*/*] Authorization:[Bearer tok3n]]", "map[Accept:[*/*] Authorization:[Bearer ***]]"},
	{"json authorization", `{"Authorization":"Token abc"}`, `{"Authorization":"Token ***"}`},
	{"scheme only", "missing Authorization: Bearer", "missing Authorization: Bearer"},
	{"challenge", `401: WWW-Authenticate: Bearer realm="api", error="invalid_token"`, `401: WWW-Authenticate: Bearer realm="api", error="invalid_token"`},
	{"digest params", `Authorization: Digest username="bob", response="6629fae4"`, `Authorization: Digest username="bob", response="6629fae4"`},
	{"bare bearer", "got 401 with Bearer eyJhbGciOiJIUzI1NiJ9 from api", "got 401 with Bearer *** from api"},
	{"lower case bearer", "bearer Abc-123_x", "bearer ***"},
	{"bearer prose", "missing bearer token.", "missing bearer token."},
	{"jwt", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-_x is expired.", "token *** is expired."},

	// Header lines: a space after the colon.
	{"header line", "X-Api-Key: 8f14e45fceea167a", "X-Api-Key: ***"},
	{"lowercase header line", "password: v", "password: ***"},
	{"header dump", "HTTP/1.1 401\r\nX-Auth-Token: abc123\r\nContent-Length: 0", "HTTP/1.1 401\r\nX-Auth-Token: ***\r\nContent-Length: 0"},
	{"http2 header dump", "x-api-key: 8f14e45f\nx-request-id: 1", "x-api-key: ***\nx-request-id: 1"},
	{"error quotes token", "invalid token: abc123", "invalid token: ***"},
	{"error word", "token: expired", "token: expired"},
	{"error phrase", "password: authentication failed for user", "password: authentication failed for user"},
	{"error chain", "read token: open /run/token: permission denied", "read token: open /run/token: permission denied"},
	{"key after key", "bad token: Authorization: Bearer abc", "bad token: Authorization: Bearer ***"},
	{"status line", "pass: All health checks passing", "pass: All health checks passing"},
	{"capitalized value", "Password: Hunter2", "Password: ***"},
	{"go header map", "map[Accept:[*/*] X-Api-Key:[k1 k2]]", "map[Accept:[*/*] X-Api-Key:[***]]"},

	// Cookies.
	{"cookie header", "Cookie: sid=31d4d96e407aad42; lang=en-US", "Cookie: sid=***; lang=***"},
	{"set-cookie", "Set-Cookie: sid=31d4; Path=/; Secure; HttpOnly", "Set-Cookie: sid=***; Path=/; Secure; HttpOnly"},
	{"cookie json", `{"Cookie":"a=b; c=d","x":1}`, `{"Cookie":"a=***; c=***","x":1}`},
	{"cookie go dump", "map[Cookie:[sid=abc]]", "map[Cookie:[sid=***]]"},
	{"cookie bare value", "cookie=abc123", "cookie=***"},
	{"cookie error", "cookie: expired", "cookie: expired"},

	// PEM private keys.
	{"pem", "-----BEGIN PRIVATE KEY-----\nMIIEvQ\nIBADAN\n-----END PRIVATE KEY-----\n", "-----BEGIN PRIVATE KEY-----***-----END PRIVATE KEY-----\n"},
	{"pem in json", `{"key":"-----BEGIN EC PRIVATE KEY-----\\nMHcCAQ\\n-----END EC PRIVATE KEY-----"}`, `{"key":"-----BEGIN EC PRIVATE KEY-----***-----END EC PRIVATE KEY-----"}`},
	{"pem cut short", "parse -----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNz", "parse -----BEGIN OPENSSH PRIVATE KEY-----***"},
	{"pgp", "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF\n-----END PGP PRIVATE KEY BLOCK-----", "-----BEGIN PGP PRIVATE KEY BLOCK-----***-----END PGP PRIVATE KEY BLOCK-----"},
	{"public key", "-----BEGIN PUBLIC KEY-----\nMFkwEw\n-----END PUBLIC KEY-----", "-----BEGIN PUBLIC KEY-----\nMFkwEw\n-----END PUBLIC KEY-----"},
	{"pem words", "want a PRIVATE KEY----- line", "want a PRIVATE KEY----- line"},

	// Provider tokens.
	{"github token in url", "https://x:ghp_" + exampleToken + "@github.com", "https://x:***@github.com"},
	{"aws key in env", "AWS_ACCESS_KEY_ID=AKIA" + "IOSFODNN7EXAMPLE", "AWS_ACCESS_KEY_ID=AKIA***"},
	{"token in prose", "slack says invalid_auth for xoxp-" + exampleToken + ".", "slack says invalid_auth for xoxp-***."},
	{"short is no token", "sk_live_abc ghp_x npm_install", "sk_live_abc ghp_x npm_install"},
	{"token inside a word", "mask-" + exampleToken + exampleToken, "mask-" + exampleToken + exampleToken},

	// A token as a URL's user name.
	{"token user", "https://" + exampleToken + "0@git.example.com/o/r", "https://***@git.example.com/o/r"},
	{"token user oauth basic", "https://" + exampleToken + "0:x-oauth-basic@github.com", "https://***:***@github.com"},
	{"token user empty password", "https://" + exampleToken + "0:@h", "https://***:@h"},
	{"account name with password", "postgres://reporting_user_2024_ro:pw@db/app", "postgres://reporting_user_2024_ro:***@db/app"},
	{"short user", "postgres://app2@db/app", "postgres://app2@db/app"},

	// More key names.
	{"azure connection string", "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=bXlrZXk=;EndpointSuffix=core.windows.net",
		"DefaultEndpointsProtocol=https;AccountName=a;AccountKey=***;EndpointSuffix=core.windows.net"},
	{"service bus", "Endpoint=sb://ns/;SharedAccessKeyName=root;SharedAccessKey=a2V5", "Endpoint=sb://ns/;SharedAccessKeyName=root;SharedAccessKey=***"},
	{"credentials", "credentials=u:p", "credentials=***"},

	// Not secrets.
	{"compass", "compass=north", "compass=north"},
	{"passed", "passed 3 checks", "passed 3 checks"},
	{"tokenizer", "tokenizer=on", "tokenizer=on"},
	{"bypass", "bypass=true", "bypass=true"},
	{"email", "mail bob@example.com", "mail bob@example.com"},
	{"prose password", "pq: password authentication failed for user \"bob\"", "pq: password authentication failed for user \"bob\""},
	{"dial error", "dial tcp 10.0.0.1:5432: connect: connection refused", "dial tcp 10.0.0.1:5432: connect: connection refused"},
	{"max tokens", "max_tokens=100", "max_tokens=100"},
	{"empty", "", ""},
	{"invalid utf8", "\xff\xfe password=\xff x", "\xff\xfe password=*** x"},

	// Rules that overlap or touch leave one marker.
	{"touching spans", "auth: Bearer secret=?x", "auth: Bearer ***"},
	{"marker exposes more", "password=a://u:(x@h", "password=***"},
	{"overlapping spans", "Authorization: Bearer eyJa.eyJb.c", "Authorization: Bearer ***"},

	// Already redacted text stays as is.
	{"redacted url", "postgres://user:***@host/db", "postgres://user:***@host/db"},
	{"redacted pair", "password=*** token='***'", "password=*** token='***'"},
}

func TestRedact(t *testing.T) {
	for _, tt := range redactTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := String(tt.in); got != tt.want {
				t.Errorf("String(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactIdempotent(t *testing.T) {
	for _, tt := range redactTests {
		once := String(tt.in)
		if twice := String(once); twice != once {
			t.Errorf("String(%q) = %q, but String of that = %q", tt.in, once, twice)
		}
	}
}

// TestRedactRepeats covers text where each marker exposes the next match:
// the key rule stops at ')', the URL rule at '/', and each "/)@" costs them
// two more passes, until String gives up and redacts everything.
func TestRedactRepeats(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"one link", "://&Password:/)@", "://&Password:***"},
		{"three links", "://&Password:/)@/)@/)@", "://&Password:***"},
		{"four links", "://&Password:" + strings.Repeat("/)@", 4), Marker},
		{"long chain", "://&Password:" + strings.Repeat("/)@", 1000), Marker},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { redactsTo(t, "String", String, tt.in, tt.want) })
	}
}

// redactsTo requires f, called name, to turn in into want, and to leave
// what it returns as it is.
func redactsTo(t *testing.T, name string, f func(string) string, in, want string) {
	t.Helper()
	got := f(in)
	if got != want {
		t.Errorf("%s(%.80q)\n got %q\nwant %q", name, in, got, want)
	}
	if again := f(got); again != got {
		t.Errorf("%s(%q) = %q, not idempotent", name, got, again)
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"password", "postgres://user:pass@host:5432/db?sslmode=disable", "postgres://user:***@host:5432/db?sslmode=disable"},
		{"escaped password", "postgres://user:p%2Fss@host/db", "postgres://user:***@host/db"},
		{"query", "https://h/cb?user=y&password=a,b&x=1", "https://h/cb?user=y&password=***&x=1"},
		{"escaped key", "https://h/cb?pass%77ord=x", "https://h/cb?pass%77ord=***"},
		{"fragment", "https://h/cb#access_token=abc&token_type=bearer", "https://h/cb#access_token=***&token_type=bearer"},
		{"no secret", "https://example.com/a?b=c#d", "https://example.com/a?b=c#d"},
		{"user only", "http://user@host/", "http://user@host/"},
		{"path secret", "https://h/reset/token=abc", "https://h/reset/token=***"},
		{"does not parse", "postgres://u:p@h:port/db password=x", "postgres://u:***@h:port/db password=***"},
		{"mysql dsn", "user:pass@tcp(host:3306)/db", "user:***@tcp(host:3306)/db"},
		{"not a url", "password=x", "password=***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { redactsTo(t, "URL", URL, tt.in, tt.want) })
	}
}

func TestRedactCleanDoesNotAllocate(t *testing.T) {
	msgs := []string{
		cleanMessage,
		"mail bob@example.com: 550 mailbox unavailable",
		`{"status":"ok","checks":3}`,
		"postgres://user:***@host/db", // already redacted
	}
	for _, msg := range msgs {
		if n := testing.AllocsPerRun(100, func() { _ = String(msg) }); n != 0 {
			t.Errorf("String(%q) allocated %v times, want 0", msg, n)
		}
	}
}

const (
	cleanMessage = "dial tcp 10.0.0.1:5432: connect: connection refused (after 3 retries, timeout 2s)"
	dirtyMessage = "failed to connect to `host=db user=app database=app`: dial postgres://app:hunter2@db:5432/app: connection refused"
	// A long clean error with a URL and a host name, which hold the long
	// runs of token bytes that the provider token rule looks into.
	longMessage = "Get \"https://api.internal.example.com:8443/v1/health?verbose=1\": dial tcp 10.20.30.40:8443: i/o timeout (Client.Timeout exceeded while awaiting headers); retrying in 2s after 3 attempts, last status 503 Service Unavailable from upstream-gateway-7f9c"
	// A header dump without secrets: every "Key: " is looked at.
	dumpMessage = "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nWww-Authenticate: Bearer realm=\"api\"\r\nX-Request-Id: 5d41402abc4b2a76\r\n\r\n{\"error\":\"invalid_token\"}"
)

func BenchmarkRedact(b *testing.B) {
	for _, bc := range []struct{ name, msg string }{{"clean", cleanMessage}, {"dirty", dirtyMessage}, {"long", longMessage}, {"dump", dumpMessage}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = String(bc.msg)
			}
		})
	}
}

// TestRedactRules holds every row of the rule tables to its example: the
// row's own matcher finds the secret, and String turns the example into the
// row's expected text, once and for all.
func TestRedactRules(t *testing.T) {
	check := func(t *testing.T, example, want string) {
		t.Helper()
		if example == want {
			t.Fatalf("example %q has no secret", example)
		}
		redactsTo(t, "String", String, example, want)
	}
	for _, rule := range redactRules {
		t.Run(rule.name, func(t *testing.T) {
			check(t, rule.example, rule.want)
			r := redactor{s: rule.example}
			r.run(rule.scan)
			if !r.found {
				t.Errorf("the rule's own scanner finds nothing in %q", rule.example)
			}
		})
	}
	for _, rule := range keyRules {
		t.Run("key "+rule.name, func(t *testing.T) {
			check(t, rule.example, rule.want)
			key, _, _ := strings.Cut(rule.example, ":")
			for _, other := range keyRules {
				if other.key(key) {
					if other.name != rule.name {
						t.Errorf("key %q is taken by rule %q", key, other.name)
					}
					break
				}
			}
		})
	}
	for _, f := range tokenFormats {
		t.Run("token "+f.name, func(t *testing.T) {
			check(t, f.example, f.want)
			r := redactor{s: f.example}
			r.scanTokens()
			if !r.found {
				t.Errorf("scanTokens finds nothing in %q", f.example)
			}
			// One byte short of the minimum is no token: the minimum is
			// what tells a token from a word that shares its prefix.
			short := f.prefix + strings.Repeat("a", f.min-1)
			if r := (redactor{s: short}); func() bool { r.scanTokens(); return r.found }() {
				t.Errorf("%q is redacted as a token", short)
			}
		})
	}
}

// plants are secrets of each shape, on a line of their own as in a header
// dump or a body; secret is the part that must never be shown.
var plants = []struct{ line, secret string }{
	{"dial postgres://u:PLANTEDpw1@h/db", "PLANTEDpw1"},
	{"https://PLANTED2user2token2abc@h/", "PLANTED2user2token2abc"},
	{"open u:PLANTEDpw3@tcp(h)/db", "PLANTEDpw3"},
	{"host=h password=PLANTEDpw4 user=u", "PLANTEDpw4"},
	{"X-Api-Key: PLANTED5key", "PLANTED5key"},
	{"Authorization: Bearer PLANTED6tok", "PLANTED6tok"},
	{"Cookie: a=1; sid=PLANTED7ck", "PLANTED7ck"},
	{"Set-Cookie: sid=PLANTED8ck; Path=/", "PLANTED8ck"},
	{"got bearer PLANTED9tok from api", "PLANTED9tok"},
	{"eyJPLANTED10.eyJ.sig", "eyJPLANTED10"},
	{"-----BEGIN RSA PRIVATE KEY-----\nPLANTED11key\n-----END RSA PRIVATE KEY-----", "PLANTED11key"},
	{"token ghp_PLANTED12" + exampleToken, "PLANTED12"},
	{`{"password":"PLANTED13 pw","n":1}`, "PLANTED13"},
	{"map[X-Api-Key:[PLANTED14key]]", "PLANTED14key"},
}

// FuzzRedact checks String and URL on any text: they are idempotent,
// only replace spans of their input by markers, and never let a planted
// secret through. The URL password is planted straight into the text: the
// URL rule finds it whatever surrounds it, as the user info starts right
// after "://" and the '/' after the host ends it. The other shapes are
// planted on a line of their own, as header dumps and bodies have them.
// "PLANTED…" cannot overlap the fixed text around it, so the only
// occurrences allowed in the output are those the fuzzer wrote itself.
func FuzzRedact(f *testing.F) {
	for _, tt := range redactTests {
		f.Add(tt.in, "", uint8(0))
	}
	for i, p := range plants {
		f.Add("", "", uint8(i))
		f.Add(p.line, "", uint8(i))
	}
	f.Add("password='", "' rest", uint8(0))
	f.Add("Authorization: Bearer ", " tail", uint8(0))
	f.Add("a://x:y@", "@tcp(h)/db", uint8(0))
	// Inputs where one pass of the rules was not idempotent.
	f.Add("://&Password:/)@", "/)@/)@", uint8(0))
	f.Add(":://=api_key:{Bearer@'tcp(", "", uint8(0))
	f.Add("postgres://u:p@h/=/?password=*]ab[\"x;api_key://*** \\ token", "#api_keypass\\}\ttcp(", uint8(0))
	f.Fuzz(func(t *testing.T, prefix, suffix string, which uint8) {
		p := plants[int(which)%len(plants)]
		inline := prefix + "postgres://u:PLANTEDpw0@h/" + suffix
		line := prefix + "\n" + p.line + "\n" + suffix
		for _, in := range []string{prefix, prefix + suffix, inline, line} {
			once := String(in)
			if twice := String(once); twice != once {
				t.Fatalf("String not idempotent:\n in    %q\n once  %q\n twice %q", in, once, twice)
			}
			if !isRedactionOf(once, in) {
				t.Fatalf("String does more than replace secrets:\n in  %q\n out %q", in, once)
			}
			once = URL(in)
			if twice := URL(once); twice != once {
				t.Fatalf("URL not idempotent:\n in    %q\n once  %q\n twice %q", in, once, twice)
			}
		}
		for _, c := range []struct{ in, secret string }{{inline, "PLANTEDpw0"}, {line, p.secret}} {
			if strings.Contains(prefix, c.secret) || strings.Contains(suffix, c.secret) {
				continue
			}
			if out := String(c.in); strings.Contains(out, c.secret) {
				t.Fatalf("secret survived:\n in  %q\n out %q", c.in, out)
			}
		}
	})
}

// isRedactionOf reports whether out is in with some spans replaced by
// Marker: the text between markers appears in in, in order, so
// redaction removed bytes and added none but markers.
func isRedactionOf(out, in string) bool {
	pieces := strings.Split(out, Marker)
	if !strings.HasPrefix(in, pieces[0]) || !strings.HasSuffix(in, pieces[len(pieces)-1]) {
		return false
	}
	at := 0
	for _, piece := range pieces {
		i := strings.Index(in[at:], piece)
		if i < 0 {
			return false
		}
		at += i + len(piece)
	}
	return true
}

func ExampleString() {
	fmt.Println(String("dial postgres://app:hunter2@db:5432/app: connection refused"))
	fmt.Println(String(`host=db user=app password='s3 cr3t' sslmode=require`))
	fmt.Println(String("GET /v1/me: 401 (Authorization: Bearer eyJhbGciOi.eyJzdWIi.c2ln)"))
	// Output:
	// dial postgres://app:***@db:5432/app: connection refused
	// host=db user=app password='***' sslmode=require
	// GET /v1/me: 401 (Authorization: Bearer ***)
}

func ExampleURL() {
	fmt.Println(URL("https://bob:pw@api.example.com/cb?code=1&client_secret=s,x"))
	// Output:
	// https://bob:***@api.example.com/cb?code=1&client_secret=***
}
