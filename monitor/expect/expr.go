package expect

import (
	"regexp"
	"strconv"
	"strings"
)

// Expr is one parsed condition. It is immutable and safe for concurrent
// use; make one with [Parse].
type Expr struct {
	src   string    // canonical text: field, op and value as written, one space apart
	field fieldKind // what the condition reads
	name  string    // header.<name> as written; body.<path> as written after "body."
	path  []segment // body.<path>
	op    op
	val   literal
}

// A segment is one key or index of a body.<path>.
type segment struct {
	key    string // the key, unquoted
	quoted bool   // written in quotes: always an object key, never an index
}

// String returns the condition in its canonical form: the field, the
// operator and the value as they were written, separated by single spaces.
// [Parse] reads it back to an equal Expr.
func (e *Expr) String() string { return e.src }

// Field returns the name of the field the condition reads: "code",
// "latency", "size", "status", "cert_expiry", "body" (also for
// body.<path>) or "header". A caller can use it to refuse conditions that
// cannot hold for a target, such as status on a plain HTTP target.
func (e *Expr) Field() string { return fieldNames[e.field] }

type fieldKind uint8

const (
	fieldCode fieldKind = iota
	fieldLatency
	fieldSize
	fieldStatus
	fieldCertExpiry
	fieldBody     // the whole body, as text
	fieldBodyPath // body.<path>, a JSON value
	fieldHeader   // header.<Name>
)

var fieldNames = [...]string{
	fieldCode: "code", fieldLatency: "latency", fieldSize: "size", fieldStatus: "status",
	fieldCertExpiry: "cert_expiry", fieldBody: "body", fieldBodyPath: "body", fieldHeader: "header",
}

// fieldsByName are the names a condition starts with; body and header take
// a path or a name after a dot.
var fieldsByName = map[string]fieldKind{
	"code": fieldCode, "latency": fieldLatency, "size": fieldSize, "status": fieldStatus,
	"cert_expiry": fieldCertExpiry, "body": fieldBody, "header": fieldHeader,
}

// fieldAliases are names users reach for that mean one of ours.
var fieldAliases = map[string]string{
	"status_code": "code", "statuscode": "code", "http_code": "code",
	"duration": "latency", "response_time": "latency", "time": "latency", "elapsed": "latency",
	"headers": "header", "length": "size", "bytes": "size", "content_length": "size",
	"cert": "cert_expiry", "expiry": "cert_expiry", "tls_expiry": "cert_expiry", "cert_expires": "cert_expiry",
	"health": "status", "state": "status",
}

type op uint8

const (
	opEq op = iota
	opNe
	opLt
	opLe
	opGt
	opGe
	opContains
	opMatches
)

var opNames = [...]string{opEq: "==", opNe: "!=", opLt: "<", opLe: "<=", opGt: ">", opGe: ">=", opContains: "contains", opMatches: "matches"}

func (o op) String() string { return opNames[o] }

func (o op) ordering() bool { return o >= opLt && o <= opGe }

// holds reports whether the comparison result c (-1, 0, +1 as from
// cmp.Compare) satisfies o, one of == != < <= > >=.
func (o op) holds(c int) bool {
	switch o {
	case opEq:
		return c == 0
	case opNe:
		return c != 0
	case opLt:
		return c < 0
	case opLe:
		return c <= 0
	case opGt:
		return c > 0
	case opGe:
		return c >= 0
	}
	return false
}

type litKind uint8

const (
	litInt litKind = iota
	litFloat
	litString
	litStatus // pass, warn or fail, bare
	litBool
	litNull
	litDuration
	litSize
)

var litNames = [...]string{
	litInt: "an integer", litFloat: "a number", litString: "a string", litStatus: "a status word",
	litBool: "a boolean", litNull: "null", litDuration: "a duration", litSize: "a size",
}

// literal is the value on the right of a condition.
type literal struct {
	kind litKind
	raw  string         // as written
	i    int64          // litInt; litDuration in ns; litSize in bytes
	f    float64        // litInt and litFloat
	s    string         // litString unquoted; litStatus
	b    bool           // litBool
	re   *regexp.Regexp // for matches
}

// statusWords are the health statuses a target reports.
var statusWords = []string{"pass", "warn", "fail"}

// fieldText writes the field as the canonical form shows it.
func (e *Expr) fieldText() string {
	switch e.field {
	case fieldBodyPath:
		return "body." + e.name
	case fieldHeader:
		return "header." + e.name
	}
	return fieldNames[e.field]
}

// pathText writes the first n segments of the body path, "body.a.b".
func (e *Expr) pathText(n int) string {
	var b strings.Builder
	b.WriteString("body")
	for _, s := range e.path[:n] {
		b.WriteByte('.')
		if s.quoted || !plainKey(s.key) {
			b.WriteString(strconv.Quote(s.key))
		} else {
			b.WriteString(s.key)
		}
	}
	return b.String()
}
