package config

import (
	"bytes"
	"fmt"
)

// Limits on a configuration file, checked on its bytes before the YAML
// parser sees them. The parser's memory grows with the square of nesting
// depth (200 KB of nested lists ran out of 3 GB) and, once depth is
// bounded, with the size: a file of 1 MiB holds some 12,000 checks and
// loads in about a second and 110 MB, and 1 MiB of nothing but brackets
// takes some 400 MB.
const (
	// MaxBytes is the largest configuration file accepted.
	MaxBytes = 1 << 20
	// MaxDepth is the deepest nesting of lists and mappings accepted; a
	// configuration needs four or five levels.
	MaxDepth = 32
)

// bom is the UTF-8 byte order mark some Windows editors start a file with.
var bom = []byte("\xEF\xBB\xBF")

// bound checks data against the limits and returns it without a leading
// byte order mark. It reports the first limit data exceeds and false, in
// which case data must not reach the parser.
func (d *decoder) bound(data []byte) ([]byte, bool) {
	data = bytes.TrimPrefix(data, bom)
	if len(data) > MaxBytes {
		d.errs.add(bytes.Count(data[:MaxBytes], []byte("\n"))+1, "",
			"the file goes on past %d bytes (1 MiB), the most a configuration may hold", MaxBytes)
		return data, false
	}
	var s scan
	s.run(data)
	if s.err != "" {
		d.errs.add(s.errLine, "", "%s", s.err)
		return data, false
	}
	return data, true
}

// scan measures the nesting depth and counts the documents of a YAML
// stream in one pass over its lines, without building anything. It knows
// enough YAML to skip what cannot nest — quoted scalars, block scalars,
// comments — and to see a block collection open at each "- ", "? " and
// "key:", and a flow collection at each '[' and '{'. Where it is unsure it
// counts a level too many, never one too few: FuzzScan holds it to the
// parser's own tree.
type scan struct {
	blocks []level // open block collections, innermost last
	flows  []frame // open flow collections, innermost last
	quote  byte    // the quote of a scalar still open at the end of a line
	qcol   int     // where that scalar started
	props  bool    // a line ended in an anchor, a tag, an alias or an indicator

	inScalar bool // in a block scalar (| or >)
	parent   int  // its parent's indentation
	indent   int  // its content's indentation; 0 until the first line sets it
	explicit int  // its indentation indicator (|2), or 0

	docs int
	open bool // a document has started and not ended with "..."

	line     int
	maxDepth int // deepest nesting seen

	err     string // the limit exceeded, or ""
	errLine int
}

// level is one open block collection: a sequence or a mapping whose
// entries start at column col.
type level struct {
	col int
	seq bool
}

// frame is one open flow collection.
type frame struct {
	open   byte // '[' or '{'
	pair   bool // a "key: value" inside '[' is a one-pair mapping
	dashes int  // "- " block sequence indicators the parser takes inside a flow item ("[- 0]")
}

func (s *scan) run(data []byte) {
	for len(data) > 0 && s.err == "" {
		// A lone '\r' ends a line too, for the parser as in YAML.
		n := bytes.IndexAny(data, "\r\n")
		if n < 0 {
			n = len(data)
		}
		s.line++
		s.scanLine(data[:n])
		data = data[n:]
		if bytes.HasPrefix(data, []byte("\r\n")) {
			data = data[2:]
		} else if len(data) > 0 {
			data = data[1:]
		}
	}
}

func (s *scan) fail(format string, args ...any) {
	if s.err == "" {
		s.err, s.errLine = fmt.Sprintf(format, args...), s.line
	}
}

func (s *scan) depth() int {
	d := len(s.blocks)
	for _, f := range s.flows {
		d += 1 + f.dashes
		if f.pair {
			d++
		}
	}
	return d
}

// note records the current depth, failing past MaxDepth.
func (s *scan) note(d int) {
	s.maxDepth = max(s.maxDepth, d)
	if d > MaxDepth {
		s.fail("nesting deeper than %d levels", MaxDepth)
	}
}

// startDoc counts a document starting on this line.
func (s *scan) startDoc() {
	s.docs++
	s.open = true
	if s.docs > 1 {
		s.fail("more than one YAML document")
	}
}

// reset forgets every open construct, as a document marker ends them all.
func (s *scan) reset() {
	s.blocks, s.flows, s.quote, s.inScalar, s.props = s.blocks[:0], s.flows[:0], 0, false, false
}

func (s *scan) scanLine(l []byte) {
	// "---" and "..." in the first column end whatever is open, even a
	// quoted or block scalar.
	if marker(l, "---") {
		s.reset()
		s.startDoc()
		s.block(l, 3)
		return
	}
	if bytes.HasPrefix(l, []byte("...")) && !bytes.HasPrefix(l[3:], []byte(".")) {
		// The parser ends the document at three dots whatever follows,
		// and reads what does as the next one.
		s.reset()
		s.open = false
		if !blank(l, 3) {
			s.startDoc()
			s.block(l, 3)
		}
		return
	}
	if s.inScalar && s.scalarLine(l) {
		return
	}
	i := 0
	if s.quote != 0 {
		if i = s.quoted(l, 0, s.quote); i < 0 {
			return
		}
		s.quote = 0
		if len(s.flows) == 0 {
			s.afterScalar(l, i, s.qcol)
			return
		}
	}
	if len(s.flows) > 0 {
		if i = s.flow(l, i); len(s.flows) == 0 {
			s.block(l, i) // what follows the collection, such as ": value"
		}
		return
	}
	j := skipSpace(l, 0)
	if j == len(l) || l[j] == '#' {
		return // blank or a comment
	}
	if !s.open {
		if l[0] == '%' {
			s.fail("YAML directives (%%YAML, %%TAG) are not supported")
			return
		}
		s.startDoc()
	}
	s.block(l, j)
}

// scalarLine reports whether l belongs to the block scalar being read,
// ending the scalar when it does not.
func (s *scan) scalarLine(l []byte) bool {
	n := skipSpaces(l, 0)
	if n == len(l) || skipSpace(l, n) == len(l) {
		return true // blank lines belong to the scalar whatever their indentation
	}
	if s.indent == 0 && n > s.parent {
		// The first line sets the indentation; an indicator can only
		// raise it, so taking the larger never hides a line the parser
		// reads as structure.
		s.indent = max(n, s.parent+s.explicit)
	}
	if s.indent > 0 && n >= s.indent {
		return true
	}
	s.inScalar = false
	return false
}

// push opens a block collection at column col, or finds it open already.
func (s *scan) push(col int, seq bool) {
	// The parser gives an anchor, a tag, an alias or an indicator ("- ")
	// that ends a line the collection on the next, even one at the same
	// column.
	for len(s.blocks) > 0 && !s.props {
		top := s.blocks[len(s.blocks)-1]
		if top.col < col || top.col == col && !top.seq && seq {
			break // a deeper collection, or a list as a mapping's value at its key's column
		}
		if top.col == col && top.seq == seq {
			return // an entry of the open collection
		}
		s.blocks = s.blocks[:len(s.blocks)-1]
	}
	s.props = false
	s.blocks = append(s.blocks, level{col: col, seq: seq})
	s.note(s.depth())
}

// block reads the rest of a line in block context from i, a place where a
// node may start.
func (s *scan) block(l []byte, i int) {
	// A node's column is that of its first property (&anchor, !tag): the
	// parser lines the collection up there.
	props := -1
	col := func(i int) int {
		if props >= 0 {
			i, props = props, -1
		}
		return i
	}
	for s.err == "" {
		i = skipSpace(l, i)
		if i == len(l) || l[i] == '#' && (i == 0 || isSpace(l[i-1])) {
			return
		}
		switch c := l[i]; {
		case (c == '-' || c == '?' || c == ':') && sep(l, i+1):
			// ':' is the value of an explicit "? key", or of a key the
			// parser takes from the line before, at any depth; counting
			// it a level deeper errs on the safe side.
			s.props = s.props || c == ':'
			s.push(col(i), c == '-')
			if i++; blank(l, i) {
				s.props = true
			}
			continue
		case c == '&' || c == '!' || c == '*':
			// An anchor or a tag before the node, or an alias; tags are
			// refused on the parsed tree, where their line is exact.
			if props < 0 {
				props = i
			}
			for i < len(l) && !isSpace(l[i]) {
				i++
			}
			if blank(l, i) {
				s.props = true
				return
			}
			continue
		case c == '[' || c == '{':
			start, before := col(i), s.maxDepth
			s.maxDepth = 0
			base := s.depth()
			i = s.flow(l, i)
			peak := s.maxDepth - base
			s.maxDepth = max(before, s.maxDepth)
			if len(s.flows) > 0 {
				return // goes on on the next lines
			}
			if j := keyEnd(l, i); j >= 0 {
				// "[a]: b": the collection is the key of a mapping.
				s.push(start, false)
				s.note(s.depth() + peak)
				i = j
			}
			continue
		case c == '|' || c == '>':
			if s.blockScalar(l, i+1) {
				return
			}
		case c == '"' || c == '\'':
			start := col(i)
			if i = s.quoted(l, i+1, c); i < 0 {
				s.quote, s.qcol = c, start
				return
			}
			s.afterScalar(l, i, start)
			return
		}
		// A plain scalar, which is a key when ": " follows it.
		j := plainKey(l, i)
		if j < 0 {
			return
		}
		s.push(col(i), false)
		i = j
	}
}

// afterScalar reads what follows a quoted scalar that started at column
// col and ended before i: a ':' makes it a key.
func (s *scan) afterScalar(l []byte, i, col int) {
	if j := keyEnd(l, i); j >= 0 {
		s.push(col, false)
		i = j
	}
	s.block(l, i)
}

// blockScalar starts a block scalar whose header follows its indicator at
// l[i:], reporting false when l[i:] is no header, so the indicator starts
// a plain scalar.
func (s *scan) blockScalar(l []byte, i int) bool {
	explicit := 0
	for k := 0; k < 2 && i < len(l); k++ {
		switch c := l[i]; {
		case c >= '1' && c <= '9' && explicit == 0:
			explicit = int(c - '0')
		case c == '+' || c == '-':
		default:
			k = 2
			continue
		}
		i++
	}
	j := skipSpace(l, i)
	if j < len(l) && (l[j] != '#' || j == i) {
		return false
	}
	s.inScalar, s.indent, s.explicit = true, 0, explicit
	s.parent = -1
	if len(s.blocks) > 0 {
		s.parent = s.blocks[len(s.blocks)-1].col
	}
	return true
}

// flow reads l from i in flow context, or from a '[' or '{' at i that
// opens it, and returns where the outermost collection closed, or len(l)
// when it is still open.
func (s *scan) flow(l []byte, i int) int {
	for ; i < len(l) && s.err == ""; i++ {
		switch c := l[i]; c {
		case '[', '{':
			s.flows = append(s.flows, frame{open: c})
			s.note(s.depth())
		case ']', '}':
			if len(s.flows) > 0 {
				s.flows = s.flows[:len(s.flows)-1]
			}
			if len(s.flows) == 0 {
				return i + 1
			}
		case ',':
			if len(s.flows) > 0 {
				top := &s.flows[len(s.flows)-1]
				top.pair, top.dashes = false, 0
			}
		case '-':
			// The parser takes "- " where an item starts for a block
			// sequence, even inside a flow collection: a level each.
			if len(s.flows) > 0 && sep(l, i+1) && (flowNodeStart(l, i) || afterDash(l, i)) {
				s.flows[len(s.flows)-1].dashes++
				s.note(s.depth())
			}
		case ':':
			if len(s.flows) == 0 {
				break
			}
			// Any ':' may make a pair: the parser takes "[a:b]" for one
			// inside a flow mapping.
			if top := &s.flows[len(s.flows)-1]; top.open == '[' && !top.pair {
				top.pair = true
				s.note(s.depth())
			}
		case '#':
			if i == 0 || isSpace(l[i-1]) {
				return len(l)
			}
		case '"', '\'':
			// A quote starts a scalar only where a node starts; inside a
			// plain scalar ("it's") it is text.
			if !flowNodeStart(l, i) {
				break
			}
			j := s.quoted(l, i+1, c)
			if j < 0 {
				s.quote, s.qcol = c, i
				return len(l)
			}
			i = j - 1
		}
	}
	return len(l)
}

// quoted finds the end of a scalar quoted with q whose text starts at i,
// returning the index after the closing quote, or -1 when the line ends
// first.
func (s *scan) quoted(l []byte, i int, q byte) int {
	for ; i < len(l); i++ {
		switch {
		case q == '"' && l[i] == '\\':
			i++
		case l[i] == q && q == '\'' && i+1 < len(l) && l[i+1] == '\'':
			i++ // '' is a quote inside single quotes
		case l[i] == q:
			return i + 1
		}
	}
	return -1
}

// marker reports whether l is the document marker m ("---" or "...").
func marker(l []byte, m string) bool {
	return bytes.HasPrefix(l, []byte(m)) && sep(l, len(m))
}

// plainKey returns the index after the ':' that makes the plain scalar at
// l[i:] a key, or -1 when it is a value.
func plainKey(l []byte, i int) int {
	for start := i; i < len(l); i++ {
		switch {
		case l[i] == '#' && i > start && isSpace(l[i-1]):
			return -1
		case l[i] == ':' && sep(l, i+1):
			return i + 1
		}
	}
	return -1
}

// keyEnd returns the index after a ':' that follows l[:i] after optional
// spaces, or -1.
func keyEnd(l []byte, i int) int {
	i = skipSpace(l, i)
	if i < len(l) && l[i] == ':' && sep(l, i+1) {
		return i + 1
	}
	return -1
}

// flowNodeStart reports whether a node may start at l[i] in flow context:
// after an indicator or at the start of a line.
func flowNodeStart(l []byte, i int) bool {
	for i--; i >= 0 && isSpace(l[i]); i-- {
	}
	return i < 0 || bytes.IndexByte([]byte("[{,:?"), l[i]) >= 0
}

// afterDash reports whether the token before l[i] is a "-" indicator.
func afterDash(l []byte, i int) bool {
	for i--; i >= 0 && isSpace(l[i]); i-- {
	}
	return i >= 0 && l[i] == '-' && (i == 0 || isSpace(l[i-1]) || bytes.IndexByte([]byte("[{,:?"), l[i-1]) >= 0)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// sep reports whether l[i] separates tokens: a space, a tab, the end, or
// a NUL, which the parser takes for the end.
func sep(l []byte, i int) bool { return i >= len(l) || isSpace(l[i]) || l[i] == 0 }

// blank reports whether l[i:] holds nothing but spaces and a comment.
func blank(l []byte, i int) bool {
	j := skipSpace(l, i)
	return j == len(l) || l[j] == '#' && j > i
}

func skipSpace(l []byte, i int) int {
	for i < len(l) && isSpace(l[i]) {
		i++
	}
	return i
}

// skipSpaces skips the spaces that indent a line; a tab does not indent.
func skipSpaces(l []byte, i int) int {
	for i < len(l) && l[i] == ' ' {
		i++
	}
	return i
}
