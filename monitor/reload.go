package monitor

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vitalsgo/vitals/monitor/config"
)

// Reload applies a new configuration: targets added, changed and removed
// without restarting the others. A configuration whose targets cannot be
// built is refused as a whole and the running one stays; so are changes
// of listen and storage, which need a restart (they are logged).
//
// A refused reload is counted in vitals_monitor_config_reload_failures_total
// and shown in a banner on the page until a reload succeeds.
func (s *Server) Reload(cfg *config.Config) error {
	s.mu.Lock()
	old := s.cfg
	s.mu.Unlock()
	if cfg.Storage != old.Storage {
		s.log.Warn("reload: storage changed; it applies at the next restart")
		cfg.Storage = old.Storage
	}
	if cfg.Listen != old.Listen {
		s.log.Warn("reload: listen changed; it applies at the next restart", "listen", old.Listen)
		cfg.Listen = old.Listen
	}
	if cfg.Cluster != old.Cluster {
		s.log.Warn("reload: the cluster block changed; it applies at the next restart")
		cfg.Cluster = old.Cluster
	}
	if err := s.apply(cfg); err != nil {
		s.refused(cfg.File, err)
		return err
	}
	if s.cl != nil {
		s.cl.m.SetConfigHash(configHash(cfg))
	}
	s.metrics.reloads.Inc()
	s.metrics.lastReloadOK.Set(1)
	s.setBanner(&s.reloadBanner, "")
	s.log.Info("configuration reloaded", "file", cfg.File, "targets", len(cfg.Checks))
	return nil
}

// ReloadFile loads path and applies it; an invalid file is refused with
// its errors logged, counted and shown on the page.
func (s *Server) ReloadFile(path string) error {
	s.sum.Store(fileSum(path, s.includes()))
	cfg, err := config.Load(path)
	if err != nil {
		// The refused file's patterns are watched from now on, so that
		// fixing a file it includes is seen.
		s.watched.Store(ptr(config.IncludePatterns(path)))
		s.refused(path, err)
		return err
	}
	s.watched.Store(&cfg.IncludePatterns)
	return s.Reload(cfg)
}

func ptr[T any](v T) *T { return &v }

func (s *Server) refused(file string, err error) {
	s.metrics.reloadFailures.Inc()
	s.metrics.lastReloadOK.Set(0)
	lines := strings.Split(err.Error(), "\n")
	for _, l := range lines {
		s.log.Error("reload refused", "file", file, "err", l)
	}
	s.setBanner(&s.reloadBanner, banner(file, err, len(lines)))
}

// WatchFile reloads path whenever its content differs from what the
// server last loaded (at New, from the configuration's File, or by
// ReloadFile; else from the file at the call),
// checking every poll (default 2s), until ctx ends. Polling the content, not the
// modification time, also catches editors that replace the file and
// Kubernetes ConfigMap symlink swaps.
func (s *Server) WatchFile(ctx context.Context, path string, poll time.Duration) {
	if poll <= 0 {
		poll = 2 * time.Second
	}
	last := *s.sum.Load()
	if last == nil {
		last = *fileSum(path, s.includes())
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sum := *fileSum(path, s.includes())
		if sum == nil || bytes.Equal(sum, last) {
			continue // unreadable mid-write, or unchanged
		}
		last = sum
		_ = s.ReloadFile(path) // refused reloads are logged and shown
	}
}

// includes returns the include patterns of the file last loaded, even a
// refused one.
func (s *Server) includes() []string {
	if p := s.watched.Load(); p != nil {
		return *p
	}
	return nil
}

// fileSum returns the SHA-256 of what config.Load reads of path, and of
// the name, size and modification time of each file the include patterns
// match, nil if path cannot be read. It reads no more than Load does: a
// file past the limit is hashed, not skipped, so the watcher loads it and
// says why it was refused, and a huge file costs a poll a megabyte, not
// its size. Included files are only listed and stat'ed, so a poll costs
// the same with 64 of them; a file added where a pattern matches, or
// removed, changes the sum too.
func fileSum(path string, includes []string) *[]byte {
	var sum []byte
	f, err := os.Open(path)
	if err != nil {
		return &sum
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, config.MaxBytes+1)); err != nil {
		return &sum
	}
	n := 0
	for _, pattern := range includes {
		names, _ := filepath.Glob(pattern)
		for _, name := range names {
			if n++; n > config.MaxIncludes+1 {
				break // Load refuses them anyway
			}
			fmt.Fprintf(h, "\x00%s", name)
			if fi, err := os.Stat(name); err == nil {
				fmt.Fprintf(h, "\x00%d\x00%d", fi.Size(), fi.ModTime().UnixNano())
			}
		}
	}
	sum = h.Sum(nil)
	return &sum
}

// banner says on the page that a reload was refused, and where: the
// file's location of the first error and the count, not the messages,
// which quote values of the file and belong in the log, not on a page
// that may be public.
func banner(file string, err error, n int) string {
	where := ""
	if errs := config.Errors(err); len(errs) > 0 {
		where = fmt.Sprintf(" at line %d (%s)", errs[0].Line, errs[0].Path)
		if errs[0].File != file {
			where = fmt.Sprintf(" in %s at line %d (%s)", filepath.Base(errs[0].File), errs[0].Line, errs[0].Path)
		}
		n = len(errs)
	}
	noun := "error"
	if n != 1 {
		noun = "errors"
	}
	return fmt.Sprintf("The configuration in %s was not applied: %d %s, the first%s; see the log. The previous configuration keeps running.", filepath.Base(file), n, noun, where)
}
