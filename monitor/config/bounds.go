package config

import (
	"bytes"
	"fmt"

	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/token"
)

// Limits on a configuration file, checked on its bytes and then on the
// YAML lexer's tokens, before the parser sees them. The parser's memory grows with the square of nesting
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

// bound checks data against the limits and returns its tokens, without
// a leading byte order mark, for the parser. It reports the first limit
// data exceeds and false, in which case the tokens must not reach the
// parser.
func (d *decoder) bound(data []byte) (token.Tokens, bool) {
	data = bytes.TrimPrefix(data, bom)
	if len(data) > MaxBytes {
		d.errs.add(bytes.Count(data[:MaxBytes], []byte("\n"))+1, "",
			"the file goes on past %d bytes (1 MiB), the most a configuration may hold", MaxBytes)
		return nil, false
	}
	toks := lexer.Tokenize(string(data))
	var s scan
	s.run(toks)
	if s.err != "" {
		d.errs.add(s.errLine, "", "%s", s.err)
		return nil, false
	}
	return toks, true
}

// scan measures the nesting depth and counts the documents of a YAML
// stream from the parser's own tokens, without building a tree: the lexer
// is linear in its input (1 MiB of '[' takes it some 0.7 s and 300 MB, as
// much as the largest file the parser is given), where the parser's
// memory grows with the square of the depth. It sees a block collection
// open at each "-", "?" and "key:", and a flow collection at each '['
// and '{'. Where it is
// unsure it counts a level too many, never one too few: FuzzScan holds it
// to the parser's own tree.
type scan struct {
	blocks []level // open block collections, innermost last
	flows  []frame // open flow collections, innermost last
	props  bool    // a line ended in an anchor, a tag, an alias or an indicator

	// start is the column of the node that began on line startLine in
	// block context, the key when a ':' follows; -1 after an indicator.
	start, startLine int
	// peak is how deep the flow collection that closed last went below
	// its own level, for when it turns out to be a key ("[[a]]: b").
	peak  int
	flowd int // maxDepth when the outermost flow collection opened

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
	open token.Type // token.SequenceStartType or token.MappingStartType
	// pairs counts the ':' and '?' of the current item: one inside '['
	// is a one-pair mapping, and a second inside '{' ("{a: b: c}") a
	// mapping in the value.
	pairs int
	// extra counts the levels the current item adds: those pairs, and
	// the "-" block sequence indicators the parser takes inside a flow
	// item ("[- 0]").
	extra int
}

func (s *scan) run(toks token.Tokens) {
	s.start = -1
	var prev token.Type
	for i, tk := range toks {
		if s.err != "" {
			return
		}
		if tk.Type == token.CommentType {
			continue
		}
		s.line = tk.Position.Line
		// The token that follows on the same line, comments aside: an
		// indicator or a property that ends its line puts what it
		// opens on the next.
		endsLine := true
		for _, n := range toks[i+1:] {
			if n.Type != token.CommentType {
				endsLine = n.Position.Line != tk.Position.Line
				break
			}
		}
		s.token(tk, prev, endsLine)
		prev = tk.Type
	}
}

// token reads tk, which follows a token of type prev.
func (s *scan) token(tk *token.Token, prev token.Type, endsLine bool) {
	switch tk.Type {
	case token.DocumentHeaderType:
		s.reset()
		s.startDoc()
		return
	case token.DocumentEndType:
		s.reset()
		s.open = false
		return
	case token.DirectiveType:
		s.fail("YAML directives (%%YAML, %%TAG) are not supported")
		return
	}
	if !s.open {
		s.startDoc()
	}
	if len(s.flows) > 0 {
		s.flow(tk)
		return
	}
	col := tk.Position.Column
	switch tk.Type {
	case token.SequenceEntryType, token.MappingKeyType, token.MappingValueType:
		seq := tk.Type == token.SequenceEntryType
		switch {
		case tk.Type == token.MappingValueType && s.start >= 0:
			// "key:": the mapping lines up with its key, which may
			// be a flow collection as deep as it went.
			s.push(s.start, false)
			s.note(s.depth() + s.peak)
		case tk.Type == token.MappingValueType:
			// ':' is the value of an explicit "? key", or of a key
			// the parser takes from the line before, at any depth;
			// counting it a level deeper errs on the safe side.
			s.props = true
			s.push(col, false)
		case s.start >= 0 && s.startLine == s.line:
			s.push(s.start, seq) // after a property on the same line
		default:
			s.push(col, seq)
		}
		s.start, s.peak = -1, 0
		s.props = s.props || endsLine
		return
	case token.SequenceStartType, token.MappingStartType:
		s.nodeStart(col)
		s.flowd = s.maxDepth
		s.maxDepth = 0
		s.flow(tk)
		return
	}
	// The lexer gives the name of an anchor or an alias, and the text of
	// a block scalar, as a token of its own.
	name := prev == token.AnchorType || prev == token.AliasType
	if !name && prev != token.LiteralType && prev != token.FoldedType {
		s.nodeStart(col)
	}
	if endsLine && (tk.Type == token.AnchorType || tk.Type == token.TagType || tk.Type == token.AliasType || name) {
		s.props = true
	}
}

// nodeStart notes that a node begins at column col of this line, unless
// one has begun on it already (a property before it, or a key's text).
func (s *scan) nodeStart(col int) {
	if s.start < 0 || s.startLine != s.line {
		s.start, s.startLine, s.peak = col, s.line, 0
	}
}

// flow reads a token in flow context, or the '[' or '{' that opens it.
func (s *scan) flow(tk *token.Token) {
	switch tk.Type {
	case token.SequenceStartType, token.MappingStartType:
		s.flows = append(s.flows, frame{open: tk.Type})
		s.note(s.depth())
	case token.SequenceEndType, token.MappingEndType:
		s.flows = s.flows[:len(s.flows)-1]
		if len(s.flows) == 0 {
			// The collection may be a key; how far it went below the
			// level it opened at counts again if it is.
			s.peak = s.maxDepth - s.depth()
			s.maxDepth = max(s.flowd, s.maxDepth)
		}
	case token.CollectEntryType:
		top := &s.flows[len(s.flows)-1]
		top.pairs, top.extra = 0, 0
	case token.SequenceEntryType:
		// The parser takes "- " where an item starts for a block
		// sequence, even inside a flow collection: a level each.
		s.flows[len(s.flows)-1].extra++
		s.note(s.depth())
	case token.MappingValueType, token.MappingKeyType:
		// Counting the ':' of an explicit "? key" too errs on the safe
		// side.
		top := &s.flows[len(s.flows)-1]
		if top.pairs++; top.open == token.SequenceStartType || top.pairs > 1 {
			top.extra++
			s.note(s.depth())
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
		d += 1 + f.extra
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
	s.blocks, s.flows, s.props, s.start, s.peak = s.blocks[:0], s.flows[:0], false, -1, 0
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
