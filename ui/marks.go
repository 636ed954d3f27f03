package ui

import (
	"errors"
	"maps"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tidings-app/tidings/state"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/index"
)

// The user's reading state: read marks, stars, reading positions and the
// last query. The Model keeps every mark of its user in memory (c.marks),
// changes it at once when a key is pressed so the screen answers in the same
// frame, and writes the change to the state store in a command.
//
// Writes go through a queue, one at a time and in order: two quick presses
// of f must reach the store as "star, unstar", never the other way round.
// Each write carries the value to store (not "toggle"), so writing one twice
// is harmless; quitting runs what is left of the queue before the program
// ends.

// stateWrite is one change for the state store.
type stateWrite func(st state.Store, user string) error

// loadMarksCmd reads the user's marks and last query once, at start.
func (m Model) loadMarksCmd() tea.Cmd {
	st, user := m.st, m.user
	return func() tea.Msg {
		marks, err := st.Marks(user)
		q, qerr := st.LastQuery(user)
		if err == nil {
			err = qerr
		}
		return marksLoadedMsg{marks: marks, query: q, err: err}
	}
}

// handleMarksLoaded merges the stored marks under those changed since start
// (a key pressed before the answer came wins).
func (m Model) handleMarksLoaded(msg marksLoadedMsg) (Model, tea.Cmd, bool) {
	for id, mk := range msg.marks {
		if _, touched := m.c.marks[id]; !touched {
			m.c.marks[id] = mk
		}
	}
	if m.lastQuery == "" {
		m.lastQuery = msg.query
	}
	if msg.err != nil {
		return m, m.setStatus(statusMsg{text: "Reading your marks: " + msg.err.Error(), err: true, ttl: errorStatusTTL}), true
	}
	// A search by marks that ran before they were there was answered
	// without them.
	var again tea.Cmd
	if l := &m.list; l.filtered && m.store != nil && len(index.ParseQuery(l.query).States()) > 0 {
		keepID := ""
		if a := l.Selected(); a != nil {
			keepID = a.ID
		}
		again = m.searchCmdKeep(l.query, max(len(l.hits), searchPage), keepID, l.cursor)
	}
	return m, again, true
}

// enqueue adds a write to the queue and starts it when none is running.
func (m *Model) enqueue(w stateWrite) tea.Cmd {
	m.writes = append(m.writes, w)
	if m.writing {
		return nil
	}
	m.writing = true
	return m.writeCmd(w)
}

func (m Model) writeCmd(w stateWrite) tea.Cmd {
	st, user := m.st, m.user
	return func() tea.Msg { return stateSavedMsg{err: w(st, user)} }
}

// handleSaved drops the finished write, reports its error and starts the
// next one.
func (m Model) handleSaved(msg stateSavedMsg) (Model, tea.Cmd, bool) {
	if len(m.writes) > 0 {
		m.writes = m.writes[1:]
	}
	m.writing = false
	var cmds []tea.Cmd
	if msg.err != nil {
		cmds = append(cmds, m.stateError(msg.err))
	}
	if len(m.writes) > 0 {
		m.writing = true
		cmds = append(cmds, m.writeCmd(m.writes[0]))
	}
	return m, tea.Batch(cmds...), true
}

// stateError turns a failed write into a status line. A read-only state
// file is said once: the marks stay in this session's memory, and every
// further key would only repeat it.
func (m *Model) stateError(err error) tea.Cmd {
	if errors.Is(err, state.ErrReadOnly) {
		if m.marksWarned {
			return nil
		}
		m.marksWarned = true
		return m.setStatus(statusMsg{text: "marks won't be saved: " + err.Error(), err: true, ttl: errorStatusTTL})
	}
	return m.setStatus(statusMsg{text: "Saving your marks: " + err.Error(), err: true, ttl: errorStatusTTL})
}

// flushCmd runs every write still queued, in order, for the last moments
// before quitting. The one in flight runs again: writes are idempotent.
func (m Model) flushCmd() tea.Cmd {
	if len(m.writes) == 0 {
		return nil
	}
	writes := append([]stateWrite(nil), m.writes...)
	st, user := m.st, m.user
	return func() tea.Msg {
		for _, w := range writes {
			_ = w(st, user) // nowhere left to show an error
		}
		return nil
	}
}

// quit saves the reading position, stops following the library, and ends
// the program once the queued writes are done.
func (m *Model) quit() tea.Cmd {
	m.savePosition()
	if m.sub != nil {
		m.sub.stop()
	}
	return tea.Sequence(m.flushCmd(), tea.Quit)
}

// toggleStar stars or unstars an article.
func (m *Model) toggleStar(a *store.Article) tea.Cmd {
	if a == nil {
		return nil
	}
	mk := m.c.marks[a.ID]
	mk.Starred = !mk.Starred
	m.c.marks[a.ID] = mk
	id, starred := a.ID, mk.Starred
	text := "Starred"
	if !starred {
		text = "Unstarred"
	}
	return tea.Batch(
		m.enqueue(func(st state.Store, user string) error { return st.SetStarred(user, id, starred) }),
		m.setStatus(statusMsg{text: text + ": " + a.Title, ttl: statusTTL}))
}

// toggleRead marks an article read or unread.
func (m *Model) toggleRead(a *store.Article) tea.Cmd {
	if a == nil {
		return nil
	}
	read := !m.c.marks[a.ID].Read
	text := "Marked read"
	if !read {
		text = "Marked unread"
	}
	return tea.Batch(m.setRead(a, read), m.setStatus(statusMsg{text: text + ": " + a.Title, ttl: statusTTL}))
}

// setRead changes the read mark of an article, when it changes.
func (m *Model) setRead(a *store.Article, read bool) tea.Cmd {
	mk := m.c.marks[a.ID]
	if mk.Read == read {
		return nil
	}
	mk.Read = read
	mk.ReadAt = time.Time{}
	if read {
		mk.ReadAt = time.Now()
	}
	m.c.marks[a.ID] = mk
	id := a.ID
	return m.enqueue(func(st state.Store, user string) error { return st.SetRead(user, id, read) })
}

// savePosition remembers where the reader is in the open article, when that
// changed since it was opened.
func (m *Model) savePosition() tea.Cmd {
	a := m.reader.art
	line, pct, ok := m.reader.Position()
	if a == nil || !ok {
		return nil
	}
	mk := m.c.marks[a.ID]
	if mk.Line == line && int(mk.Percent) == int(pct) {
		return nil
	}
	mk.Line, mk.Percent = line, pct
	m.c.marks[a.ID] = mk
	id := a.ID
	return m.enqueue(func(st state.Store, user string) error { return st.SetPosition(user, id, line, pct) })
}

// openArticle shows an article in the reader from where it was left, and
// marks it read.
func (m *Model) openArticle(a *store.Article) tea.Cmd {
	save := m.savePosition()
	read := m.setRead(a, true)
	open := m.reader.Open(a, m.list.query, m.c.marks[a.ID].Line)
	return tea.Batch(save, read, open)
}

// saveQuery remembers a search kept with enter, for ↑ in the empty box
// next time.
func (m *Model) saveQuery(q string) tea.Cmd {
	if q == "" || q == m.lastQuery {
		return nil
	}
	m.lastQuery = q
	return m.enqueue(func(st state.Store, user string) error { return st.SetLastQuery(user, q) })
}

// statesFilter is the search filter for the is: words of a query, over a
// copy of the marks: the search runs in a command while Update may change
// them. hint names an is: word that means nothing.
func (m Model) statesFilter(states []string) (filter func(*store.Article) bool, hint string) {
	if len(states) == 0 {
		return nil, ""
	}
	if err := state.CheckStates(states); err != nil {
		hint = err.Error()
	}
	marks := maps.Clone(m.c.marks)
	return func(a *store.Article) bool { return state.Matches(states, marks[a.ID]) }, hint
}
