package board

// watcher is one reader waiting for changes. Changes coalesce: a slow
// reader sees the set of targets that changed since it last looked, never a
// backlog, and never blocks the board.
type watcher struct {
	ch      chan struct{} // size 1: "something changed"
	b       *Board
	changed map[string]struct{} // guarded by b.mu; "" means everything
}

// Watch returns a channel that receives a value whenever targets changed,
// and a function that returns which ones (all: true when the whole board
// changed — targets, title, banner or uptimes). Call cancel when done.
//
// Changes are marked in the same critical section that bumps
// [Board.Version]: after v := b.Version(), a call of changed reports every
// change up to v that earlier calls did not, so v is a safe point to
// resume from (see [State.Version]).
func (b *Board) Watch() (ch <-chan struct{}, changed func() (names []string, all bool), cancel func()) {
	w := &watcher{ch: make(chan struct{}, 1), b: b, changed: map[string]struct{}{}}
	b.mu.Lock()
	b.watch[w] = struct{}{}
	b.mu.Unlock()
	changed = func() ([]string, bool) {
		b.mu.Lock()
		defer b.mu.Unlock()
		_, all := w.changed[""]
		names := make([]string, 0, len(w.changed))
		for n := range w.changed {
			if n != "" {
				names = append(names, n)
			}
		}
		clear(w.changed)
		return names, all
	}
	cancel = func() {
		b.mu.Lock()
		delete(b.watch, w)
		b.mu.Unlock()
	}
	return w.ch, changed, cancel
}

// notifyLocked marks name ("" for everything) changed for every watcher.
// It is called with b.mu held, in the critical section that bumps the
// version, so a watcher that reads [Board.Version] before calling changed
// is told of every change up to that version.
func (b *Board) notifyLocked(name string) {
	for w := range b.watch {
		w.changed[name] = struct{}{}
		select {
		case w.ch <- struct{}{}:
		default:
		}
	}
}
