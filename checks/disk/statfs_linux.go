//go:build linux

package disk

import (
	"fmt"
	"syscall"
)

func statfs(path string) (usage, error) {
	var s syscall.Statfs_t
	if err := syscall.Statfs(path, &s); err != nil {
		return usage{}, fmt.Errorf("statfs %s: %w", path, err)
	}
	bs := uint64(s.Frsize)
	if bs == 0 {
		bs = uint64(s.Bsize)
	}
	return usage{
		total: s.Blocks * bs, avail: s.Bavail * bs,
		files: s.Files, ffree: s.Ffree,
	}, nil
}
