package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MaxIncludes is the most files the include list of a configuration may
// name in all. Each is held to [MaxBytes] and [MaxDepth] on its own, so a
// configuration holds some 12,000 checks per included file.
const MaxIncludes = 64

// files is how a decoder finds and reads included files: the file system,
// relative to the including file's directory, or nothing at all.
type files struct {
	dir  string // the including file's, its pattern characters escaped
	glob func(pattern string) ([]string, error)
	read func(path string) ([]byte, error)
	// self reports whether path is the including file; nil: never.
	self func(path string) bool
}

// osFiles reads included files from the file system, relative to the
// directory of main, the including file.
func osFiles(main string) *files {
	f := &files{dir: escapeGlob(filepath.Dir(main)), glob: filepath.Glob, read: readRegular}
	if fi, err := os.Stat(main); err == nil {
		f.self = func(path string) bool {
			other, err := os.Stat(path)
			return err == nil && os.SameFile(fi, other)
		}
	}
	return f
}

// escapeGlob escapes the characters filepath.Glob reads as a pattern, so
// that a directory such as /srv/env[prod] is taken as it is.
func escapeGlob(dir string) string {
	var b strings.Builder
	for _, c := range dir {
		if strings.ContainsRune(`*?[\`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// readRegular is readFile for a file a pattern matched: one that is not
// a regular file is an error, where opening a FIFO would wait for a writer.
func readRegular(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: errors.New("not a regular file")}
	}
	return readFile(path)
}

// readFile reads the file at path, at most one byte past [MaxBytes].
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxBytes+1))
}

// include reads the files the include list p names and adds their checks
// to cfg's, after its own. An included file holds a checks list and
// nothing else; its checks are checked as the file's own, and errors name
// the included file and its lines. Names and push tokens must be unique
// across all the files.
func (d *decoder) include(p pair, cfg *Config) {
	if d.files == nil {
		d.errs.add(p.line, "include", "included files cannot be read here")
		return
	}
	read := map[string]bool{}
	for i, n := range d.items(p.value, "include", "file patterns such as checks/*.yaml") {
		path := fmt.Sprintf("include[%d]", i)
		pattern, ok := d.scalar(n, path)
		if !ok {
			continue
		}
		// Errors quote the pattern as written: ${VAR} stays unexpanded.
		written, _ := scalarText(n)
		if pattern == "" {
			d.errs.add(lineOf(n), path, "must not be empty")
			continue
		}
		if !filepath.IsAbs(pattern) {
			pattern = filepath.Join(d.files.dir, pattern)
		}
		cfg.IncludePatterns = append(cfg.IncludePatterns, pattern)
		matches, err := d.files.glob(pattern)
		if err != nil {
			d.errs.add(lineOf(n), path, "%q is not a file pattern: %v", written, err)
			continue
		}
		if len(matches) == 0 {
			d.errs.add(lineOf(n), path, "%q matches no file", written)
			continue
		}
		for _, file := range matches {
			if read[file] {
				continue // two patterns match it: read once
			}
			if d.files.self != nil && d.files.self(file) {
				d.errs.add(lineOf(n), path, "%q matches this file itself", written)
				read[file] = true
				continue
			}
			if len(read) == MaxIncludes {
				d.errs.add(lineOf(n), path, "more than %d included files", MaxIncludes)
				return
			}
			read[file] = true
			data, err := d.files.read(file)
			if err != nil {
				// The file's name and the pattern as written: the
				// path holds what ${VAR} expanded to.
				var pe *fs.PathError
				if errors.As(err, &pe) {
					err = pe.Err
				}
				d.errs.add(lineOf(n), path, "%s, matched by %q: %v", filepath.Base(file), written, err)
				continue
			}
			cfg.Checks = append(cfg.Checks, d.included(file, data)...)
			cfg.Includes = append(cfg.Includes, file)
		}
	}
	cfg.Checks = d.unique(cfg.Checks)
}

// included decodes the included file named file and returns its checks.
func (d *decoder) included(file string, data []byte) []Check {
	sub := &decoder{errs: errorList{file: file}, lookup: d.lookup}
	defer func() {
		d.errs.files = append(d.errs.files, file)
		d.errs.errs = append(d.errs.errs, sub.errs.errs...)
	}()
	body := sub.document(data)
	if body == nil {
		return nil
	}
	pairs, ok := sub.mapping(body, "")
	if !ok {
		return nil
	}
	var checks []Check
	for _, p := range pairs {
		if p.key != "checks" {
			sub.errs.add(p.line, p.key, "an included file holds only a checks list; %s goes in %s", p.key, d.errs.file)
			continue
		}
		checks = sub.checks(p.value)
	}
	return checks
}

// unique drops the checks whose name or push token an earlier check in
// another file already has, reporting each; checks() has done so within
// each file.
func (d *decoder) unique(checks []Check) []Check {
	names := map[string]string{}  // name → where its check is
	tokens := map[string]string{} // push token → where its check is
	kept := checks[:0]
	for _, c := range checks {
		at := fmt.Sprintf("%s:%d", c.file, c.Line)
		if first, dup := names[c.Name]; dup {
			d.errs.addIn(c.file, c.Line, fmt.Sprintf("checks[%d].name", c.Index), "%q is already the name of the check at %s", c.Name, first)
			continue
		}
		if c.Type == "push" {
			token := c.Params.String("token")
			if first, dup := tokens[token]; dup {
				d.errs.errs = append(d.errs.errs, c.Errorf("token", "the check at %s has the same push token; each push target needs its own", first).(*Error))
				continue
			}
			tokens[token] = at
		}
		names[c.Name] = at
		kept = append(kept, c)
	}
	return kept
}

// IncludePatterns returns the include patterns of the configuration file
// at path, joined with its directory, as Load would glob them, whether or
// not the file is otherwise valid; nil when it cannot be read or parsed.
// A watcher that was refused a file takes them from here, so a fix to
// an included file the refused one named is seen.
func IncludePatterns(path string) []string {
	data, err := readFile(path)
	if err != nil {
		return nil
	}
	d := &decoder{errs: errorList{file: path}, lookup: os.LookupEnv}
	body := d.document(data)
	if body == nil {
		return nil
	}
	// The include list read as Load reads it, matching no file: only the
	// patterns are wanted.
	d.files = &files{dir: escapeGlob(filepath.Dir(path)), glob: func(string) ([]string, error) { return nil, nil }}
	pairs, _ := d.mapping(body, "")
	var cfg Config
	for _, p := range pairs {
		if p.key == "include" {
			d.include(p, &cfg)
		}
	}
	return cfg.IncludePatterns
}
