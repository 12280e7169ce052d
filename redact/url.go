package redact

import "strings"

// scanURLs redacts the user info of "scheme://user:pass@host": the
// password, or with users a token given as the user name,
// "https://TOKEN@host", as git hosts and registries accept it. The two are
// separate rules, each with its example, and one loop.
func (r *redactor) scanURLs(users bool) {
	s := r.s
	if r.noAt {
		return
	}
	for i := 0; !r.done(); {
		j := strings.Index(s[i:], "://")
		if j < 0 {
			return
		}
		start := i + j + 3
		if at := userInfoEnd(s, start); at >= 0 {
			user, pw, hasPW := strings.Cut(s[start:at], ":")
			switch {
			case !users && hasPW:
				r.add(start+len(user)+1, at)
			// GitHub documents "TOKEN:x-oauth-basic@"; a real password
			// makes the user name an account name, which helps to read.
			case users && (pw == "" || pw == "x-oauth-basic") && generated(user):
				r.add(start, start+len(user))
			}
		}
		i = start
	}
}

// generated reports whether a URL's user name looks like a token rather
// than an account: long, of token bytes, with a letter and a digit. Some
// long account names with digits are redacted too, which costs less than a
// token shown.
func generated(w string) bool {
	if len(w) < 20 {
		return false
	}
	var letter, digit bool
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case '0' <= c && c <= '9':
			digit = true
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
			letter = true
		case c != '-' && c != '_' && c != '.' && c != '~':
			return false
		}
	}
	return letter && digit
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
	if r.noAt {
		return
	}
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
