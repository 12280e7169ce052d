//go:build !linux

package disk

import (
	"fmt"
	"runtime"
)

func statfs(path string) (usage, error) {
	return usage{}, fmt.Errorf("free space of %s: %w", path, errUnsupported)
}

var errUnsupported = fmt.Errorf("not supported on %s", runtime.GOOS)
