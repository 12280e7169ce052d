//go:build unix

package cli

import "syscall"

// execInPlace replaces this process with path: vitals-full inherits the
// process id, the standard streams and the signals, and its exit code is
// the command's.
func execInPlace(path string, argv, env []string) error {
	return syscall.Exec(path, argv, env)
}
