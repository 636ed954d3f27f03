package ui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tidings-app/tidings/state"
	"github.com/tidings-app/tidings/store"
)

// Messages between the root and its children, and results of commands.
// Children never call the root: they return commands that produce these.

// loadedMsg carries the library once Options.Load has finished.
type loadedMsg struct {
	store  *store.Store
	report *store.Report
	err    error
	took   time.Duration
}

// progressTickMsg asks the loading screen to read the counters again.
type progressTickMsg struct{}

// searchResultMsg is the answer to one search. seq tells it apart from the
// answers to earlier keystrokes, which may arrive later and are dropped.
type searchResultMsg struct {
	seq   int
	query string
	limit int
	more  bool // a longer page of the same query, not a new query
	hits  []hit
	total int
	took  time.Duration
	// hint names an is: word that means nothing (is:stared).
	hint string
	// keepID, when set, keeps the cursor on that article (a refresh after
	// the library changed), else near row fallback.
	keepID   string
	fallback int
}

// openArticleMsg asks the root to show an article in the reader.
type openArticleMsg struct{ art *store.Article }

// backMsg asks the root to leave the reader for the list.
type backMsg struct{}

// stepArticleMsg asks for the next (+1) or previous (-1) article of the
// list, read without going back to it.
type stepArticleMsg struct{ delta int }

// renderedMsg is an article rendered for the reader at one width and style.
type renderedMsg struct {
	id      string
	width   int
	style   string
	content *articleContent
}

// foundMsg is where a highlight query matches in the reader's text.
type foundMsg struct {
	seq     int
	query   string
	matches []lineMatch
}

// statusMsg shows a line in the status bar; a zero ttl keeps it until the
// next one.
type statusMsg struct {
	text string
	err  bool
	ttl  time.Duration
	// hint marks a remark about the query being typed; the next search
	// without a problem takes it away.
	hint bool
}

// clearStatusMsg removes status line number id, unless a newer one replaced it.
type clearStatusMsg struct{ id int }

func openArticleCmd(a *store.Article) tea.Cmd {
	return func() tea.Msg { return openArticleMsg{art: a} }
}

func msgCmd(msg tea.Msg) tea.Cmd {
	return func() tea.Msg { return msg }
}

// marksLoadedMsg carries the user's marks and last query, read once at
// start.
type marksLoadedMsg struct {
	marks map[string]state.Mark
	query string
	err   error
}

// stateSavedMsg is the outcome of the oldest write of the state queue.
type stateSavedMsg struct{ err error }

// subscribedMsg hands the root its subscription to library changes.
type subscribedMsg struct{ sub *subscription }

// libraryChangedMsg says the library changed on disk (Store.Watch applied
// a change); the root refreshes what it shows.
type libraryChangedMsg struct{}

// viewMsg is the library as the list shows it when not searching: in one
// order, narrowed to one source or section or not. keepID is the article
// the cursor stays on; fallback the row it goes to when that one is gone.
type viewMsg struct {
	seq      int
	order    store.SortOrder
	arts     []*store.Article
	keep     int
	fresh    map[string]bool // articles that arrived while running; nil: unchanged
	status   string
	readerID string         // the article open in the reader, when checked
	current  *store.Article // the store's version of readerID; nil when gone
}

// pickerItemsMsg carries the sources and sections for the picker.
type pickerItemsMsg struct{ items []pickerItem }

// narrowMsg asks the root to show only one source or section; the zero
// narrowing shows everything again.
type narrowMsg struct{ to narrowing }

// pickerClosedMsg says the picker was left without choosing.
type pickerClosedMsg struct{}

// Notice is a message for a running program (tea.Program.Send) that shows
// text in its status bar for a few seconds, as a problem when problem is
// set: how the command line reports what the library watcher ran into
// without writing over the screen.
func Notice(text string, problem bool) tea.Msg {
	ttl := statusTTL
	if problem {
		ttl = errorStatusTTL
	}
	return statusMsg{text: text, err: problem, ttl: ttl}
}
