package expect

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/vitalsgo/vitals/internal/nearest"
)

// SyntaxError is why [Parse] refused a condition.
type SyntaxError struct {
	Col int    // where the problem is: a 1-based byte offset in the condition
	Msg string // what is wrong, often with a suggestion
}

func (e *SyntaxError) Error() string { return "col " + strconv.Itoa(e.Col) + ": " + e.Msg }

// Parse reads one condition, such as "latency < 300ms" or
// `body.status == "UP"`; the package documentation gives the grammar. The
// condition is typed here, so a condition that could never be evaluated
// (`code < "x"`, "latency > 200", "status < pass") is refused, as is an
// unknown field or a bad regular expression. The error is then a
// *[SyntaxError].
func Parse(src string) (*Expr, error) {
	p := parser{src: src}
	e, err := p.parse()
	if err != nil {
		return nil, err
	}
	return e, nil
}

// ParseList parses each of srcs, for a target's list of conditions. When
// all parse, it returns them in order and nil. Otherwise it returns a nil
// List and a slice as long as srcs whose element i is the
// *[SyntaxError] of srcs[i], or nil where srcs[i] parsed, so a caller can
// point at every bad condition at once.
func ParseList(srcs []string) (List, []error) {
	l := make(List, len(srcs))
	var errs []error
	for i, s := range srcs {
		e, err := Parse(s)
		if err != nil {
			if errs == nil {
				errs = make([]error, len(srcs))
			}
			errs[i] = err
			continue
		}
		l[i] = e
	}
	if errs != nil {
		return nil, errs
	}
	return l, nil
}

// parser reads one condition left to right; pos is a byte offset in src.
type parser struct {
	src string
	pos int
}

func (p *parser) parse() (*Expr, *SyntaxError) {
	e := &Expr{}
	p.skipSpace()
	if p.pos == len(p.src) {
		return nil, p.errAt(p.pos, "empty condition; want a field, an operator and a value, as in code == 200")
	}
	if err := p.field(e); err != nil {
		return nil, err
	}
	p.skipSpace()
	opAt := p.pos
	if err := p.op(e); err != nil {
		return nil, err
	}
	p.skipSpace()
	valAt := p.pos
	if err := p.value(e); err != nil {
		return nil, err
	}
	if p.skipSpace(); p.pos < len(p.src) {
		return nil, p.errAt(p.pos, fmt.Sprintf("unexpected %s after the value; quote a string that has spaces", quoteWord(p.src[p.pos:])))
	}
	if atOp, msg := e.typecheck(); msg != "" {
		if atOp {
			return nil, p.errAt(opAt, msg)
		}
		return nil, p.errAt(valAt, msg)
	}
	e.src = e.fieldText() + " " + e.op.String() + " " + e.val.raw
	return e, nil
}

func (p *parser) errAt(pos int, msg string) *SyntaxError { return &SyntaxError{Col: pos + 1, Msg: msg} }

func (p *parser) skipSpace() {
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		p.pos++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isWordByte(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' }

// scan advances over the bytes ok accepts and returns them.
func (p *parser) scan(ok func(byte) bool) string {
	start := p.pos
	for p.pos < len(p.src) && ok(p.src[p.pos]) {
		p.pos++
	}
	return p.src[start:p.pos]
}

func (p *parser) field(e *Expr) *SyntaxError {
	at := p.pos
	if !isLetter(p.src[at]) {
		return p.errAt(at, "want a field: code, latency, size, status, cert_expiry, body, body.<path> or header.<Name>")
	}
	name := p.scan(isWordByte)
	kind, ok := fieldsByName[name]
	if !ok {
		return p.errAt(at, fmt.Sprintf("unknown field %q%s", name, suggestField(name)))
	}
	e.field = kind
	dot := p.pos < len(p.src) && p.src[p.pos] == '.'
	switch {
	case kind == fieldHeader && !dot:
		return p.errAt(p.pos, "header needs a name, as in header.Content-Type")
	case kind == fieldHeader:
		p.pos++
		e.name = p.scan(isHeaderByte)
		if e.name == "" {
			return p.errAt(p.pos, "header needs a name, as in header.Content-Type")
		}
	case kind == fieldBody && dot:
		e.field = fieldBodyPath
		return p.bodyPath(e)
	case dot:
		return p.errAt(p.pos, name+" has no fields: only body.<path> and header.<Name> take a dot")
	}
	return nil
}

// isHeaderByte accepts the bytes of a header name (RFC 9110 tchar) but
// '!', which starts "!=".
func isHeaderByte(c byte) bool {
	return isWordByte(c) || strings.IndexByte("#$%&'*+-.^`|~", c) >= 0
}

// bodyPath reads the segments after "body": p.pos is at the first '.'.
func (p *parser) bodyPath(e *Expr) *SyntaxError {
	start := p.pos + 1
	for p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		at := p.pos
		if at < len(p.src) && (p.src[at] == '"' || p.src[at] == '`') {
			key, err := p.quoted()
			if err != nil {
				return err
			}
			e.path = append(e.path, segment{key: key, quoted: true})
			continue
		}
		key := p.scan(isKeyByte)
		if key == "" {
			return p.errAt(at, "empty key in the body path; quote a key that has dots or spaces, as in body.\"a.b\"")
		}
		e.path = append(e.path, segment{key: key})
	}
	e.name = p.src[start:p.pos]
	return nil
}

// isKeyByte accepts the bytes of an unquoted key: anything but space,
// '.', quotes and the bytes that start an operator.
func isKeyByte(c byte) bool {
	return !isSpace(c) && strings.IndexByte(".\"`=!<>~", c) < 0
}

// plainKey reports whether key reads back unquoted in a body path.
func plainKey(key string) bool {
	if key == "" {
		return false
	}
	for i := 0; i < len(key); i++ {
		if !isKeyByte(key[i]) {
			return false
		}
	}
	return true
}

// quoted reads a double-quoted string with Go escapes, or a back-quoted
// raw string, at p.pos.
func (p *parser) quoted() (string, *SyntaxError) {
	at, q := p.pos, p.src[p.pos]
	i := at + 1
	for ; i < len(p.src) && p.src[i] != q; i++ {
		if p.src[i] == '\\' && q == '"' {
			i++
		}
	}
	if i >= len(p.src) {
		return "", p.errAt(at, "unterminated string")
	}
	p.pos = i + 1
	s, err := strconv.Unquote(p.src[at:p.pos])
	if err != nil {
		return "", p.errAt(at, "invalid string: a bad escape or a line break; Go escapes such as \\\" \\\\ \\n \\u00e9 are allowed")
	}
	return s, nil
}

// opBytes start the symbolic operators and the mistakes made for them.
const opBytes = "=!<>~"

func (p *parser) op(e *Expr) *SyntaxError {
	at := p.pos
	var tok string
	switch {
	case at == len(p.src):
		return p.errAt(at, "want an operator after "+e.fieldText()+": == != < <= > >= contains matches")
	case strings.IndexByte(opBytes, p.src[at]) >= 0:
		tok = p.scan(func(c byte) bool { return strings.IndexByte(opBytes, c) >= 0 })
	case isLetter(p.src[at]):
		tok = p.scan(isLetter)
	default:
		return p.errAt(at, fmt.Sprintf("want an operator after %s, not %s: == != < <= > >= contains matches", e.fieldText(), quoteWord(p.src[at:])))
	}
	for o, name := range opNames {
		if tok == name {
			e.op = op(o)
			return nil
		}
	}
	msg := fmt.Sprintf("unknown operator %q; want == != < <= > >= contains matches", tok)
	if hint, ok := opHints[strings.ToLower(tok)]; ok {
		msg = fmt.Sprintf("unknown operator %q; did you mean %s?", tok, hint)
	}
	return p.errAt(at, msg)
}

// opHints are the operators of other languages and their equivalents here.
var opHints = map[string]string{
	"=": "==", "===": "==", "!": "!=", "!==": "!=", "<>": "!=", "=<": "<=", "=>": ">=",
	"=~": "matches", "~": "matches", "~=": "matches", "match": "matches", "like": "matches",
	"eq": "==", "is": "==", "equals": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
	"has": "contains", "includes": "contains", "contain": "contains", "in": "contains",
}

func (p *parser) value(e *Expr) *SyntaxError {
	at := p.pos
	if at == len(p.src) {
		return p.errAt(at, "want a value after "+e.op.String())
	}
	c := p.src[at]
	var err *SyntaxError
	switch {
	case c == '"' || c == '`':
		e.val.kind = litString
		e.val.s, err = p.quoted()
	case isDigit(c) || c == '-' || c == '+' || c == '.':
		e.val, err = p.number()
	case isLetter(c):
		e.val, err = p.word()
	default:
		err = p.errAt(at, "want a value after "+e.op.String()+": a number, a quoted string, a duration (300ms), a size (10KB) or a word (pass, true, null)")
	}
	if err != nil {
		return err
	}
	e.val.raw = p.src[at:p.pos]
	return nil
}

// number reads a number, duration or size, told apart by its unit.
func (p *parser) number() (literal, *SyntaxError) {
	at := p.pos
	tok := p.scan(func(c byte) bool { return isWordByte(c) || c == '.' || c == '+' || c == '-' || c >= 0x80 })
	fail := func(err error) (literal, *SyntaxError) { return literal{}, p.errAt(at, err.Error()) }
	if isDecimal(tok) {
		if !strings.ContainsAny(tok, ".eE") {
			i, err := strconv.ParseInt(tok, 10, 64)
			if err != nil {
				return literal{}, p.errAt(at, fmt.Sprintf("integer %s is out of range", tok))
			}
			return literal{kind: litInt, i: i, f: float64(i)}, nil
		}
		f, err := strconv.ParseFloat(tok, 64)
		if err != nil {
			return literal{}, p.errAt(at, fmt.Sprintf("number %s is out of range", tok))
		}
		return literal{kind: litFloat, f: f}, nil
	}
	_, rest := cutSign(tok)
	if _, unit, _ := splitUnit(rest); isSizeUnit(unit) {
		n, err := parseSize(tok)
		if err != nil {
			return fail(err)
		}
		return literal{kind: litSize, i: n}, nil
	}
	d, err := ParseDuration(tok)
	if err != nil {
		return fail(err)
	}
	return literal{kind: litDuration, i: int64(d)}, nil
}

// isDecimal reports whether s is a decimal number: a sign, digits with a
// '.' somewhere, an exponent. No hex, no underscores, no Inf or NaN.
func isDecimal(s string) bool {
	_, s = cutSign(s)
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	whole, frac, _ := strings.Cut(mant, ".")
	if whole == "" && frac == "" || !allDigits(whole) || !allDigits(frac) {
		return false
	}
	if hasExp {
		_, exp = cutSign(exp)
		return exp != "" && allDigits(exp)
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// word reads a bare word: a status, true, false or null.
func (p *parser) word() (literal, *SyntaxError) {
	at := p.pos
	w := p.scan(isWordByte)
	switch w {
	case "pass", "warn", "fail":
		return literal{kind: litStatus, s: w}, nil
	case "true", "false":
		return literal{kind: litBool, b: w == "true"}, nil
	case "null":
		return literal{kind: litNull}, nil
	}
	return literal{}, p.errAt(at, fmt.Sprintf("unknown word %s; quote a string, as in %s (bare words are pass, warn, fail, true, false and null)", w, strconv.Quote(w)))
}

// quoteWord shows the start of s, up to the next space, in a message.
func quoteWord(s string) string {
	if i := strings.IndexFunc(s, func(r rune) bool { return r < 0x80 && isSpace(byte(r)) }); i >= 0 {
		s = s[:i]
	}
	if len(s) > 20 {
		s = strings.ToValidUTF8(s[:20], "") + "…"
	}
	return strconv.Quote(s)
}

// suggestField names the field a mistyped or foreign name probably meant.
func suggestField(name string) string {
	lower := strings.ToLower(name)
	if alias, ok := fieldAliases[lower]; ok {
		return "; did you mean " + alias + "?"
	}
	if best, ok := nearest.Name(lower, slices.Collect(maps.Keys(fieldsByName))); ok {
		return "; did you mean " + best + "?"
	}
	return "; fields are code, latency, size, status, cert_expiry, body, body.<path> and header.<Name>"
}
