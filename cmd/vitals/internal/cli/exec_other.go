//go:build !unix

package cli

import (
	"errors"
	"os"
	"os/exec"
)

// execInPlace runs path as a child with this process's standard streams
// where a process cannot be replaced, and exits with its code.
func execInPlace(path string, argv, env []string) error {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr, cmd.Env = os.Stdin, os.Stdout, os.Stderr, env
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		os.Exit(ee.ExitCode())
	}
	if err != nil {
		return err
	}
	os.Exit(0)
	return nil
}
