// Package config reads the YAML configuration of the vitals command: the
// service it describes, the address `vitals serve` listens on, and the checks
// to run, each with a type, its target and the monitor's options.
//
//	service:
//	  name: checkout
//	  version: 1.4.2
//	listen: ":8080"
//	checks:
//	  - name: db
//	    type: postgres
//	    dsn: ${DATABASE_URL}
//	    timeout: 2s
//	  - name: disk
//	    type: disk
//	    path: /var/lib/checkout
//	    warn_free_percent: 15
//	    groups: [liveness]
//
// # Fields
//
// Every check has a name, a type (see [Types]) and the common fields of
// [CommonFields]: interval, timeout, initial_delay, jitter, max_age,
// critical, enabled, groups, failure_threshold, success_threshold and
// description. The other fields depend on the type ([Fields]); the checker
// builders read them from [Check.Params].
//
// # Environment
//
// ${VAR} in any value is replaced by the environment variable VAR, and
// ${VAR:-default} by default when VAR is unset or empty; $$ is a literal $.
// Expansion happens after parsing, in one value at a time, so a variable
// holding a password with YAML syntax in it is still only a value. A variable
// that is not set and has no default is an error.
//
// # Errors
//
// [Parse] reports every problem it finds, each an [*Error] naming the file,
// the line and the field:
//
//	vitals.yaml:14: checks[2].timeout: "2x" is not a duration (e.g. 500ms, 2s, 1m30s)
//	vitals.yaml:17: checks[3].adress: unknown field for type tcp (did you mean address?)
//
// # Limits
//
// A file is at most [MaxBytes] (1 MiB, some 12,000 checks), nests lists and
// mappings at most [MaxDepth] (32) deep and holds one YAML document; these
// are checked on the bytes before they are parsed, so a hostile or broken
// file fails at once with the line where it crosses a limit:
//
//	vitals.yaml:123: nesting deeper than 32 levels
//
// A UTF-8 byte order mark at the start is skipped. YAML tags (!!binary,
// !custom) and directives (%YAML, %TAG) are errors: values are read as text,
// and a tag would change what one means without saying so.
//
// Unknown fields and unknown types are errors. Values of fields that can hold
// secrets (connection strings, headers, metadata) are never quoted in an
// error, and other quoted values pass through [redact.String].
package config
