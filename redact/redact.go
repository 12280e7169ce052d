package redact

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
)

// Marker is what [String] and [URL] put in place of a secret.
const Marker = "***"

// String returns s with the secrets it recognizes replaced by
// [Marker]. It is meant for free text that may quote a connection
// string or a request: a driver's error message, a URL, a DSN, a header dump.
// The vitals monitor applies it to every result before the result is recorded.
//
// String finds secrets in these shapes:
//
//   - URL user info: in "scheme://user:pass@host", the password is redacted
//     and the user kept. The user info starts right after "://" and ends at
//     the last '@' before the first '/', '?', '#', '"', '<', '>', space or
//     control byte, as for [url.Parse]; the password runs from the first ':'
//     in it to that '@', so it may contain '@' and ':'. One exception covers
//     passwords with an unescaped '/', '?' or '#', which url.Parse rejects
//     with an error that quotes the URL: when the part before that byte has
//     no '@' and is no valid host (a ':' not followed by a port number, as in
//     "user:p/ss@host"), the user info ends at the last '@' before the next
//     space, quote, '<', '>' or "://".
//   - A token as a URL's user name: in "https://TOKEN@host" (no password,
//     an empty one, or GitHub's "x-oauth-basic"), a user name that looks
//     generated — 20 bytes or more of letters, digits, '-', '_', '.' and
//     '~', with a letter and a digit — is redacted. Other user names
//     ("http://user@host", "postgres://app@db") are kept.
//   - MySQL DSNs: in "user:pass@tcp(host:3306)/db" or "user:pass@/db", the
//     password between the first ':' and an '@' that is followed by
//     "net(" or '/' is redacted.
//   - Key/value pairs: the value after a secret key and '=' ("password=x",
//     "?token=x&user=y", "password = 'a b'"), or after a quoted secret key and
//     ':' (`"password": "x"`, `'token':'x'`), or after an unquoted secret key
//     and ':' ("map[password:x]", "{Password:x}", "X-Api-Key:[x]"; a key
//     right after "://" is a URL's user name, left to the URL rule). A quoted
//     value ends at its closing quote (a backslash escapes the quote) or at
//     the end of s; a value in brackets (a Go header dump) at ']' or the end
//     of the line; an unquoted one at a space, control byte or one of
//     & ; , " ' ( ) [ ] { } < >.
//   - Header lines: after an unquoted secret key, ':' and a space
//     ("X-Api-Key: x", "password: x"), the value is redacted unless it reads
//     as the text of a Go error: a lowercase word followed by more words or
//     by ':' ("password: authentication failed"), or one of a few words that
//     say what is wrong with a credential ("token: expired").
//   - Authorization: after an "Authorization" key (either separator, spaces
//     allowed), the credential after a known scheme word is redacted and the
//     scheme kept ("Authorization: Bearer ***", "authorization=Basic ***");
//     a credential with no scheme word is redacted whole. The credential is
//     a token68 (RFC 7235): letters, digits and - . _ ~ + / with trailing
//     '=' padding; auth-params (`Digest username="u"`) are not redacted.
//   - Cookies: after a "Cookie" key, the value of every name=value pair
//     ("Cookie: sid=***; theme=***"); after "Set-Cookie", the value of the
//     first pair, not the attributes ("Set-Cookie: sid=***; Path=/").
//   - Bearer tokens anywhere: the token68 after the word "Bearer" (any case)
//     and a space, unless it is a short lowercase word, which is prose
//     ("missing bearer token"), or an auth-param of a challenge
//     (`WWW-Authenticate: Bearer realm="api"`).
//   - JSON Web Tokens anywhere: a word starting with "eyJ" that has at least
//     three '.'-separated parts (header.payload.signature).
//   - PEM private keys: everything between a "-----BEGIN … PRIVATE KEY-----"
//     line and the next "-----END ", or the end of s; the two lines are
//     kept.
//   - Tokens of well-known providers anywhere, by their prefix: cloud access
//     keys (AKIA…), GitHub (ghp_…, github_pat_…), GitLab (glpat-…), Slack
//     (xoxb-…, and webhook URLs), Microsoft Teams and Discord webhook URLs,
//     ntfy (tk_…), Stripe (sk_live_…), Google (AIza…, ya29.…), npm, PyPI,
//     Hugging Face and others; the prefix is kept
//     ("ghp_***"). The table tokenFormats in tokens.go lists them.
//
// Keys match whole, ignoring case and treating '-' like '_': password,
// passwd, pwd, pass, passphrase, secret, token, apikey, api_key, secret_key,
// private_key, secret_access_key, access_key, accesskey, accountkey,
// credential, credentials, signature, routing_key (PagerDuty),
// integration_key, sig, sslpassword, pgpassword. A key may
// also end in one of these after '_', '-' or a camel-case hump
// ("access_token", "client_secret", "X-Api-Key", "X-Amz-Signature",
// "dbPassword"), except for pass, sig and the libpq names. So "compass=x",
// "bypass=x" and "tokenizer=x" are not secrets.
//
// Secrets that touch or overlap are replaced by one marker, and a secret made
// only of '*' counts as redacted already. Replacing a secret can remove a
// delimiter that ended another match, so String applies its rules again until
// they find nothing new; String(String(s)) == String(s). Text contrived so
// that this does not settle within a few passes comes back as
// [Marker] alone. String works on bytes and accepts any input,
// including invalid UTF-8. When s holds no secret, String returns s itself
// without allocating.
func String(s string) string {
	if s == "" {
		return s // most results of a passing check have no message
	}
	for pass := 0; ; pass++ {
		probe := redactor{s: s}
		probe.scan()
		if !probe.found {
			return s
		}
		if pass == maxRedactPasses {
			return Marker
		}
		r := redactor{s: s, collect: true}
		r.scan()
		s = r.build()
	}
}

// maxRedactPasses bounds the work on text built to defeat the rules. A
// marker can remove a delimiter that ended another rule's match ("key://…"
// loses its "//"), so String repeats until a pass finds nothing new. Every
// pass removes at least one byte that is not '*', so the loop ends; real
// messages settle after one pass.
const maxRedactPasses = 8

// URL returns the URL raw with its secrets replaced by
// [Marker]: the password of its user info and the values of query
// and fragment parameters whose names are secret keys (as listed for
// [String]). Unlike [String], it takes a parameter's value whole up to the
// next '&', so "?password=a,b" loses all of "a,b". The URL is rebuilt with
// [url.URL.String] only when something was redacted. The result then goes
// through [String] to catch secrets elsewhere, e.g. in the path. A raw that
// does not parse as a URL with an authority ("host:5432", "user:pw@tcp(h)/db",
// text) is passed to [String] alone.
func URL(raw string) string {
	// As in String, one step can expose work for the other: url.URL.String
	// re-escapes what String then reads differently. Repeat until stable.
	for pass := 0; ; pass++ {
		next := redactURLOnce(raw)
		if next == raw {
			return raw
		}
		if pass == maxRedactPasses {
			return Marker
		}
		raw = next
	}
}

func redactURLOnce(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || (u.Host == "" && u.User == nil) {
		return String(raw)
	}
	changed := false
	if pw, ok := u.User.Password(); ok && pw != "" && pw != Marker {
		u.User = url.UserPassword(u.User.Username(), Marker)
		changed = true
	}
	if q, ok := redactParams(u.RawQuery); ok {
		u.RawQuery = q
		changed = true
	}
	if f, ok := redactParams(u.EscapedFragment()); ok {
		// f only differs from a valid escaped fragment by markers, so it
		// unescapes; the fallback keeps the fragment's secrets out anyway.
		frag, err := url.PathUnescape(f)
		if err != nil {
			frag, f = Marker, ""
		}
		u.Fragment, u.RawFragment = frag, f
		changed = true
	}
	if changed {
		raw = u.String()
	}
	return String(raw)
}

// redactParams redacts the values of secret keys in an escaped query such as
// "a=1&password=x". It reports whether it changed anything.
func redactParams(q string) (string, bool) {
	if !strings.Contains(q, "=") {
		return q, false
	}
	var b strings.Builder
	changed := false
	for i, part := range strings.Split(q, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		k, v, ok := strings.Cut(part, "=")
		if key, err := url.QueryUnescape(k); err == nil {
			k = key
		}
		if ok && v != "" && v != Marker && (isSecretKey(k) || isAuthKey(k)) {
			part = part[:len(part)-len(v)] + Marker
			changed = true
		}
		b.WriteString(part)
	}
	return b.String(), changed
}

// A redactRule finds one shape of secret. The rules are a table so that
// each shape has an example the tests hold it to.
type redactRule struct {
	name    string
	scan    ruleScan
	example string // text with a secret of this shape
	want    string // what String makes of it
}

// ruleScan names a rule's scanner. A switch calls it: through a func
// value the redactor would escape to the heap, and String allocates
// nothing for text without secrets.
type ruleScan uint8

const (
	scanURLPasswords ruleScan = iota
	scanURLUsers
	scanMySQL
	scanPairs
	scanBearer
	scanJWTs
	scanPEM
	scanTokens
)

func (r *redactor) run(k ruleScan) {
	switch k {
	case scanURLPasswords:
		r.scanURLs(false)
	case scanURLUsers:
		r.scanURLs(true)
	case scanMySQL:
		r.scanMySQL()
	case scanPairs:
		r.scanPairs()
	case scanBearer:
		r.scanBearer()
	case scanJWTs:
		r.scanJWTs()
	case scanPEM:
		r.scanPEM()
	case scanTokens:
		r.scanTokens()
	}
}

// redactRules are run in turn by every scan; see [String] for each shape.
// Key/value pairs dispatch further by key (keyRules), provider tokens by
// prefix (tokenFormats).
var redactRules = []redactRule{
	{"URL password", scanURLPasswords,
		"dial postgres://app:hunter2@db:5432/app: refused", "dial postgres://app:***@db:5432/app: refused"},
	{"token as URL user name", scanURLUsers,
		"git fetch https://0123456789abcdef0123456789abcdef01234567@git.example.com/o/r.git",
		"git fetch https://***@git.example.com/o/r.git"},
	{"MySQL DSN password", scanMySQL,
		"open root:s3cret@tcp(db:3306)/app: denied", "open root:***@tcp(db:3306)/app: denied"},
	{"key/value pair", scanPairs,
		"host=db password=s3cret sslmode=require", "host=db password=*** sslmode=require"},
	{"Bearer token", scanBearer,
		"got 401 with Bearer abc.DEF-123 from api", "got 401 with Bearer *** from api"},
	{"JSON Web Token", scanJWTs,
		"token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln expired", "token *** expired"},
	{"PEM private key", scanPEM,
		"key: -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
		"key: -----BEGIN RSA PRIVATE KEY-----***-----END RSA PRIVATE KEY-----"},
	{"provider token", scanTokens,
		"slack: invalid_auth for xoxb-" + "1234567890-abcdefghijkl", "slack: invalid_auth for xoxb-***"},
}

// redactor finds the secrets in s. Each rule scans the whole of s on its own
// and the spans are merged at the end, so one rule's match never hides a
// secret from another: a password in a URL is found whatever text surrounds
// the URL.
type redactor struct {
	s       string
	collect bool         // record spans; otherwise stop at the first real secret
	found   bool         // a span with a byte other than '*' was seen
	noAt    bool         // s has no '@': no URL user info, no DSN
	spans   []secretSpan // when collect
}

type secretSpan struct{ start, end int }

func (r *redactor) scan() {
	r.noAt = strings.IndexByte(r.s, '@') < 0 // once for the three rules that need one
	for i := range redactRules {
		if r.done() {
			return
		}
		r.run(redactRules[i].scan)
	}
}

// done reports whether a probing scan can stop.
func (r *redactor) done() bool { return r.found && !r.collect }

func (r *redactor) add(start, end int) {
	if start >= end {
		return
	}
	if strings.Trim(r.s[start:end], "*") != "" {
		r.found = true // not redacted yet
	}
	if r.collect {
		r.spans = append(r.spans, secretSpan{start, end})
	}
}

// build replaces the spans by markers. Spans that overlap or touch become
// one marker: two markers in a row would read as a new, longer secret.
func (r *redactor) build() string {
	slices.SortFunc(r.spans, func(a, b secretSpan) int { return cmp.Compare(a.start, b.start) })
	var b strings.Builder
	b.Grow(len(r.s))
	last := 0 // end of the text already written or redacted
	for i := 0; i < len(r.spans); {
		start, end := r.spans[i].start, r.spans[i].end
		for i++; i < len(r.spans) && r.spans[i].start <= end; i++ {
			end = max(end, r.spans[i].end)
		}
		b.WriteString(r.s[last:start])
		b.WriteString(Marker)
		last = end
	}
	b.WriteString(r.s[last:])
	return b.String()
}
