package expect

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// typecheck checks that the operator and the value suit the field, and
// settles the value: a bare 0 becomes a zero duration or size, a quoted
// status word a status, a regular expression is compiled. It returns ""
// when all is well, else a message about the operator (atOp) or the value.
func (e *Expr) typecheck() (atOp bool, msg string) {
	switch e.field {
	case fieldCode:
		return e.checkCode()
	case fieldLatency, fieldCertExpiry:
		return e.checkDuration()
	case fieldSize:
		return e.checkSize()
	case fieldStatus:
		return e.checkStatus()
	case fieldBody, fieldHeader:
		return e.checkText()
	}
	return e.checkJSON()
}

// numeric reports whether the operator orders or compares: == != < <= > >=.
func (e *Expr) numeric() bool { return e.op <= opGe }

func (e *Expr) checkCode() (bool, string) {
	v := &e.val
	switch {
	case !e.numeric():
		return true, "code is a number: use == != < <= > >="
	case v.kind == litInt:
		return false, ""
	case v.kind == litString && isDecimal(v.s):
		return false, fmt.Sprintf("code is a number: write %s, not %s", v.s, v.raw)
	case v.kind == litFloat:
		return false, "code is a whole number, as in code == 200"
	}
	return false, fmt.Sprintf("code compares with an integer, as in code == 200, not %s", litNames[v.kind])
}

func (e *Expr) checkDuration() (bool, string) {
	f, v := e.fieldText(), &e.val
	unit := "ms"
	if e.field == fieldCertExpiry {
		unit = "d"
	}
	switch {
	case !e.numeric():
		return true, f + " is a duration: use == != < <= > >="
	case v.kind == litDuration:
		return false, ""
	case v.kind == litInt && v.i == 0:
		v.kind = litDuration
		return false, ""
	case v.kind == litInt || v.kind == litFloat:
		return false, fmt.Sprintf("%s needs a duration with a unit (%s): did you mean %s%s?", f, durationUnitList, v.raw, unit)
	case v.kind == litString:
		if _, err := ParseDuration(v.s); err == nil {
			return false, fmt.Sprintf("write the duration without quotes: %s", v.s)
		}
	}
	return false, fmt.Sprintf("%s compares with a duration, as in %s < 300%s, not %s", f, f, unit, litNames[v.kind])
}

func (e *Expr) checkSize() (bool, string) {
	v := &e.val
	switch {
	case !e.numeric():
		return true, "size is a number of bytes: use == != < <= > >="
	case v.kind == litSize:
		return false, ""
	case v.kind == litInt && v.i == 0:
		v.kind = litSize
		return false, ""
	case v.kind == litInt && v.i > 0:
		return false, fmt.Sprintf("size needs a unit (%s): did you mean %sB?", sizeUnitList, v.raw)
	case v.kind == litString:
		if _, err := parseSize(v.s); err == nil {
			return false, fmt.Sprintf("write the size without quotes: %s", v.s)
		}
	}
	return false, fmt.Sprintf("size compares with a size such as 512B, 10KB or 1MiB, not %s", litNames[v.kind])
}

func (e *Expr) checkStatus() (bool, string) {
	v := &e.val
	if e.op != opEq && e.op != opNe {
		return true, "status is pass, warn or fail: use == or !="
	}
	switch {
	case v.kind == litStatus:
		return false, ""
	case v.kind == litString && slices.Contains(statusWords, v.s):
		v.kind = litStatus
		return false, ""
	case v.kind == litString:
		return false, fmt.Sprintf("unknown status %s; status is pass, warn or fail", v.raw)
	}
	return false, fmt.Sprintf("status is pass, warn or fail, not %s", litNames[v.kind])
}

// checkText checks a condition on the whole body or a header: text.
func (e *Expr) checkText() (bool, string) {
	f, v := e.fieldText(), &e.val
	switch {
	case e.op.ordering():
		return true, f + " is text: use == != contains matches"
	case v.kind != litString:
		return false, fmt.Sprintf("%s is text: quote the value, as in %s", f, strconv.Quote(v.raw))
	}
	return false, e.compile()
}

// checkJSON checks a condition on body.<path>, whose type is only known
// from the body: the value only has to suit the operator.
func (e *Expr) checkJSON() (bool, string) {
	v := &e.val
	switch {
	case v.kind == litStatus:
		return false, fmt.Sprintf("quote the string: %s (bare words are only for status)", strconv.Quote(v.s))
	case e.op == opMatches && v.kind != litString:
		return false, "matches needs a quoted regular expression"
	case e.op == opMatches:
		return false, e.compile()
	case e.op == opContains && (v.kind == litDuration || v.kind == litSize):
		return false, "contains needs a string, or for an element of an array a number, true, false or null"
	case e.op.ordering() && v.kind == litString:
		return true, "strings do not order: use == != contains matches, or compare a number, a duration or a size"
	case e.op.ordering() && (v.kind == litBool || v.kind == litNull):
		return false, fmt.Sprintf("%s needs a number, a duration or a size, not %s", e.op, litNames[v.kind])
	}
	return false, ""
}

// compile compiles the value of matches and returns why it failed, or "".
func (e *Expr) compile() string {
	if e.op != opMatches {
		return ""
	}
	re, err := regexp.Compile(e.val.s)
	if err != nil {
		return "bad regular expression: " + strings.TrimPrefix(err.Error(), "error parsing regexp: ")
	}
	e.val.re = re
	return ""
}
