// Package disk checks file systems: free space and free inodes at a path
// against thresholds ([New]), and that a directory can really be written
// to ([Writable]).
//
// # Free space
//
// [New] reports StatusFail when the space available to unprivileged users
// (or the free inodes) falls below a Fail threshold, StatusWarn below a
// Warn threshold. Thresholds are percentages of the file system's size,
// absolute bytes, or both; with none set, the defaults warn under 10% and
// fail under 5% free, for space and inodes alike. Observed is the
// available space in bytes.
//
//	c, err := disk.New("/var/lib/app", &disk.Options{WarnFreePercent: 15, FailFreeBytes: 1 << 30})
//	if err != nil { … }
//	m.Add("disk", c, vitals.Interval(time.Minute))
//
// Free space is read with statfs(2) on Linux. On other systems the check
// always reports StatusFail "not supported".
//
// # Writable
//
// [Writable] creates a temporary file in a directory, writes to it,
// flushes it to stable storage with fsync and removes it: it catches
// read-only remounts, full disks, broken permissions and dead network
// mounts that a free-space check cannot see.
//
//	w, err := disk.Writable("/var/lib/app")
//	if err != nil { … }
//	m.Add("data-writable", w, vitals.Timeout(5*time.Second))
//
// # Hung file systems
//
// A call into a dead network file system can block forever. Both checkers
// make their file system calls on a helper goroutine and return at the
// context's end; while such a call is still blocked, later runs fail at
// once instead of piling up more blocked goroutines.
package disk
