package config

import (
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/expect"
)

// Config is a parsed, validated configuration file.
type Config struct {
	// File is the name the file was loaded as; every Error names it.
	File string
	// Service describes the service whose checks these are.
	Service Service
	// Listen is the address `vitals serve` listens on, e.g. ":8080";
	// empty when the file sets none.
	Listen string
	// Checks are the checks in file order, the file's own and then those
	// of each included file; their names are unique.
	Checks []Check
	// Includes are the files the include list named, in the order they
	// were read.
	Includes []string `json:",omitempty"`
	// IncludePatterns are the include list's patterns joined with the
	// file's directory: a watcher that globs them again sees files added
	// and removed.
	IncludePatterns []string `json:"-"`

	// Storage is where `vitals serve` keeps history: a postgres:// DSN or
	// a SQLite file path; default [DefaultStorage].
	Storage string
	// Retention, Pages and Auth are the blocks of the same names.
	Retention Retention
	Pages     Pages
	Auth      Auth

	// Alerting, Notify, Silences and Maintenance are the blocks of the
	// same names: how targets alert (with the alert fields of checks and
	// page groups), through which channels, and when they keep quiet.
	Alerting    Alerting
	Notify      []Channel
	Silences    []SilenceEntry
	Maintenance []MaintenanceEntry

	// Cluster is the cluster block: with it, replicas sharing one
	// PostgreSQL store split the targets (Cluster.Line > 0 says the block is
	// there). It means nothing with a SQLite store, where the one process
	// owns every target.
	Cluster Cluster
}

// Service is the service block of a configuration.
type Service struct {
	Name        string `json:"name,omitempty"`
	Version     string `json:"version,omitempty"`
	Description string `json:"description,omitempty"`
}

// Info returns the service description in the form the monitor takes.
func (s Service) Info() vitals.Info {
	return vitals.Info{Service: s.Name, Version: s.Version, Description: s.Description}
}

// Check is one check of a configuration. Fields the file leaves out hold
// their defaults, so Check describes exactly what runs.
type Check struct {
	Name        string
	Type        string // one of [Types]
	Description string

	Interval     time.Duration // 0: on demand; default [vitals.DefaultInterval]
	Timeout      time.Duration // default [vitals.DefaultTimeout]
	InitialDelay time.Duration
	Jitter       time.Duration
	MaxAge       time.Duration // 0: off

	Critical bool     // default true
	Enabled  bool     // default true
	Groups   []string // default [vitals.Readiness]

	FailureThreshold int // default 1
	SuccessThreshold int // default 1

	// Alert is the check's own alert fields; see [Config.RuleOf] for the
	// rule they make with its page group's.
	Alert AlertRule

	// Params are the type-specific fields, such as dsn or address.
	Params Params
	// Expect are the parsed conditions of an http or health target's
	// expect field; nil without one.
	Expect expect.List

	Index int // position in the checks list, from 0
	Line  int // line where the check starts
	file  string
	lines map[string]int // line of each field's value, common fields included
}

// Options returns the monitor options the check's fields describe, for
// [vitals.Monitor.Add].
func (c *Check) Options() []vitals.CheckOption {
	// An interval of 0 in the file means on demand; the result of such a
	// check is served for a second, which covers the runs of one command.
	mode := vitals.OnDemand(time.Second)
	if c.Interval != 0 {
		mode = vitals.Interval(c.Interval)
	}
	opts := []vitals.CheckOption{
		mode,
		vitals.Timeout(c.Timeout),
		vitals.Critical(c.Critical),
		vitals.Enabled(c.Enabled),
		vitals.Groups(slices.Clone(c.Groups)...),
		vitals.FailureThreshold(c.FailureThreshold),
		vitals.SuccessThreshold(c.SuccessThreshold),
	}
	if c.Description != "" {
		opts = append(opts, vitals.Description(c.Description))
	}
	if c.InitialDelay > 0 {
		opts = append(opts, vitals.InitialDelay(c.InitialDelay))
	}
	if c.Jitter > 0 {
		opts = append(opts, vitals.Jitter(c.Jitter))
	}
	if c.MaxAge > 0 {
		opts = append(opts, vitals.MaxAge(c.MaxAge))
	}
	return opts
}

// Errorf returns an [Error] about the check's field, located at the field's
// value, or at the check itself when the field is empty or not set. The
// message must not quote a secret field's value.
func (c *Check) Errorf(field, format string, args ...any) error {
	line, path := c.Line, fmt.Sprintf("checks[%d]", c.Index)
	if field != "" {
		path += "." + field
		if l := c.lines[field]; l > 0 {
			line = l
		}
	}
	return &Error{File: c.file, Line: line, Path: path, Msg: fmt.Sprintf(format, args...)}
}

// Load reads and parses the configuration file at path, expanding ${VAR}
// from the environment. Errors name the file as path is given, as compilers
// do, so an editor or a terminal can jump to it.
//
// A file larger than [MaxBytes] or nested deeper than [MaxDepth] is an
// error; Load reads at most one byte past MaxBytes.
func Load(path string) (*Config, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, nil)
}

// Parse parses and validates a configuration. name is the file name errors
// give. lookupEnv resolves ${VAR} references; nil means [os.LookupEnv].
//
// The returned error holds every problem found, each an [*Error] with its
// line; see [Errors]. A leading UTF-8 byte order mark is skipped. Data
// past the limits ([MaxBytes], [MaxDepth], one document) is refused before
// it is parsed, with the line where it crosses them.
//
// The include list names files by glob patterns relative to name's
// directory; each holds a checks list, and Parse reads them from disk.
func Parse(name string, data []byte, lookupEnv func(string) (string, bool)) (*Config, error) {
	return parse(name, data, lookupEnv, osFiles(name))
}

// parse is Parse reading included files through fs, or none when fs is nil.
func parse(name string, data []byte, lookupEnv func(string) (string, bool), fs *files) (*Config, error) {
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	d := &decoder{errs: errorList{file: name}, lookup: lookupEnv, files: fs}
	cfg := d.file(data)
	if err := d.errs.err(); err != nil {
		return nil, err
	}
	cfg.File = name
	return cfg, nil
}
