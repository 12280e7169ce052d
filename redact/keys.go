package redact

import (
	"slices"
	"strings"
)

// A keyRule redacts the value after one kind of key. The first rule whose
// key matches decides.
type keyRule struct {
	name    string
	key     func(k string) bool
	ends    string // the last letters of the keys it matches, lowercase
	value   keyValueKind
	example string
	want    string
}

// keyValueKind names how a keyRule reads its value; see keyRule.redact.
type keyValueKind uint8

const (
	valueAuth keyValueKind = iota
	valueSetCookie
	valueCookie
	valueSecret
)

var keyRules = []keyRule{
	{"Authorization", isAuthKey, "n", valueAuth,
		"Proxy-Authorization: Basic dXNlcjpwYXNz", "Proxy-Authorization: Basic ***"},
	{"Set-Cookie", isSetCookieKey, "e", valueSetCookie,
		"Set-Cookie: sid=31d4d96e407aad42; Path=/; HttpOnly", "Set-Cookie: sid=***; Path=/; HttpOnly"},
	{"Cookie", isCookieKey, "e", valueCookie,
		"Cookie: sid=31d4d96e407aad42; lang=en-US", "Cookie: sid=***; lang=***"},
	{"secret key", isSecretKey, lastLetters(exactKeys, suffixKeys), valueSecret,
		"X-Api-Key: 8f14e45fceea167a", "X-Api-Key: ***"},
}

// redactValue redacts the value of a key of the given kind starting at v
// and returns its end, or 0. spaced is set after an unquoted key, ':' and blanks: a header
// line or the prefix of a Go error.
func (r *redactor) redactValue(kind keyValueKind, key string, v int, spaced bool) int {
	switch kind {
	case valueAuth:
		return r.authValue(v)
	case valueSetCookie:
		return r.cookieValue(key, v, false, spaced)
	case valueCookie:
		return r.cookieValue(key, v, true, spaced)
	}
	return r.secretValue(key, v, spaced)
}

// scanPairs redacts the values of secret keys, after '=' or ':'.
func (r *redactor) scanPairs() {
	r.scanKeys('=')
	r.scanKeys(':')
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
	if start == end {
		return 0
	}
	v := sep + 1
	for v < len(s) && isBlank(s[v]) {
		v++
	}
	compact := s[sep] == ':' && !quoted
	if compact && v == sep+1 && strings.HasSuffix(s[:start], "://") {
		return 0 // in "https://token:x@host" the URL rule knows where x ends
	}
	key := s[start:end]
	rules := keyRulesByLast[key[len(key)-1]]
	if rules == 0 {
		return 0 // the common case: most keys are no secret's, found fast
	}
	for i := range keyRules {
		if rules&(1<<i) != 0 && keyRules[i].key(key) {
			return r.redactValue(keyRules[i].value, key, v, compact && v != sep+1)
		}
	}
	return 0
}

// secretValue redacts the value of the secret key k.
func (r *redactor) secretValue(k string, v int, spaced bool) int {
	if spaced && (isExactKey(k) || r.errorText(v)) {
		// "pass: all checks passing" is a status, not a header: the
		// short exact names are words, and no header is named by them.
		return 0
	}
	return r.value(v)
}

// errorText reports whether the value at v, after "key: ", is the text of
// a Go error rather than a secret: "token: expired", "password:
// authentication failed for user", "token: open /run/token: denied",
// "bad token: Authorization: Bearer x".
func (r *redactor) errorText(v int) bool {
	s := r.s
	end := v
	for end < len(s) && 'a' <= s[end] && s[end] <= 'z' {
		end++
	}
	key := end
	for key < len(s) && isKeyByte(s[key]) {
		key++
	}
	if key > v && key < len(s) && s[key] == ':' {
		return true // a key of its own: "token: Authorization: Bearer x"
	}
	if end == v {
		return false
	}
	word := s[v:end]
	for end < len(s) && (s[end] == '.' || s[end] == ',') {
		end++
	}
	switch {
	case end == len(s) || s[end] == '\n' || s[end] == '\r':
		return isErrorWord(word)
	case s[end] == ':':
		return true // the next link of an error chain
	case s[end] == ' ':
		return end+1 < len(s) && ('a' <= s[end+1] && s[end+1] <= 'z' || s[end+1] == '/')
	}
	return false
}

// errorWords say what is wrong with a credential. After "token: " they end
// an error, where any other lone word could be the credential itself.
var errorWords = []string{
	"expired", "invalid", "missing", "required", "empty", "revoked", "denied",
	"unauthorized", "forbidden", "malformed", "unknown", "incorrect", "wrong",
	"rejected", "mismatch", "unset", "none", "null", "nil", "redacted",
}

func isErrorWord(w string) bool {
	for _, e := range errorWords {
		if w == e {
			return true
		}
	}
	return false
}

// value redacts the quoted, bracketed or unquoted value starting at v.
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
	if v < len(s) && s[v] == '[' {
		// A Go header dump, "X-Api-Key:[a b]": the values up to ']'.
		end := v + 1
		for end < len(s) && s[end] != ']' && s[end] != '\n' {
			end++
		}
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

// cookieValue redacts cookie values starting at v: those of every
// "name=value" pair separated by ';' when all is set (a Cookie header),
// else of the first pair only (Set-Cookie, whose attributes are no secret).
// A value with no "name=" is redacted as a secret key's.
func (r *redactor) cookieValue(key string, v int, all, spaced bool) int {
	s := r.s
	p := v
	for p < len(s) && (s[p] == '"' || s[p] == '\'' || s[p] == '[') {
		p++
	}
	end := v
	for first := true; ; first = false {
		n := p
		for n < len(s) && (isKeyByte(s[n]) || s[n] == '.') {
			n++
		}
		if n == p || n == len(s) || s[n] != '=' {
			if first {
				return r.secretValue(key, v, spaced)
			}
			return end
		}
		end = n + 1
		for end < len(s) && !endsCookie(s[end]) {
			end++
		}
		r.add(n+1, end)
		if !all || end == len(s) || s[end] != ';' {
			return end
		}
		for p = end + 1; p < len(s) && isBlank(s[p]); p++ {
		}
	}
}

// endsCookie reports whether c ends a cookie value: RFC 6265 allows no
// whitespace, '"', ',', ';' or '\' in one; ']' and '\” end a dump's quoting.
func endsCookie(c byte) bool {
	switch c {
	case ';', ',', '"', '\'', '\\', ']':
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
		// A scheme this package does not know ("SSWS x", a vendor's
		// "GenieKey x"): a word of letters followed by a long token.
		if schemeLike(s[v:end]) && end+1 < len(s) && s[end] == ' ' {
			if e := credEnd(s, end+1); e-(end+1) >= 8 {
				r.add(end+1, e)
				return e
			}
		}
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

var authSchemes = []string{"basic", "bearer", "digest", "negotiate", "ntlm", "token", "geniekey"}

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
		"access_key", "accesskey", "accountkey", "credential", "credentials",
		"signature", "routing_key", "integration_key",
	}
)

// keyRulesByLast holds, by the last byte of a key in either case, the set
// of keyRules (bit i for keyRules[i]) that may match it. keyValue runs at
// every ':' and '=' of every message, most of them after keys of no rule.
var keyRulesByLast = func() (t [256]uint8) {
	for i, rule := range keyRules {
		for _, c := range []byte(rule.ends) {
			t[c] |= 1 << i
			t[c-'a'+'A'] |= 1 << i
		}
	}
	return t
}()

// lastLetters returns the last letters of the names in each list.
func lastLetters(lists ...[]string) string {
	var b []byte
	for _, names := range lists {
		for _, name := range names {
			if c := name[len(name)-1]; !slices.Contains(b, c) {
				b = append(b, c)
			}
		}
	}
	return string(b)
}

// suffixKeysByLast holds suffixKeys by their last letter, so that a key is
// compared with the few names that end as it does: String looks at the key
// before every ':' and '=' of every message.
var suffixKeysByLast = func() (t [256][]string) {
	for _, name := range suffixKeys {
		c := name[len(name)-1]
		t[c] = append(t[c], name)
		t[c-'a'+'A'] = t[c]
	}
	return t
}()

func isSecretKey(k string) bool {
	if len(k) < len("pwd") {
		return false
	}
	if isExactKey(k) {
		return true
	}
	for _, name := range suffixKeysByLast[k[len(k)-1]] {
		if hasKeySuffix(k, name) {
			return true
		}
	}
	return false
}

func isExactKey(k string) bool {
	for _, name := range exactKeys {
		if equalFoldKey(k, name) {
			return true
		}
	}
	return false
}

// isAuthKey reports whether k is "Authorization" or "Proxy-Authorization",
// whose value starts with a scheme word to keep.
func isAuthKey(k string) bool { return hasKeySuffix(k, "authorization") }

func isCookieKey(k string) bool { return equalFoldKey(k, "cookie") }

func isSetCookieKey(k string) bool { return equalFoldKey(k, "set_cookie") }

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

// schemeLike reports whether w could be an authentication scheme's name:
// letters and '-' only, as schemes are, unlike most credentials.
func schemeLike(w string) bool {
	if w == "" || len(w) > 32 {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}
