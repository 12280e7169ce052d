// Package cli is the vitals command line: the commands, their flags and
// their output, shared by the vitals and vitals-full binaries, whose main
// functions call [Main]. The two differ only in the check types they can
// build (package checkers and its drivers); vitals hands a configuration
// that needs a driver over to vitals-full.
//
// Only Main calls os.Exit; each command is a function of its arguments and
// output streams that returns an error, so tests run them in-process, and
// run the built binaries where exit codes and signals matter.
package cli
