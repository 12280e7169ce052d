package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/vitalsgo/vitals/cmd/vitals/internal/checkers"
)

// fullName is the command with every driver linked in (../../vitals-full).
const fullName = "vitals-full"

// delegatedEnv marks a vitals-full that vitals started: one that still
// lacks a driver must not start another.
const delegatedEnv = "VITALS_DELEGATED"

// installHint tells how to get vitals-full next to vitals.
const installHint = "install both with: go install github.com/vitalsgo/vitals/cmd/vitals/...@latest"

// runFull replaces this process with vitals-full, given the arguments
// after the program name. Main sets it; a command run in-process (a test)
// cannot hand over, and gets an error instead.
var runFull = func([]string) error {
	return errors.New("which this process cannot start")
}

// needFull hands a command whose configuration needs the drivers in
// missing over to vitals-full with the same arguments, or returns why it
// cannot, with exit code 2: an incomplete installation, like a wrong
// command line, is not the service's health.
func needFull(file string, missing []string, args []string) error {
	return handOver(fmt.Sprintf("%s: check type %s runs in %s (vitals leaves the drivers out to start fast)", file, strings.Join(missing, ", "), fullName), args)
}

// handOver replaces this process with vitals-full running args, or
// returns why it cannot (what, then the reason), with exit code 2.
func handOver(what string, args []string) error {
	if os.Getenv(delegatedEnv) != "" {
		return usageErrorf("%s, but this %s cannot run it either", what, fullName)
	}
	if err := runFull(args); err != nil {
		return usageErrorf("%s, %v", what, err)
	}
	return nil // not reached where the process was replaced
}

// execFull finds vitals-full beside this executable, else on PATH, and
// runs it in place of this process.
func execFull(args []string) error {
	path, err := findFull()
	if err != nil {
		return err
	}
	argv := append([]string{path}, args...)
	if err := execInPlace(path, argv, append(os.Environ(), delegatedEnv+"=1")); err != nil {
		return fmt.Errorf("which did not start: %w", err)
	}
	return nil
}

func findFull() (string, error) {
	name := fullName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	var beside string
	if exe, err := os.Executable(); err == nil {
		beside = filepath.Join(filepath.Dir(exe), name)
		if fi, err := os.Stat(beside); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return beside, nil
		}
	}
	if path, err := exec.LookPath(name); err == nil {
		return path, nil
	}
	where := "on PATH"
	if beside != "" {
		where = "at " + beside + " nor on PATH"
	}
	return "", fmt.Errorf("which is not installed: not %s; %s", where, installHint)
}

// linkedFlavour names this binary in `vitals version`.
func linkedFlavour() string {
	for _, typ := range []string{"postgres", "badger"} {
		if !checkers.Linked(typ) {
			return "vitals"
		}
	}
	return fullName
}
