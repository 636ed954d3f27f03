package ui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

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
}

// sortedMsg is the library in a new order.
type sortedMsg struct {
	order store.SortOrder
	arts  []*store.Article
	keep  int // the row of the article selected before
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
}

// clearStatusMsg removes status line number id, unless a newer one replaced it.
type clearStatusMsg struct{ id int }

func openArticleCmd(a *store.Article) tea.Cmd {
	return func() tea.Msg { return openArticleMsg{art: a} }
}

func msgCmd(msg tea.Msg) tea.Cmd {
	return func() tea.Msg { return msg }
}
