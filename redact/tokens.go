package redact

import (
	"math"
	"strings"
)

// scanBearer redacts the token after "bearer " in any case.
func (r *redactor) scanBearer() {
	r.scanBearerFrom('b')
	r.scanBearerFrom('B')
}

// scanBearerFrom is scanBearer for the words that start with b.
func (r *redactor) scanBearerFrom(b byte) {
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

// scanPEM redacts the body of PEM private keys (PKCS #1 and #8, SEC 1,
// OpenSSH, encrypted, PGP): from the end of the BEGIN line to the next
// "-----END ", or to the end of s, so a key cut short is redacted too.
func (r *redactor) scanPEM() {
	s := r.s
	const label = "PRIVATE KEY"
	for i := 0; !r.done(); {
		j := strings.Index(s[i:], label)
		if j < 0 {
			return
		}
		p := i + j
		i = p + len(label)
		h := i
		if strings.HasPrefix(s[h:], " BLOCK") {
			h += len(" BLOCK")
		}
		if !strings.HasPrefix(s[h:], "-----") {
			continue
		}
		h += len("-----")
		// "-----BEGIN ENCRYPTED PRIVATE KEY-----": the BEGIN is a few
		// upper-case words before.
		before := s[max(0, p-40):p]
		b := strings.LastIndex(before, "-----BEGIN ")
		if b < 0 || !pemType(before[b+len("-----BEGIN "):]) {
			continue
		}
		end := strings.Index(s[h:], "-----END ")
		if end < 0 {
			end = len(s)
		} else {
			end += h
		}
		r.add(h, end)
		i = max(i, end)
	}
}

// pemType reports whether w is the type words before "PRIVATE KEY", as
// "RSA " or "ENCRYPTED ".
func pemType(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c != ' ' && byteClasses[c]&(classUpper|classDigit) == 0 {
			return false
		}
	}
	return true
}

// A tokenFormat is a provider's token, known by its prefix: the bytes of
// chars that follow it are redacted when there are at least min of them.
type tokenFormat struct {
	name    string
	prefix  string
	chars   byteClass
	min     int
	example string
	want    string
}

// tokenFormats are the credentials of major providers that have a fixed
// prefix, so they are found wherever they are quoted. The examples are
// built from pieces so that no secret scanner takes them for real ones.
var tokenFormats = []tokenFormat{
	{"AWS access key ID", "AKIA", classUpper | classDigit, 16, "id AKIA" + "IOSFODNN7EXAMPLE denied", "id AKIA*** denied"},
	{"AWS temporary access key ID", "ASIA", classUpper | classDigit, 16, "ASIA" + "Y34FZKBOKMUTVV7A", "ASIA***"},
	{"GitHub personal access token", "ghp_", classAlnum, 30, "ghp_" + exampleToken, "ghp_***"},
	{"GitHub OAuth token", "gho_", classAlnum, 30, "gho_" + exampleToken, "gho_***"},
	{"GitHub user-to-server token", "ghu_", classAlnum, 30, "ghu_" + exampleToken, "ghu_***"},
	{"GitHub server-to-server token", "ghs_", classAlnum, 30, "'ghs_" + exampleToken + "'", "'ghs_***'"},
	{"GitHub refresh token", "ghr_", classAlnum, 30, "ghr_" + exampleToken, "ghr_***"},
	{"GitHub fine-grained token", "github_pat_", classAlnum | classUnder, 30, "github_pat_" + exampleToken + "_" + exampleToken, "github_pat_***"},
	{"GitLab personal access token", "glpat-", classAlnum | classUnder | classDash, 20, "glpat-" + exampleToken[:20], "glpat-***"},
	{"GitLab deploy token", "gldt-", classAlnum | classUnder | classDash, 20, "gldt-" + exampleToken[:20], "gldt-***"},
	{"GitLab runner token", "glrt-", classAlnum | classUnder | classDash, 20, "glrt-" + exampleToken[:20], "glrt-***"},
	{"Slack bot token", "xoxb-", classAlnum | classDash, 20, "xoxb-" + "17653672481-19874698323-" + exampleToken[:24], "xoxb-***"},
	{"Slack user token", "xoxp-", classAlnum | classDash, 20, "xoxp-" + "17653672481-19874698323-" + exampleToken[:24], "xoxp-***"},
	{"Slack app token", "xapp-", classAlnum | classDash, 20, "xapp-" + "1-A0123456789-" + exampleToken, "xapp-***"},
	{"Slack rotating token", "xoxe.", classAlnum | classDash, 20, "xoxe.xoxp-" + "1-" + exampleToken, "xoxe.***"},
	{"Slack refresh token", "xoxe-", classAlnum | classDash, 20, "xoxe-" + "1-" + exampleToken, "xoxe-***"},
	{"Slack webhook", "hooks.slack.com/services/", classAlnum | classSlash, 20,
		"POST https://hooks.slack.com/services/" + "T00000000/B00000000/" + exampleToken[:24] + ": 404",
		"POST https://hooks.slack.com/services/***: 404"},
	{"Microsoft Teams connector webhook", "webhook.office.com/webhookb2/", classAlnum | classSlash | classDash | classAt, 20,
		"https://example.webhook.office.com/webhookb2/" + "0123abcd-0123@4567/IncomingWebhook/" + exampleToken, "https://example.webhook.office.com/webhookb2/***"},
	{"Microsoft Teams legacy webhook", "outlook.office.com/webhook/", classAlnum | classSlash | classDash | classAt, 20,
		"https://outlook.office.com/webhook/" + "0123abcd@4567/IncomingWebhook/" + exampleToken, "https://outlook.office.com/webhook/***"},
	{"ntfy access token", "tk_", classAlnum, 29, "ntfy refused tk_" + exampleToken[:29], "ntfy refused tk_***"},
	{"Discord webhook", "discord.com/api/webhooks/", classAlnum | classSlash | classDash | classUnder, 20,
		"https://discord.com/api/webhooks/" + "123456789012345678/" + exampleToken, "https://discord.com/api/webhooks/***"},
	{"Stripe secret key", "sk_live_", classAlnum, 16, "sk_live_" + exampleToken[:24], "sk_live_***"},
	{"Stripe test key", "sk_test_", classAlnum, 16, "sk_test_" + exampleToken[:24], "sk_test_***"},
	{"Stripe restricted key", "rk_live_", classAlnum, 16, "rk_live_" + exampleToken[:24], "rk_live_***"},
	{"Stripe webhook secret", "whsec_", classAlnum, 16, "whsec_" + exampleToken, "whsec_***"},
	{"Google API key", "AIza", classAlnum | classUnder | classDash, 30, "key=AIza" + "SyA-" + exampleToken[:31], "key=AIza***"},
	{"Google OAuth access token", "ya29.", classAlnum | classUnder | classDash | classDot, 20, "ya29." + "a0Af" + exampleToken, "ya29.***"},
	{"Google OAuth client secret", "GOCSPX-", classAlnum | classUnder | classDash, 20, "GOCSPX-" + exampleToken[:28], "GOCSPX-***"},
	{"npm token", "npm_", classAlnum, 30, "//registry.npmjs.org/:_auth=npm_" + exampleToken, "//registry.npmjs.org/:_auth=npm_***"},
	{"PyPI token", "pypi-AgEIcHlwaS5vcmc", classAlnum | classUnder | classDash, 20, "pypi-AgEIcHlwaS5vcmc" + exampleToken, "pypi-AgEIcHlwaS5vcmc***"},
	{"Hugging Face token", "hf_", classAlnum, 30, "hf_" + exampleToken[:34], "hf_***"},
	{"OpenAI or Anthropic API key", "sk-", classAlnum | classUnder | classDash, 32, "sk-proj-" + exampleToken + exampleToken, "sk-***"},
	{"DigitalOcean token", "dop_v1_", classAlnum, 40, "dop_v1_" + exampleToken + exampleToken, "dop_v1_***"},
	{"Shopify access token", "shpat_", classAlnum, 32, "shpat_" + exampleToken[:32], "shpat_***"},
	{"Shopify shared secret", "shpss_", classAlnum, 32, "shpss_" + exampleToken[:32], "shpss_***"},
	{"SendGrid API key", "SG.", classAlnum | classUnder | classDash | classDot, 40, "SG." + exampleToken[:22] + "." + exampleToken, "SG.***"},
}

// exampleToken stands for a provider token's random part in the examples.
const exampleToken = "Xq3vT8kP2mZr5Lw9Nc4Hb7Jd1Fg6Ys0AeUi"

// tokenFirst lists, by first byte, the tokenFormats whose prefix starts
// with it.
var tokenFirst = func() (t [256][]uint8) {
	for k, f := range tokenFormats {
		t[f.prefix[0]] = append(t[f.prefix[0]], uint8(k))
	}
	return t
}()

// tokenMinLen is the length of the shortest token any format accepts.
var tokenMinLen = func() int {
	n := math.MaxInt
	for _, f := range tokenFormats {
		n = min(n, len(f.prefix)+f.min)
	}
	return n
}()

// scanTokens redacts provider tokens that start a word. A token lies in a
// run of at least tokenMinLen bytes of letters, digits, '_', '-', '.' and
// '/', and such a run holds one of every tokenMinLen-th bytes of s: looking
// at those alone passes over most text, as String must for every message.
func (r *redactor) scanTokens() {
	s := r.s
	for i := tokenMinLen - 1; i < len(s) && !r.done(); i += tokenMinLen {
		if byteClasses[s[i]] == 0 {
			continue
		}
		end := i + 1
		for end < len(s) && byteClasses[s[end]] != 0 {
			end++
		}
		// Walk left only as far as a long run could start: in prose the
		// probe lands in a short word, and one of its ends is near.
		start, stop := i, max(0, min(i, end-tokenMinLen))
		for start > stop && byteClasses[s[start-1]] != 0 {
			start--
		}
		if start == stop && end-start >= tokenMinLen {
			for start > 0 && byteClasses[s[start-1]] != 0 {
				start--
			}
			r.tokensIn(start, end)
		}
		i = end // s[end] is no run byte: the next run starts past it
	}
}

// tokensIn redacts the tokens in the run s[start:end]. A token starts the
// run or follows one of its bytes that is no word byte ('-', '.', '/').
func (r *redactor) tokensIn(start, end int) {
	s := r.s
	for p := start; p < end && !r.done(); p++ {
		for _, k := range tokenFirst[s[p]] {
			if e := r.token(p, &tokenFormats[k]); e > 0 {
				p = e
				break
			}
		}
		for p < end && isWordByte(s[p]) {
			p++ // to the next '-', '.' or '/', after which the next may start
		}
	}
}

// token redacts the token of format f that starts at i, if one does, and
// returns its end, or 0.
func (r *redactor) token(i int, f *tokenFormat) int {
	s := r.s
	if !strings.HasPrefix(s[i:], f.prefix) || i > 0 && isWordByte(s[i-1]) {
		return 0
	}
	v := i + len(f.prefix)
	end := v
	for end < len(s) && byteClasses[s[end]]&f.chars != 0 {
		end++
	}
	if end-v < f.min {
		return 0
	}
	r.add(v, end)
	return end
}

// byteClass is a set of kinds of byte, for the characters of a token.
type byteClass uint8

const (
	classLower byteClass = 1 << iota
	classUpper
	classDigit
	classUnder
	classDash
	classDot
	classSlash
	classAt

	classAlnum = classLower | classUpper | classDigit
)

var byteClasses = func() (t [256]byteClass) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = classLower
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = classUpper
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = classDigit
	}
	t['_'], t['-'], t['.'], t['/'], t['@'] = classUnder, classDash, classDot, classSlash, classAt
	return t
}()
