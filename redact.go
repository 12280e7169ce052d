package vitals

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
)

// RedactedMarker is what [Redact] and [RedactURL] put in place of a secret.
const RedactedMarker = "***"

// Redact returns s with the secrets it recognizes replaced by
// [RedactedMarker]. It is meant for free text that may quote a connection
// string or a request: a driver's error message, a URL, a DSN, a header dump.
// The monitor applies it to every [Result] before the result is recorded.
//
// Redact finds secrets in these shapes:
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
//     space, quote, '<', '>' or "://". User info without a password
//     ("http://user@host") is kept as is.
//   - MySQL DSNs: in "user:pass@tcp(host:3306)/db" or "user:pass@/db", the
//     password between the first ':' and an '@' that is followed by
//     "net(" or '/' is redacted.
//   - Key/value pairs: the value after a secret key and '=' ("password=x",
//     "?token=x&user=y", "password = 'a b'"), or after a quoted secret key and
//     ':' (`"password": "x"`, `'token':'x'`), or after an unquoted secret key
//     and ':' with no space after it ("map[password:x]", "{Password:x}"; the
//     space rule keeps Go error prefixes such as "token: expired" intact, and
//     a key right after "://" is a URL's user name, left to the URL rule). A
//     quoted value ends at its closing quote (a backslash escapes the quote)
//     or at the end of s; an unquoted one ends at a space, control byte or
//     one of & ; , " ' ( ) [ ] { } < >.
//   - Authorization: after an "Authorization" key (either separator, spaces
//     allowed), the credential after a known scheme word is redacted and the
//     scheme kept ("Authorization: Bearer ***", "authorization=Basic ***");
//     a credential with no scheme word is redacted whole. The credential is
//     a token68 (RFC 7235): letters, digits and - . _ ~ + / with trailing
//     '=' padding; auth-params (`Digest username="u"`) are not redacted.
//   - Bearer tokens anywhere: the token68 after the word "Bearer" (any case)
//     and a space, unless it is a short lowercase word, which is prose
//     ("missing bearer token"), or an auth-param of a challenge
//     (`WWW-Authenticate: Bearer realm="api"`).
//   - JSON Web Tokens anywhere: a word starting with "eyJ" that has at least
//     three '.'-separated parts (header.payload.signature).
//
// Keys match whole, ignoring case and treating '-' like '_': password,
// passwd, pwd, pass, passphrase, secret, token, apikey, api_key, secret_key,
// private_key, secret_access_key, signature, sig, sslpassword, pgpassword.
// A key may also end in one of these after '_', '-' or a camel-case hump
// ("access_token", "client_secret", "X-Api-Key", "X-Amz-Signature",
// "dbPassword"), except for pass, sig and the libpq names. So "compass=x",
// "bypass=x" and "tokenizer=x" are not secrets.
//
// Secrets that touch or overlap are replaced by one marker, and a secret made
// only of '*' counts as redacted already. Replacing a secret can remove a
// delimiter that ended another match, so Redact applies its rules again until
// they find nothing new; Redact(Redact(s)) == Redact(s). Text contrived so
// that this does not settle within a few passes comes back as
// [RedactedMarker] alone. Redact works on bytes and accepts any input,
// including invalid UTF-8. When s holds no secret, Redact returns s itself
// without allocating.
func Redact(s string) string {
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
			return RedactedMarker
		}
		r := redactor{s: s, collect: true}
		r.scan()
		s = r.build()
	}
}

// maxRedactPasses bounds the work on text built to defeat the rules. A
// marker can remove a delimiter that ended another rule's match ("key://…"
// loses its "//"), so Redact repeats until a pass finds nothing new. Every
// pass removes at least one byte that is not '*', so the loop ends; real
// messages settle after one pass.
const maxRedactPasses = 8

// RedactURL returns the URL raw with its secrets replaced by
// [RedactedMarker]: the password of its user info and the values of query
// and fragment parameters whose names are secret keys (as listed for
// [Redact]). Unlike [Redact], it takes a parameter's value whole up to the
// next '&', so "?password=a,b" loses all of "a,b". The URL is rebuilt with
// [url.URL.String] only when something was redacted. The result then goes
// through [Redact] to catch secrets elsewhere, e.g. in the path. A raw that
// does not parse as a URL with an authority ("host:5432", "user:pw@tcp(h)/db",
// text) is passed to [Redact] alone.
func RedactURL(raw string) string {
	// As in Redact, one step can expose work for the other: String
	// re-escapes what Redact then reads differently. Repeat until stable.
	for pass := 0; ; pass++ {
		next := redactURLOnce(raw)
		if next == raw {
			return raw
		}
		if pass == maxRedactPasses {
			return RedactedMarker
		}
		raw = next
	}
}

func redactURLOnce(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || (u.Host == "" && u.User == nil) {
		return Redact(raw)
	}
	changed := false
	if pw, ok := u.User.Password(); ok && pw != "" && pw != RedactedMarker {
		u.User = url.UserPassword(u.User.Username(), RedactedMarker)
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
			frag, f = RedactedMarker, ""
		}
		u.Fragment, u.RawFragment = frag, f
		changed = true
	}
	if changed {
		raw = u.String()
	}
	return Redact(raw)
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
		if ok && v != "" && v != RedactedMarker && (isSecretKey(k) || isAuthKey(k)) {
			part = part[:len(part)-len(v)] + RedactedMarker
			changed = true
		}
		b.WriteString(part)
	}
	return b.String(), changed
}

// redactor finds the secrets in s. Each rule scans the whole of s on its own
// and the spans are merged at the end, so one rule's match never hides a
// secret from another: a password in a URL is found whatever text surrounds
// the URL.
type redactor struct {
	s       string
	collect bool         // record spans; otherwise stop at the first real secret
	found   bool         // a span with a byte other than '*' was seen
	spans   []secretSpan // when collect
}

type secretSpan struct{ start, end int }

func (r *redactor) scan() {
	if strings.IndexByte(r.s, '@') >= 0 {
		r.scanURLs()
		r.scanMySQL()
	}
	r.scanKeys('=')
	r.scanKeys(':')
	r.scanBearer('b')
	r.scanBearer('B')
	r.scanJWTs()
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
		b.WriteString(RedactedMarker)
		last = end
	}
	b.WriteString(r.s[last:])
	return b.String()
}

// scanURLs redacts the password of "scheme://user:pass@host".
func (r *redactor) scanURLs() {
	s := r.s
	for i := 0; !r.done(); {
		j := strings.Index(s[i:], "://")
		if j < 0 {
			return
		}
		start := i + j + 3
		if at := userInfoEnd(s, start); at >= 0 {
			if colon := strings.IndexByte(s[start:at], ':'); colon >= 0 {
				r.add(start+colon+1, at)
			}
		}
		i = start
	}
}

// userInfoEnd returns the index of the '@' that ends the user info of the
// authority starting at start, or -1.
func userInfoEnd(s string, start int) int {
	end := start
	for end < len(s) && !endsURL(s[end]) && s[end] != '/' && s[end] != '?' && s[end] != '#' {
		end++
	}
	if at := strings.LastIndexByte(s[start:end], '@'); at >= 0 {
		return start + at
	}
	// "user:p/ss@host" makes url.Parse fail, and its error quotes the URL.
	// An authority with a colon not followed by a port, with no '@', is no
	// valid host: look for the '@' further on in the same word, but not
	// past the next URL, which keeps the scan linear.
	colon := strings.IndexByte(s[start:end], ':')
	if colon < 0 || s[start] == '[' || isPortNumber(s[start+colon+1:end]) {
		return -1
	}
	at := -1
	for k := end; k < len(s) && !endsURL(s[k]) && !strings.HasPrefix(s[k:], "://"); k++ {
		if s[k] == '@' {
			at = k
		}
	}
	return at
}

// endsURL reports whether c ends a URL: it cannot appear in one unescaped.
func endsURL(c byte) bool { return c <= ' ' || c == 0x7f || c == '"' || c == '<' || c == '>' }

func isPortNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// scanMySQL redacts the password of "user:pass@tcp(host)/db" and
// "user:pass@/db": go-sql-driver/mysql's DSN is not a URL.
func (r *redactor) scanMySQL() {
	s := r.s
	for i := 0; !r.done(); {
		j := strings.IndexByte(s[i:], '@')
		if j < 0 {
			return
		}
		at := i + j
		i = at + 1
		if !mysqlNetFollows(s[at+1:]) {
			continue
		}
		// '/' and '(' stop the walk, and one of them follows every
		// matching '@', so the walks never overlap.
		start := at
		for start > 0 && !endsMySQLUser(s[start-1]) {
			start--
		}
		if colon := strings.IndexByte(s[start:at], ':'); colon >= 0 {
			r.add(start+colon+1, at)
		}
	}
}

// mysqlNetFollows reports whether rest starts with "/" or "net(".
func mysqlNetFollows(rest string) bool {
	if strings.HasPrefix(rest, "/") {
		return true
	}
	n := 0
	for n < len(rest) && isWordByte(rest[n]) {
		n++
	}
	return n > 0 && n < len(rest) && rest[n] == '('
}

func endsMySQLUser(c byte) bool {
	switch c {
	case '/', '"', '\'', '`', '(', ')', '[', ']', '{', '}', '<', '>', ',':
		return true
	}
	return c <= ' ' || c == 0x7f
}

// scanKeys looks at every sep ('=' or ':') for a secret key before it.
func (r *redactor) scanKeys(sep byte) {
	s := r.s
	covered := 0 // end of the last value redacted by this scan
	for i := 0; !r.done(); {
		j := strings.IndexByte(s[i:], sep)
		if j < 0 {
			return
		}
		at := i + j
		i = at + 1
		// A separator inside a value just redacted belongs to that value;
		// skipping it also keeps "password='password='…" linear.
		if at < covered {
			continue
		}
		if end := r.keyValue(at); end > covered {
			covered = end
		}
	}
}

// keyValue redacts the value of the key whose separator is at sep, if the key
// is secret. It returns the end of the redacted value, or 0.
func (r *redactor) keyValue(sep int) int {
	s := r.s
	end := sep
	for end > 0 && isBlank(s[end-1]) {
		end--
	}
	quoted := end > 0 && (s[end-1] == '"' || s[end-1] == '\'')
	if quoted {
		end--
	}
	start := end
	for start > 0 && isKeyByte(s[start-1]) {
		start--
	}
	v := sep + 1
	for v < len(s) && isBlank(s[v]) {
		v++
	}
	key := s[start:end]
	switch {
	case isAuthKey(key):
		return r.authValue(v)
	case s[sep] == ':' && !quoted && (v != sep+1 || strings.HasSuffix(s[:start], "://")):
		// "token: expired" is an error prefix, not a pair, and in
		// "https://token:x@host" the URL rule knows where x ends.
		return 0
	case isSecretKey(key):
		return r.value(v)
	}
	return 0
}

// value redacts the quoted or unquoted value starting at v.
func (r *redactor) value(v int) int {
	s := r.s
	if v < len(s) && (s[v] == '"' || s[v] == '\'') {
		q, end := s[v], v+1
		for ; end < len(s) && s[end] != q; end++ {
			if s[end] == '\\' {
				end++
			}
		}
		end = min(end, len(s))
		r.add(v+1, end)
		return end
	}
	end := v
	for end < len(s) && !endsValue(s[end]) {
		end++
	}
	r.add(v, end)
	return end
}

func endsValue(c byte) bool {
	switch c {
	case '&', ';', ',', '"', '\'', '(', ')', '[', ']', '{', '}', '<', '>':
		return true
	}
	return c <= ' ' || c == 0x7f
}

// authValue redacts an Authorization value starting at v: "Bearer x",
// "[Basic x]" (a Go http.Header dump), or a bare credential.
func (r *redactor) authValue(v int) int {
	s := r.s
	if v < len(s) && (s[v] == '"' || s[v] == '\'' || s[v] == '[') {
		v++
	}
	end := credEnd(s, v)
	if !isAuthScheme(s[v:end]) {
		r.add(v, end)
		return end
	}
	cred := end
	for cred < len(s) && isBlank(s[cred]) {
		cred++
	}
	if cred == end {
		return end // a scheme with no credential
	}
	end = credEnd(s, cred)
	if !isAuthParam(s, cred, end) {
		r.add(cred, end)
	}
	return end
}

// isAuthParam reports whether s[start:end], read as a credential after a
// scheme, is the first parameter of a challenge (`Bearer realm="api"`) or of
// Digest credentials. A token68 credential (RFC 7235) has '=' only as
// trailing padding and no quote after it.
func isAuthParam(s string, start, end int) bool {
	tok := s[start:end]
	return strings.Contains(strings.TrimRight(tok, "="), "=") ||
		strings.HasSuffix(tok, "=") && end < len(s) && s[end] == '"'
}

// scanBearer redacts the token after "bearer " in any case, where the word
// starts with the byte b ('b' or 'B').
func (r *redactor) scanBearer(b byte) {
	s := r.s
	for i := 0; !r.done(); {
		j := strings.IndexByte(s[i:], b)
		if j < 0 {
			return
		}
		p := i + j
		i = p + 1
		if len(s)-p < len("bearer ") || !equalFoldKey(s[p+1:p+6], "earer") ||
			(p > 0 && isWordByte(s[p-1])) || !isBlank(s[p+6]) {
			continue
		}
		tok := p + 6
		for tok < len(s) && isBlank(s[tok]) {
			tok++
		}
		end := credEnd(s, tok)
		if !isProseWord(s[tok:end]) && !isAuthParam(s, tok, end) {
			r.add(tok, end)
		}
		i = max(i, end)
	}
}

// isProseWord reports whether w, after "bearer ", is more likely an English
// word than a credential: short, lowercase letters, maybe ending a sentence.
func isProseWord(w string) bool {
	w = strings.TrimRight(w, ".")
	if len(w) >= 16 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// scanJWTs redacts JSON Web Tokens: base64url JSON ("eyJ") in '.' separated
// parts.
func (r *redactor) scanJWTs() {
	s := r.s
	// 'J' is rarer than 'e' in prose, so look for it first.
	for i := 2; i < len(s) && !r.done(); {
		j := strings.IndexByte(s[i:], 'J')
		if j < 0 {
			return
		}
		p := i + j - 2
		if s[p:p+2] != "ey" {
			i = p + 3
			continue
		}
		end, dots := p, 0
		for ; end < len(s) && isJWTChar(s[end]); end++ {
			if s[end] == '.' {
				dots++
			}
		}
		for end > p && s[end-1] == '.' {
			end--
			dots--
		}
		if dots >= 2 && (p == 0 || !isJWTChar(s[p-1])) {
			r.add(p, end)
		}
		i = max(p+3, end)
	}
}

func isJWTChar(c byte) bool { return isWordByte(c) || c == '-' || c == '.' }

// credEnd returns the end of the token68 credential (RFC 7235) starting at
// i. '*' is included so that a redacted credential reads as one.
func credEnd(s string, i int) int {
	for i < len(s) && isCredChar(s[i]) {
		i++
	}
	return i
}

func isCredChar(c byte) bool {
	switch c {
	case '-', '.', '~', '+', '/', '=', '*':
		return true
	}
	return isWordByte(c)
}

var authSchemes = []string{"basic", "bearer", "digest", "negotiate", "ntlm", "token"}

func isAuthScheme(w string) bool {
	for _, scheme := range authSchemes {
		if equalFoldKey(w, scheme) {
			return true
		}
	}
	return false
}

// Secret key names, lowercase with '_' for '-'. suffixKeys also match at the
// end of a longer key after '_', '-' or a camel-case hump.
var (
	exactKeys  = []string{"pass", "sig", "sslpassword", "pgpassword"}
	suffixKeys = []string{
		"password", "passwd", "pwd", "passphrase", "secret", "token",
		"apikey", "api_key", "secret_key", "private_key", "secret_access_key",
		"signature",
	}
)

func isSecretKey(k string) bool {
	if len(k) < len("pwd") {
		return false
	}
	switch k[len(k)-1] | 0x20 { // the last letters of all the names above
	case 'd', 'e', 'g', 'n', 's', 't', 'y':
	default:
		return false
	}
	for _, name := range exactKeys {
		if equalFoldKey(k, name) {
			return true
		}
	}
	for _, name := range suffixKeys {
		if hasKeySuffix(k, name) {
			return true
		}
	}
	return false
}

// isAuthKey reports whether k is "Authorization" or "Proxy-Authorization",
// whose value starts with a scheme word to keep.
func isAuthKey(k string) bool { return hasKeySuffix(k, "authorization") }

// hasKeySuffix reports whether key is name, or ends with name at a word
// boundary: "client_secret", "X-Api-Key", "clientSecret".
func hasKeySuffix(key, name string) bool {
	n := len(key) - len(name)
	if n < 0 || key[len(key)-1]|0x20 != name[len(name)-1] || !equalFoldKey(key[n:], name) {
		return false
	}
	if n == 0 {
		return true
	}
	before, first := key[n-1], key[n]
	return before == '_' || before == '-' ||
		('A' <= first && first <= 'Z' && ('a' <= before && before <= 'z' || '0' <= before && before <= '9'))
}

// equalFoldKey reports whether s equals the lowercase name, ignoring ASCII
// case and reading '-' as '_'.
func equalFoldKey(s, name string) bool {
	if len(s) != len(name) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		} else if c == '-' {
			c = '_'
		}
		if c != name[i] {
			return false
		}
	}
	return true
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

func isKeyByte(c byte) bool { return isWordByte(c) || c == '-' }

func isBlank(c byte) bool { return c == ' ' || c == '\t' }
