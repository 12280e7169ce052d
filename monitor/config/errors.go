package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem found in a configuration file, located by file, line
// and field path:
//
//	vitals.yaml:14: checks[2].timeout: "2x" is not a duration
//
// Load and Parse return every problem they find at once, joined with
// [errors.Join]; use [Errors] to get them back as a list.
type Error struct {
	File string // file name as given to Load or Parse
	Line int    // 1-based; 0 when the problem has no line (an empty file)
	Path string // field path such as checks[2].timeout; empty for the whole file
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors returns the configuration errors err holds, in file order.
func Errors(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		if e, ok := err.(*Error); ok {
			out = append(out, e)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	return out
}

// maxErrors bounds the errors reported for one file: past a few dozen the
// file is not a configuration, and the reader wants the first ones.
const maxErrors = 20

// errorList collects errors while a file, and the files it includes, are
// decoded.
type errorList struct {
	file  string   // the file being decoded
	files []string // the main file, then each included one as read
	errs  []*Error
}

func (l *errorList) add(line int, path, format string, args ...any) {
	l.addIn(l.file, line, path, format, args...)
}

// addIn adds an error in file, which may be an included one.
func (l *errorList) addIn(file string, line int, path, format string, args ...any) {
	l.errs = append(l.errs, &Error{File: file, Line: line, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// err returns the errors in file order, the main file's first, and in line
// order in each file.
func (l *errorList) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	rank := func(file string) int {
		if file == l.file {
			return -1
		}
		return slices.Index(l.files, file)
	}
	slices.SortStableFunc(l.errs, func(a, b *Error) int {
		if r := rank(a.File) - rank(b.File); r != 0 {
			return r
		}
		return a.Line - b.Line
	})
	errs := l.errs
	if len(errs) > maxErrors {
		errs = append(errs[:maxErrors:maxErrors], &Error{File: l.file, Msg: fmt.Sprintf("%d more errors not shown", len(l.errs)-maxErrors)})
	}
	joined := make([]error, len(errs))
	for i, e := range errs {
		joined[i] = e
	}
	return errors.Join(joined...)
}
