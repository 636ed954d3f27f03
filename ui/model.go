// Package ui is the interactive Tidings reader: a headline list with
// as-you-type search, a reader for one article with highlighted matches, and
// a help page, as one Bubble Tea model.
//
// Only Model implements tea.Model. It is built per session by New from
// Options: the command line runs one, the SSH server one per connection, in
// the same process. So nothing here is global: the store, the Lip Gloss
// renderer (and with it every style), the key map, the Glamour renderer and
// the render cache all come through Options or belong to one Model.
//
// All slow work (loading, searching, rendering, sorting) runs in tea.Cmds
// and comes back as messages; View only draws what Update prepared, and
// draws only what fits on screen, so its cost does not grow with the
// library.
package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tidings-app/tidings/state"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/index"
	"github.com/tidings-app/tidings/ui/keys"
	"github.com/tidings-app/tidings/ui/render"
	"github.com/tidings-app/tidings/ui/styles"
	"github.com/tidings-app/tidings/ui/termsafe"
)

// Options configure one TUI session.
type Options struct {
	// Store is the library when it is already loaded (the SSH server loads
	// it once for everyone); nil when Load is set.
	Store *store.Store
	// Load loads the library; it runs in a command while a spinner and the
	// Progress counters show.
	Load func(context.Context) (*store.Store, *store.Report, error)
	// Progress is updated by Load; the loading screen polls it.
	Progress *store.Progress
	// Renderer is the session's Lip Gloss renderer: every style is made
	// from it. Nil means a renderer on standard output.
	Renderer *lipgloss.Renderer
	// Theme is "auto" (ask Renderer about the background), "dark" or
	// "light".
	Theme string
	// NoColor (NO_COLOR) draws without colour and renders articles with
	// Glamour's "notty" style.
	NoColor bool
	// Cache holds rendered articles, shared by every session; nil makes
	// one for this Model.
	Cache *render.Cache
	// Query starts with this search.
	Query string
	// Open starts reading this article: an ID, an ID prefix or a path.
	Open string

	// State keeps the user's read marks, stars, reading positions and last
	// query. Nil gives this Model a fresh state.NewMemory(), forgotten
	// when it ends.
	State state.Store
	// User is whose marks these are: the OS user name locally, the key
	// fingerprint over SSH. Empty means "local".
	User string
	// Warning is shown in the status bar at start: why the state file
	// could not be used, say.
	Warning string
	// Context ends the Model's interest in library changes when it is
	// done (the SSH session's context); nil means it lasts until quit.
	Context context.Context
}

// screenState is what the screen shows.
type screenState int

const (
	stateLoading screenState = iota
	stateList
	stateReader
	stateHelp
	statePicker // choosing a source or section
)

// common is what the root shares with its children: size, styles, keys and
// the per-session render machinery. Children hold a pointer to it.
type common struct {
	width, height int
	styles        styles.Styles
	keys          keys.KeyMap
	body          *bodyRenderer
	cache         *render.Cache
	// tick is tea.Tick; tests replace it so timed messages do not make
	// them wait.
	tick func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
	// listen waits for the next library change; tests replace it, since
	// their command runner would wait for ever.
	listen func(*subscription) tea.Cmd

	// marks are the user's marks by article ID, changed only by the
	// root's Update and read by the children's View.
	marks map[string]state.Mark
	// fresh are the articles that arrived while Tidings was running.
	fresh map[string]bool
}

// Model is the Tidings TUI. Build it with New and run it with tea.NewProgram.
type Model struct {
	c    *common
	opts Options

	state screenState
	prev  screenState // where the help page returns to

	store *store.Store

	list      headlines
	search    searchbox
	searching bool // keys go to the search box
	searchSeq int
	// moreLimit is the page size of a "more hits" search in flight, 0 when
	// none is.
	moreLimit int

	reader reader

	// The user's reading state: see marks.go.
	st          state.Store
	user        string
	writes      []stateWrite // queued writes, the first one running
	writing     bool
	marksWarned bool // "marks won't be saved" was said
	lastQuery   string

	// The live library and the narrowing: see library.go.
	sub     *subscription
	viewSeq int
	narrow  narrowing
	picker  picker

	help     help.Model
	helpKeys keys.KeyMap // the keys of the view the help page describes
	helpPage viewport.Model

	spinner  spinner.Model
	started  time.Time
	fatal    string // a load failure: stays in the status bar
	status   statusMsg
	statusID int
}

// defaultCacheBytes bounds the render cache a Model makes for itself when
// Options.Cache is nil: a few hundred rendered articles.
const defaultCacheBytes = 32 << 20

// searchPage is how many hits one search asks for; scrolling near the end
// of them asks for more.
const searchPage = 100

// statusTTL is how long an informational status line stays; errors stay a
// little longer so they can be read.
const (
	statusTTL      = 4 * time.Second
	errorStatusTTL = 8 * time.Second
)

// New builds the TUI for one session.
func New(opts Options) Model {
	r := opts.Renderer
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	cache := opts.Cache
	if cache == nil {
		cache = render.NewCache(defaultCacheBytes)
	}
	c := &common{
		styles: styles.DefaultStyles(r, opts.Theme, opts.NoColor),
		keys:   keys.DefaultKeyMap(),
		body:   &bodyRenderer{},
		cache:  cache,
		tick:   tea.Tick,
		width:  80,
		height: 24,
		marks:  map[string]state.Mark{},
		fresh:  map[string]bool{},
	}
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	c.listen = listenLibrary(ctx)
	h := help.New()
	s := &c.styles
	h.Styles = help.Styles{
		ShortKey: s.HelpKey, ShortDesc: s.HelpDesc, ShortSeparator: s.HelpSeparator,
		Ellipsis: s.HelpSeparator,
		FullKey:  s.HelpKey, FullDesc: s.HelpDesc, FullSeparator: s.HelpSeparator,
	}
	sp := spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(s.Spinner))
	m := Model{
		c:        c,
		opts:     opts,
		list:     newHeadlines(c),
		search:   newSearchbox(c, "/ ", "search: words, \"phrases\", -not, title:, after:2025-01-01"),
		reader:   newReader(c),
		picker:   newPicker(c),
		st:       opts.State,
		user:     opts.User,
		help:     h,
		helpPage: viewport.New(1, 1),
		spinner:  sp,
		started:  time.Now(),
	}
	if m.st == nil {
		m.st = state.NewMemory()
	}
	if m.user == "" {
		m.user = "local"
	}
	m.helpPage.KeyMap = viewport.KeyMap{
		Up: c.keys.Up, Down: c.keys.Down, PageUp: c.keys.PageUp, PageDown: c.keys.PageDown,
		HalfPageUp: c.keys.HalfUp, HalfPageDown: c.keys.HalfDown,
	}
	if opts.Store != nil {
		m.store = opts.Store
		m.state = stateList
		m.list.SetArticles(opts.Store.Articles(store.ByDate), store.ByDate, 0)
	}
	m.syncKeys()
	m.layout()
	return m
}

// Init starts loading, or applies Query and Open to a ready store, and
// reads the user's marks.
func (m Model) Init() tea.Cmd {
	var warn tea.Cmd
	if w := strings.TrimSpace(m.opts.Warning); w != "" {
		warn = msgCmd(statusMsg{text: w, err: true, ttl: errorStatusTTL})
	}
	if m.store != nil {
		// The marks first: a starting query may say is:starred.
		return tea.Batch(warn, subscribeCmd(m.store), tea.Sequence(m.loadMarksCmd(), m.startCmd()))
	}
	if m.opts.Load == nil {
		return msgCmd(loadedMsg{err: fmt.Errorf("no library to show")})
	}
	load := m.opts.Load
	started := m.started
	return tea.Batch(m.loadMarksCmd(), warn, m.spinner.Tick, m.progressTick(), func() tea.Msg {
		st, rep, err := load(context.Background())
		return loadedMsg{store: st, report: rep, err: err, took: time.Since(started)}
	})
}

func (m Model) progressTick() tea.Cmd {
	return m.c.tick(100*time.Millisecond, func(time.Time) tea.Msg { return progressTickMsg{} })
}

// startCmd applies Options.Query and Options.Open once the store is there.
func (m Model) startCmd() tea.Cmd {
	var cmds []tea.Cmd
	if q := strings.TrimSpace(m.opts.Query); q != "" {
		cmds = append(cmds, msgCmd(startSearchMsg{query: q}))
	}
	if m.opts.Open != "" {
		cmds = append(cmds, msgCmd(startOpenMsg{ref: m.opts.Open}))
	}
	return tea.Sequence(cmds...)
}

// startSearchMsg and startOpenMsg carry Options.Query and Options.Open into
// Update, where state may change.
type (
	startSearchMsg struct{ query string }
	startOpenMsg   struct{ ref string }
)

// Update handles a message: the size goes to every child, then global keys,
// then the application's messages, then the focused child gets the rest.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		return m.handleResize(ws)
	}
	if km, ok := msg.(tea.KeyMsg); ok && km.Type == tea.KeyRunes && len(km.Runes) > 1 && !km.Paste && !m.typing() {
		return m.splitRunes(km)
	}
	if km, ok := msg.(tea.KeyMsg); ok {
		// A key means the user has moved on: an informational line would
		// only hide the count of what they are doing now. Errors stay.
		if !m.status.err {
			m.status = statusMsg{}
		}
		if cmd, done := m.handleGlobalKey(km); done {
			return m, cmd
		}
	}
	if next, cmd, done := m.handleAppMsg(msg); done {
		return next, cmd
	}
	var cmd tea.Cmd
	switch m.state {
	case stateLoading:
		cmd = m.updateLoading(msg)
	case stateList:
		cmd = m.updateList(msg)
	case stateReader:
		cmd = m.updateReader(msg)
	case stateHelp:
		m.helpPage, cmd = m.helpPage.Update(msg)
	case statePicker:
		m.picker, cmd = m.picker.Update(msg)
	}
	m.syncKeys()
	return m, cmd
}

// updateReader handles the marks keys of the reader; the reader has the
// rest.
func (m *Model) updateReader(msg tea.Msg) tea.Cmd {
	k := &m.c.keys
	if km, ok := msg.(tea.KeyMsg); ok && !m.reader.Finding() && m.reader.art != nil {
		switch {
		case key.Matches(km, k.Star):
			return m.toggleStar(m.reader.art)
		case key.Matches(km, k.ToggleRead):
			return m.toggleRead(m.reader.art)
		}
	}
	var cmd tea.Cmd
	m.reader, cmd = m.reader.Update(msg)
	return cmd
}

// splitRunes handles keys that arrived together (typed fast, or sent by a
// script) one by one: Bubble Tea v1 delivers them as one message, which
// would match no binding. After "/" the rest goes to the search box, since
// each rune goes through Update again.
func (m Model) splitRunes(km tea.KeyMsg) (tea.Model, tea.Cmd) {
	var (
		next tea.Model = m
		cmds []tea.Cmd
	)
	for i, r := range km.Runes {
		cur := next.(Model)
		if cur.typing() {
			rest := km
			rest.Runes = km.Runes[i:]
			var cmd tea.Cmd
			next, cmd = cur.Update(rest)
			return next, tea.Batch(append(cmds, cmd)...)
		}
		var cmd tea.Cmd
		next, cmd = cur.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: km.Alt})
		cmds = append(cmds, cmd)
	}
	return next, tea.Batch(cmds...)
}

// handleResize lays every child out for the new size, and re-renders the
// open article when its width changed.
func (m Model) handleResize(ws tea.WindowSizeMsg) (tea.Model, tea.Cmd) {
	m.c.width, m.c.height = max(ws.Width, 1), max(ws.Height, 1)
	m.layout()
	return m, m.reader.Render()
}

// layout gives each child its share of the screen: a title bar on top, the
// status bar and the key help at the bottom, the search box above the list
// when there is a query.
func (m *Model) layout() {
	w, h := m.c.width, m.c.height
	body := max(h-3, 1)
	m.help.Width = w
	m.search.SetSize(min(w, maxReadWidth), 1)
	listH := body
	if m.searchShown() {
		listH--
	}
	m.list.SetSize(w, max(listH, 1))
	m.reader.SetSize(w, body)
	m.picker.SetSize(w, body)
	m.helpPage.Width, m.helpPage.Height = w, body
	if m.state == stateHelp {
		m.helpPage.SetContent(m.helpContent())
	}
}

// searchShown says whether the search box line is on screen.
func (m Model) searchShown() bool {
	switch m.state {
	case stateLoading:
		return m.searching || m.search.Value() != ""
	case stateList:
		return m.searching || m.list.filtered
	}
	return false
}

// typing reports whether keys go to a text box, where q and ? are letters.
func (m Model) typing() bool {
	return ((m.state == stateList || m.state == stateLoading) && m.searching) ||
		(m.state == stateReader && m.reader.Finding()) || m.state == statePicker
}

// view is the key map's name for the current screen.
func (m Model) view() keys.View {
	switch m.state {
	case stateLoading:
		if m.searching {
			return keys.ViewSearching
		}
		return keys.ViewLoading
	case stateReader:
		if m.reader.Finding() {
			return keys.ViewFinding
		}
		return keys.ViewReader
	case stateHelp:
		return keys.ViewHelp
	case statePicker:
		return keys.ViewPicker
	}
	switch {
	case m.searching:
		return keys.ViewSearching
	case m.list.filtered:
		return keys.ViewFiltered
	case m.narrow.active():
		return keys.ViewNarrowed
	}
	return keys.ViewList
}

// syncKeys enables the keys of the current screen, so the help is true.
func (m *Model) syncKeys() {
	m.c.keys.SetView(m.view(), m.reader.HasMatches())
}

// handleGlobalKey handles ctrl+c, ? and q, and the help page's keys. Not
// while typing: there q and ? are letters of the query.
func (m *Model) handleGlobalKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := &m.c.keys
	if key.Matches(msg, k.ForceQuit) {
		return m.quit(), true
	}
	if m.typing() {
		return nil, false
	}
	switch {
	case m.state == stateHelp && key.Matches(msg, k.CloseHelp):
		m.state = m.prev
		m.layout()
		m.syncKeys()
		return nil, true
	case key.Matches(msg, k.Help):
		m.openHelp()
		return nil, true
	case key.Matches(msg, k.Quit):
		return m.quit(), true
	}
	return nil, false
}

// openHelp shows the full help of the current screen.
func (m *Model) openHelp() {
	m.helpKeys = m.c.keys
	m.helpKeys.Help.SetEnabled(false)
	m.helpKeys.CloseHelp.SetEnabled(true)
	m.helpKeys.ForceQuit.SetEnabled(true)
	m.prev, m.state = m.state, stateHelp
	m.layout()
	m.helpPage.GotoTop()
	m.syncKeys()
}

// handleAppMsg handles the application's own messages; done is false for
// messages that belong to the focused child.
func (m Model) handleAppMsg(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case loadedMsg:
		return m.handleLoaded(msg)
	case progressTickMsg:
		if m.state == stateLoading {
			return m, m.progressTick(), true
		}
		return m, nil, true
	case spinner.TickMsg:
		if m.state != stateLoading {
			return m, nil, true // stop ticking once loaded
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd, true
	case startSearchMsg:
		m.search.SetValue(msg.query)
		m.layout()
		m.syncKeys()
		return m, m.searchCmd(msg.query, searchPage, false), true
	case startOpenMsg:
		a, err := m.store.Find(msg.ref)
		if err != nil {
			return m, m.setStatus(statusMsg{text: err.Error(), err: true, ttl: errorStatusTTL}), true
		}
		return m, msgCmd(openArticleMsg{art: a}), true
	case searchResultMsg:
		return m.handleSearchResult(msg)
	case viewMsg:
		return m.handleView(msg)
	case openArticleMsg:
		m.state = stateReader
		m.searching = false
		m.search.Blur()
		m.layout()
		cmd := m.openArticle(msg.art)
		m.syncKeys()
		return m, cmd, true
	case backMsg:
		cmd := m.savePosition()
		m.state = stateList
		m.layout()
		m.syncKeys()
		return m, cmd, true
	case marksLoadedMsg:
		return m.handleMarksLoaded(msg)
	case stateSavedMsg:
		return m.handleSaved(msg)
	case subscribedMsg:
		m.sub = msg.sub
		return m, m.c.listen(m.sub), true
	case libraryChangedMsg:
		return m.handleLibraryChanged()
	case pickerItemsMsg:
		m.picker.SetItems(msg.items, m.narrow)
		return m, nil, true
	case narrowMsg:
		return m, m.narrowTo(msg.to), true
	case pickerClosedMsg:
		m.state = stateList
		m.layout()
		m.syncKeys()
		return m, nil, true
	case stepArticleMsg:
		return m.handleStep(msg)
	case renderedMsg, foundMsg:
		// They belong to the reader even when the help page covers it.
		var cmd tea.Cmd
		m.reader, cmd = m.reader.Update(msg)
		m.syncKeys()
		return m, cmd, true
	case statusMsg:
		return m, m.setStatus(msg), true
	case clearStatusMsg:
		if msg.id == m.statusID {
			m.status = statusMsg{}
		}
		return m, nil, true
	}
	return m, nil, false
}

// handleLoaded shows the library, or the load error, and applies Query and
// Open.
func (m Model) handleLoaded(msg loadedMsg) (Model, tea.Cmd, bool) {
	m.state = stateList
	if msg.err != nil || msg.store == nil {
		err := msg.err
		if err == nil {
			err = fmt.Errorf("no library loaded")
		}
		m.fatal = "Could not load the library: " + err.Error()
		m.store = store.New(nil)
		m.layout()
		m.syncKeys()
		return m, nil, true
	}
	m.store = msg.store
	m.list.SetArticles(m.store.Articles(store.ByDate), store.ByDate, 0)
	subscribe := subscribeCmd(m.store)
	m.layout()
	m.syncKeys()
	var typed tea.Cmd
	if q := m.search.Value(); strings.TrimSpace(q) != "" {
		typed = m.searchCmd(q, searchPage, false)
	}
	text := fmt.Sprintf("Loaded %s articles in %s", thousands(m.store.Len()), roundDuration(msg.took))
	st := statusMsg{text: text, ttl: statusTTL}
	if msg.report != nil && len(msg.report.Skipped) > 0 {
		st.text += fmt.Sprintf(" · %s files skipped (see tidings check)", thousands(len(msg.report.Skipped)))
		st.ttl = errorStatusTTL
	}
	return m, tea.Batch(m.setStatus(st), typed, subscribe, m.startCmd()), true
}

// handleStep opens the next or previous article of the list from the
// reader; the list's cursor follows, so going back lands on it.
func (m Model) handleStep(msg stepArticleMsg) (Model, tea.Cmd, bool) {
	i := m.list.cursor + msg.delta
	if i < 0 || i >= m.list.Len() {
		text := "Last article of the list"
		if msg.delta < 0 {
			text = "First article of the list"
		}
		return m, m.setStatus(statusMsg{text: text, ttl: statusTTL}), true
	}
	m.list.Select(i)
	cmd := m.openArticle(m.list.Selected())
	m.syncKeys()
	return m, tea.Batch(cmd, m.moreHitsCmd()), true
}

// setStatus shows a status line and schedules its removal.
func (m *Model) setStatus(s statusMsg) tea.Cmd {
	m.statusID++
	m.status = s
	if s.ttl <= 0 {
		return nil
	}
	id := m.statusID
	return m.c.tick(s.ttl, func(time.Time) tea.Msg { return clearStatusMsg{id: id} })
}

// updateList handles the list's keys: the search box while typing, then
// search, sort and clear, then moving the cursor.
func (m *Model) updateList(msg tea.Msg) tea.Cmd {
	k := &m.c.keys
	km, isKey := msg.(tea.KeyMsg)
	if m.searching {
		if !isKey {
			var cmd tea.Cmd
			m.search, cmd = m.search.Update(msg)
			return cmd
		}
		return m.updateSearchBox(km)
	}
	if isKey {
		switch {
		case key.Matches(km, k.Search):
			m.searching = true
			m.search.Focus()
			m.layout()
			return nil
		case key.Matches(km, k.ClearFilter):
			if !m.list.filtered && m.narrow.active() {
				return m.narrowTo(narrowing{})
			}
			m.clearSearch()
			return nil
		case key.Matches(km, k.Sort):
			return m.sortCmd()
		case key.Matches(km, k.Star):
			return m.toggleStar(m.list.Selected())
		case key.Matches(km, k.ToggleRead):
			return m.toggleRead(m.list.Selected())
		case key.Matches(km, k.Pick):
			m.state = statePicker
			m.picker.Open(m.narrow)
			m.layout()
			return pickerItemsCmd(m.store)
		}
	}
	var cmd tea.Cmd
	m.list, cmd = m.list.Update(msg)
	return tea.Batch(cmd, m.moreHitsCmd())
}

// updateLoading lets a search be typed while the library loads; it runs
// when the library is there.
func (m *Model) updateLoading(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	switch {
	case !ok:
		return nil
	case m.searching:
		switch {
		case key.Matches(km, m.c.keys.Accept):
			m.searching = false
			m.search.Blur()
		case key.Matches(km, m.c.keys.Cancel):
			m.clearSearch()
		default:
			m.search, _ = m.search.Update(km)
		}
	case key.Matches(km, m.c.keys.Search):
		m.searching = true
		m.search.Focus()
	}
	m.layout()
	return nil
}

// updateSearchBox handles a key typed in the search box: every change of
// the text runs a new search.
func (m *Model) updateSearchBox(msg tea.KeyMsg) tea.Cmd {
	k := &m.c.keys
	switch {
	case key.Matches(msg, k.Accept):
		m.searching = false
		m.search.Blur()
		q := strings.TrimSpace(m.search.Value())
		if q == "" {
			m.clearSearch()
		}
		m.layout()
		return m.saveQuery(q)
	case key.Matches(msg, k.Cancel):
		m.clearSearch()
		return nil
	case key.Matches(msg, k.Recall) && m.search.Value() == "" && m.lastQuery != "":
		m.search.SetValue(m.lastQuery)
		return m.searchCmd(m.lastQuery, searchPage, false)
	}
	before := m.search.Value()
	var cmd tea.Cmd
	m.search, cmd = m.search.Update(msg)
	q := m.search.Value()
	if q == before {
		return cmd
	}
	if strings.TrimSpace(q) == "" {
		// An empty query shows the library again at once, without a search.
		m.searchSeq++
		if m.list.filtered {
			m.list.ClearFilter()
			m.layout()
		}
		return cmd
	}
	return tea.Batch(cmd, m.searchCmd(q, searchPage, false))
}

// clearSearch empties the search box and shows the whole library.
func (m *Model) clearSearch() {
	m.searchSeq++ // drop answers still on their way
	m.searching = false
	m.moreLimit = 0
	m.search.Reset()
	m.list.ClearFilter()
	m.layout()
}

// searchCmd runs a search in a command, numbered so that only the answer
// to the latest keystroke is shown.
func (m *Model) searchCmd(query string, limit int, more bool) tea.Cmd {
	return m.runSearch(query, limit, more, "", 0)
}

// searchCmdKeep runs the current search again after the library changed,
// keeping the cursor on keepID (or near row fallback).
func (m *Model) searchCmdKeep(query string, limit int, keepID string, fallback int) tea.Cmd {
	return m.runSearch(query, limit, false, keepID, fallback)
}

// runSearch is searchCmd and searchCmdKeep. The is: words of the query
// and the narrowing become the search's filter, made here (in Update) from
// the marks as they are now.
func (m *Model) runSearch(query string, limit int, more bool, keepID string, fallback int) tea.Cmd {
	m.searchSeq++
	seq, st := m.searchSeq, m.store
	q := index.ParseQuery(query)
	filter, hint := m.statesFilter(q.States())
	if n := m.narrow; n.active() {
		states := filter
		filter = func(a *store.Article) bool { return n.match(a) && (states == nil || states(a)) }
	}
	return func() tea.Msg {
		res := st.SearchQuery(q, store.SearchOptions{Limit: limit, Filter: filter})
		hits := make([]hit, len(res.Hits))
		for i, h := range res.Hits {
			hits[i] = makeHit(query, h)
		}
		return searchResultMsg{seq: seq, query: query, limit: limit, more: more, hits: hits, total: res.Total,
			took: res.Took, hint: hint, keepID: keepID, fallback: fallback}
	}
}

// makeHit keeps the index's snippet; when it has none, the summary or the
// start of the body stands in, with the query's matches found here.
func makeHit(query string, h store.Hit) hit {
	if strings.TrimSpace(h.Snippet) != "" {
		return hit{art: h.Article, snippet: h.Snippet, spans: h.Spans}
	}
	text := h.Article.Lead()
	if text == "" {
		text = h.Article.Body
		if len(text) > 300 {
			cut := 300
			for cut > 0 && (text[cut]&0xC0) == 0x80 {
				cut--
			}
			text = text[:cut]
		}
	}
	text = strings.Join(strings.Fields(text), " ")
	return hit{art: h.Article, snippet: text, spans: store.Highlight(query, text)}
}

// moreHitsCmd asks for the next page of hits when the cursor comes near the
// end of those shown and the search found more.
func (m *Model) moreHitsCmd() tea.Cmd {
	l := &m.list
	if !l.filtered || m.moreLimit != 0 || len(l.hits) >= l.total || l.cursor < len(l.hits)-2*l.perPage() {
		return nil
	}
	m.moreLimit = len(l.hits) * 2
	return m.searchCmd(l.query, m.moreLimit, true)
}

// handleSearchResult shows the hits of the latest search.
func (m Model) handleSearchResult(msg searchResultMsg) (Model, tea.Cmd, bool) {
	if msg.seq != m.searchSeq {
		return m, nil, true
	}
	if msg.more {
		m.moreLimit = 0
	}
	if !m.status.err || m.status.hint {
		m.status = statusMsg{} // the count says more than "Loaded …" now
	}
	refresh := msg.keepID != "" || (msg.fallback > 0 && m.list.filtered)
	m.list.SetHits(msg.query, msg.hits, msg.total, msg.took, msg.more || refresh)
	if refresh {
		keep := min(msg.fallback, max(len(msg.hits)-1, 0))
		for i, h := range msg.hits {
			if h.art.ID == msg.keepID {
				keep = i
				break
			}
		}
		m.list.follow(keep)
		m.list.clamp()
	}
	m.layout()
	m.syncKeys()
	var cmd tea.Cmd
	if msg.hint != "" {
		cmd = m.setStatus(statusMsg{text: msg.hint, err: true, hint: true, ttl: errorStatusTTL})
	}
	return m, cmd, true
}

// narrowTo shows only one source or section (or everything again): the
// library view and a search in progress both follow.
func (m *Model) narrowTo(to narrowing) tea.Cmd {
	m.state = stateList
	m.narrow = to
	keepID := ""
	if a := m.list.Selected(); a != nil {
		keepID = a.ID
	}
	cmds := []tea.Cmd{m.viewCmd(m.list.order, keepID, 0, false, "")}
	if m.list.filtered {
		cmds = append(cmds, m.searchCmd(m.list.query, searchPage, false))
	}
	m.layout()
	m.syncKeys()
	return tea.Batch(cmds...)
}

// sortCmd sorts the library in the next order in a command: the store sorts
// a view the first time it is asked for, which takes a while at 100k.
func (m *Model) sortCmd() tea.Cmd {
	order := (m.list.order + 1) % 3
	keepID := ""
	if a := m.list.Selected(); a != nil {
		keepID = a.ID
	}
	return m.viewCmd(order, keepID, 0, false, "Sorted by "+order.String())
}

// View draws the screen: title bar, the current view, key help, status bar.
func (m Model) View() string {
	w, h := m.c.width, m.c.height
	var parts []string
	parts = append(parts, m.titleView())
	switch m.state {
	case stateLoading:
		if m.searchShown() {
			parts = append(parts, centre(w)+m.search.View())
		}
		parts = append(parts, m.loadingView())
	case stateList:
		if m.searchShown() {
			parts = append(parts, centre(w)+m.search.View())
		}
		parts = append(parts, m.list.View())
	case stateReader:
		parts = append(parts, m.reader.View())
	case stateHelp:
		parts = append(parts, m.helpPage.View())
	case statePicker:
		parts = append(parts, m.picker.View())
	}
	// The status bar is the bottom line, as in glow and less, with the keys
	// just above it.
	parts = append(parts, m.help.ShortHelpView(m.c.keys.ShortHelp()), m.statusView())
	return fitScreen(strings.Join(parts, "\n"), w, h)
}

// fitScreen cuts the frame to exactly the terminal's size, whatever the
// parts drew: a line too many scrolls the terminal and garbles every frame
// after it.
func fitScreen(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		// Keep the bottom bars: drop lines just above them.
		keep := append(lines[:max(h-2, 0):max(h-2, 0)], lines[len(lines)-min(h, 2):]...)
		lines = keep
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// titleView is the top line: the badge and where you are.
func (m Model) titleView() string {
	s := &m.c.styles
	badge := s.Badge.Render("Tidings")
	var where string
	switch m.state {
	case stateLoading:
		where = "Loading"
	case stateHelp:
		where = "Help"
	case statePicker:
		where = "Narrow to a source or section"
	case stateReader:
		where = "Reading"
		if a := m.reader.art; a != nil {
			var parts []string
			for _, p := range []string{a.Source, a.Section} {
				if p != "" && (len(parts) == 0 || !strings.EqualFold(parts[0], p)) {
					parts = append(parts, p)
				}
			}
			if len(parts) > 0 {
				where = strings.Join(parts, " · ")
			}
		}
	default:
		switch {
		case m.list.filtered && m.narrow.active():
			where = "Search results · " + m.narrow.String()
		case m.list.filtered:
			where = "Search results"
		default:
			where = m.narrow.String() + " · by " + m.list.order.String()
		}
	}
	room := m.c.width - lipgloss.Width(badge) - 1
	return badge + " " + s.TitleBar.Render(truncate(termsafe.Line(where), room))
}

// loadingView is the spinner and the progress counters.
func (m Model) loadingView() string {
	s := &m.c.styles
	text := "Loading…"
	if p := m.opts.Progress; p != nil {
		text = fmt.Sprintf("Loading… %s files · %s articles", thousands(int(p.Files.Load())), thousands(int(p.Articles.Load())))
	}
	lines := []string{"", "  " + m.spinner.View() + " " + s.Empty.Render(text)}
	h := m.c.height - 3
	if m.searchShown() {
		h--
	}
	for len(lines) < max(h, 1) {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// statusView is the status bar: what the list or the reader shows on the
// left, the position on the right, a status message over the left part.
func (m Model) statusView() string {
	s := &m.c.styles
	w := m.c.width
	if m.state == stateReader && m.reader.Finding() {
		info := m.reader.MatchInfo()
		box := m.reader.FindView()
		if info != "" {
			return truncate(box, w-ansi.StringWidth(info)-2) + "  " + s.StatusFaint.Render(info)
		}
		return box
	}
	var left, right string
	leftStyle := s.StatusText
	switch m.state {
	case stateLoading:
		left = "Reading the library"
	case stateList, stateHelp:
		left, right = m.listStatus()
	case statePicker:
		left = "Type to filter · enter narrows the list · esc goes back"
	}
	if m.state == stateReader || (m.state == stateHelp && m.prev == stateReader) {
		left, right = m.readerStatus()
	}
	switch {
	case m.fatal != "":
		left, leftStyle = m.fatal, s.StatusError
	case m.status.text != "":
		left, leftStyle = m.status.text, s.StatusInfo
		if m.status.err {
			leftStyle = s.StatusError
		}
	}
	left = termsafe.Line(left)
	right = termsafe.Line(right)
	rw := ansi.StringWidth(right)
	if rw+2 > w {
		right, rw = "", 0
	}
	left = truncate(left, w-rw-3) // a space at each end and one between
	gap := max(w-ansi.StringWidth(left)-rw-2, 0)
	return s.StatusBar.Render(" ") + leftStyle.Render(left) + s.StatusBar.Render(strings.Repeat(" ", gap)) +
		s.StatusFaint.Render(right) + s.StatusBar.Render(" ")
}

// listStatus is the count, or the search's count, query and time.
func (m Model) listStatus() (left, right string) {
	l := &m.list
	all := m.store.Len()
	if l.filtered {
		left = fmt.Sprintf("%s of %s for %s · %s", thousands(l.total), thousands(all), quote(l.query), queryTime(l.took))
	} else {
		left = thousands(all) + " articles"
		if all == 1 {
			left = "1 article"
		}
	}
	if n := l.Len(); n > 0 {
		if l.filtered {
			n = max(n, l.total) // more hits are fetched on the way down
		}
		right = thousands(l.cursor+1) + "/" + thousands(n)
	}
	return left, right
}

// readerStatus is the reading time and fallback reason on the left, the
// matches and the position on the right.
func (m Model) readerStatus() (left, right string) {
	r := &m.reader
	if r.art != nil {
		left = r.art.Title
		if m.c.marks[r.art.ID].Starred {
			left = m.c.styles.StarGlyph + " " + left
		}
	}
	if fb := r.Fallback(); fb != "" {
		left = "Plain text: " + fb
	}
	right = strconv.Itoa(r.Percent()) + "%"
	if info := r.MatchInfo(); info != "" {
		right = info + " · " + right
	}
	return left, right
}

// helpContent lays the help columns out in rows that fit the width.
func (m Model) helpContent() string {
	s := &m.c.styles
	var groups []string
	for _, g := range m.helpKeys.FullHelp() {
		if col := m.help.FullHelpView([][]key.Binding{g}); col != "" {
			groups = append(groups, col)
		}
	}
	var rows []string
	var row []string
	width := 0
	const gap = 4
	for _, g := range groups {
		gw := lipgloss.Width(g)
		if len(row) > 0 && width+gap+gw > m.c.width-2 {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
			row, width = nil, 0
		}
		if len(row) > 0 {
			row = append(row, strings.Repeat(" ", gap))
			width += gap
		}
		row = append(row, g)
		width += gw
	}
	if len(row) > 0 {
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
	}
	title := s.HelpTitle.Render("Keys")
	out := []string{"", title, ""}
	out = append(out, strings.Split(strings.Join(rows, "\n\n"), "\n")...)
	out = append(out, "", s.HelpTitle.Render("Search"), "")
	out = append(out, strings.Split(m.syntaxHelp(), "\n")...)
	out = append(out, "", s.HelpTitle.Render("Markers"), "",
		s.UnreadMark.Render(s.UnreadGlyph)+" "+s.HelpDesc.Render("unread")+"   "+
			s.StarMark.Render(s.StarGlyph)+" "+s.HelpDesc.Render("starred")+"   "+
			s.NewMark.Render("new")+" "+s.HelpDesc.Render("arrived while Tidings was open"))
	for i, l := range out {
		out[i] = "  " + l
	}
	return strings.Join(out, "\n")
}

// syntaxHelp is the query language in two columns, like the keys.
func (m Model) syntaxHelp() string {
	s := &m.c.styles
	rows := [][2]string{
		{"words", "all of them; the last one as a prefix while typing"},
		{`"a phrase"`, "the words in this order"},
		{"-word", "without it"},
		{"a OR b", "either"},
		{"title: source:", "in one field (also section: author: tag:)"},
		{"after:2025-01-01", "by publication date (also before:)"},
		{"is:unread is:starred", "by your marks (also is:read, is:unstarred)"},
	}
	var left, right []string
	for _, r := range rows {
		left = append(left, r[0])
		right = append(right, r[1])
	}
	return lipgloss.JoinHorizontal(lipgloss.Top,
		s.HelpKey.Render(strings.Join(left, "\n")), " ", s.HelpDesc.Render(strings.Join(right, "\n")))
}

// thousands formats n with commas: 2,225.
func thousands(n int) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// queryTime formats how long a search took: "0.42 ms", "12 ms", "1.2 s".
func queryTime(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// roundDuration is a load time for people: "120ms", "1.3s".
func roundDuration(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}
