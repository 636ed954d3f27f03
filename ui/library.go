package ui

import (
	"context"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tidings-app/tidings/store"
)

// subscription is one Model's interest in library changes. It is shared by
// the copies of the Model that Bubble Tea passes around, and stopped once:
// on quit, or when the session's context ends (an SSH session can end
// without the Model seeing a key).
type subscription struct {
	ch     <-chan struct{}
	cancel func()
	done   chan struct{}
	once   sync.Once
}

func (s *subscription) stop() {
	s.once.Do(func() {
		s.cancel()
		close(s.done)
	})
}

// subscribeCmd subscribes to the store's changes.
func subscribeCmd(st *store.Store) tea.Cmd {
	return func() tea.Msg {
		ch, cancel := st.Subscribe()
		return subscribedMsg{sub: &subscription{ch: ch, cancel: cancel, done: make(chan struct{})}}
	}
}

// listenLibrary waits for the next change of the library. It is re-armed
// after each, so changes that come while one is handled are coalesced by
// the store's one-slot channel into one more refresh, never lost.
func listenLibrary(ctx context.Context) func(*subscription) tea.Cmd {
	return func(sub *subscription) tea.Cmd {
		return func() tea.Msg {
			select {
			case <-sub.ch:
				return libraryChangedMsg{}
			case <-sub.done:
			case <-ctx.Done():
				sub.stop()
			}
			return nil
		}
	}
}

// narrowing limits the list to one source or one section; the zero value
// shows everything.
type narrowing struct {
	kind string // "source", "section" or "" for everything
	name string
}

func (n narrowing) active() bool { return n.kind != "" }

func (n narrowing) match(a *store.Article) bool {
	switch n.kind {
	case "source":
		return a.Source == n.name
	case "section":
		return a.Section == n.name
	}
	return true
}

// String is how the title bar names the narrowing.
func (n narrowing) String() string {
	switch n.kind {
	case "source":
		return "Source: " + n.name
	case "section":
		return "Section: " + n.name
	}
	return "All articles"
}

// viewCmd builds the list the user sees when not searching, in a command:
// narrowing scans the library, and the first sort in a new order sorts it.
// The cursor stays on keepID, or near row fallback when it is gone.
// withFresh also collects the articles that arrived since start, and
// readerID is looked up again, after a change on disk.
func (m *Model) viewCmd(order store.SortOrder, keepID string, fallback int, withFresh bool, status string) tea.Cmd {
	m.viewSeq++
	seq, st, n := m.viewSeq, m.store, m.narrow
	readerID := ""
	if withFresh && m.reader.art != nil {
		readerID = m.reader.art.ID
	}
	return func() tea.Msg {
		all := st.Articles(order)
		arts := all
		if n.active() {
			arts = make([]*store.Article, 0, 64)
			for _, a := range all {
				if n.match(a) {
					arts = append(arts, a)
				}
			}
		}
		msg := viewMsg{seq: seq, order: order, arts: arts, keep: fallback, status: status, readerID: readerID}
		if keepID != "" {
			for i, a := range arts {
				if a.ID == keepID {
					msg.keep = i
					break
				}
			}
		}
		if withFresh {
			msg.fresh = map[string]bool{}
			for _, a := range all {
				if st.IsNew(a.ID) {
					msg.fresh[a.ID] = true
				}
			}
		}
		if readerID != "" {
			msg.current, _ = st.Get(readerID)
		}
		return msg
	}
}

// handleView shows a new view of the library.
func (m Model) handleView(msg viewMsg) (Model, tea.Cmd, bool) {
	if msg.seq != m.viewSeq {
		return m, nil, true
	}
	m.list.SetArticles(msg.arts, msg.order, msg.keep)
	if msg.fresh != nil {
		m.c.fresh = msg.fresh
	}
	var cmds []tea.Cmd
	if msg.status != "" {
		cmds = append(cmds, m.setStatus(statusMsg{text: msg.status, ttl: statusTTL}))
	}
	if r := m.reader.art; msg.readerID != "" && r != nil && r.ID == msg.readerID {
		switch {
		case msg.current == nil:
			if m.state == stateReader {
				cmds = append(cmds, m.setStatus(statusMsg{text: "This article was removed from the library", err: true, ttl: errorStatusTTL}))
			}
		case msg.current != r:
			cmds = append(cmds, m.reader.Replace(msg.current))
		}
	}
	m.syncKeys()
	return m, tea.Batch(cmds...), true
}

// handleLibraryChanged refreshes what is on screen after a change on disk,
// in place: the list keeps its order, search and narrowing, and the cursor
// stays on the same article.
func (m Model) handleLibraryChanged() (Model, tea.Cmd, bool) {
	listen := m.c.listen(m.sub)
	if m.store == nil || m.state == stateLoading {
		return m, listen, true
	}
	keepID := ""
	if a := m.list.Selected(); a != nil {
		keepID = a.ID
	}
	cmds := []tea.Cmd{listen}
	if m.list.filtered {
		// The library behind the search changes too: esc must show it.
		cmds = append(cmds, m.viewCmd(m.list.order, "", 0, true, ""))
		cmds = append(cmds, m.searchCmdKeep(m.list.query, max(len(m.list.hits), searchPage), keepID, m.list.cursor))
	} else {
		cmds = append(cmds, m.viewCmd(m.list.order, keepID, m.list.cursor, true, ""))
	}
	return m, tea.Batch(cmds...), true
}
