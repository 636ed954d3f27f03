package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/tidings-app/tidings/store"
)

func TestSearchDropsStaleResults(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{})
	m = press(t, m, "/")
	next, slow := m.Update(keyMsgs("s")[0])
	m = next.(Model)
	next, fast := m.Update(keyMsgs("t")[0])
	m = next.(Model)
	// The answer to "st" arrives first, then the late answer to "s".
	m = send(t, m, fast)
	m = send(t, m, slow)
	if m.list.query != "st" {
		t.Errorf("the list shows the results for %q, want those for the last keystroke", m.list.query)
	}
}

func TestSearchKeys(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{})
	m = press(t, m, "/", "quiet")
	if !m.searching || m.search.Value() != "quiet" {
		t.Fatalf("q was not typed into the box: searching=%v value=%q", m.searching, m.search.Value())
	}
	if !strings.Contains(screen(m), "Library opens a night reading room") {
		t.Errorf("no result for quiet:\n%s", screen(m))
	}
	m = press(t, m, "esc")
	if m.searching || m.list.filtered || m.search.Value() != "" || m.list.Len() != 5 {
		t.Errorf("esc in the box did not restore the list: searching=%v filtered=%v len=%d", m.searching, m.list.filtered, m.list.Len())
	}
	m = press(t, m, "/", "storm", "enter")
	if m.searching || !m.list.filtered {
		t.Fatalf("enter did not keep the results")
	}
	m = press(t, m, "esc")
	if m.list.filtered || m.list.Len() != 5 {
		t.Errorf("esc in the filtered list did not clear it")
	}
	// Backspacing to an empty query shows everything at once.
	m = press(t, m, "/", "xy", "backspace", "backspace")
	if m.list.filtered {
		t.Errorf("an empty query still filters")
	}
}

func TestQuit(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{})
	if _, cmd := m.Update(keyMsgs("q")[0]); !isQuit(cmd) {
		t.Error("q in the list does not quit")
	}
	m = press(t, m, "/")
	if _, cmd := m.Update(keyMsgs("q")[0]); isQuit(cmd) {
		t.Error("q typed in the search box quits")
	}
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyCtrlC}); !isQuit(cmd) {
		t.Error("ctrl+c in the search box does not quit")
	}
	m = press(t, m, "esc", "enter")
	if m.state != stateReader {
		t.Fatal("enter did not open the reader")
	}
	if _, cmd := m.Update(keyMsgs("q")[0]); isQuit(cmd) {
		t.Error("q in the reader quits instead of going back")
	}
	if m = press(t, m, "q"); m.state != stateList {
		t.Error("q in the reader does not go back")
	}
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func TestReaderBackKeepsCursor(t *testing.T) {
	for _, back := range []string{"esc", "q", "h", "left"} {
		m := newTestModel(t, 80, 24, Options{})
		m = press(t, m, "j", "j", "l")
		if m.state != stateReader || m.reader.art.ID != "c3c3c3c3c3c3" {
			t.Fatalf("l did not open the third article")
		}
		m = press(t, m, "J", "J", "K")
		if m.reader.art.ID != "d4d4d4d4d4d4" {
			t.Errorf("J J K reads %s, want the fourth article", m.reader.art.ID)
		}
		m = press(t, m, back)
		if m.state != stateList || m.list.cursor != 3 {
			t.Errorf("%s: state %d cursor %d, want the list on the article last read", back, m.state, m.list.cursor)
		}
	}
}

func TestReaderFindAndMatches(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{})
	m = press(t, m, "j", "j", "j", "enter") // the rocket: "engine" many times
	m = press(t, m, "/", "engine")
	if !m.reader.Finding() || len(m.reader.matches) < 3 {
		t.Fatalf("finding=%v matches=%d", m.reader.Finding(), len(m.reader.matches))
	}
	if got := m.reader.MatchInfo(); got != "1/"+itoa(len(m.reader.matches)) {
		t.Errorf("typing landed on %q, want the first match", got)
	}
	m = press(t, m, "enter", "n", "n")
	if got := m.reader.MatchInfo(); got != "3/"+itoa(len(m.reader.matches)) {
		t.Errorf("after n n: %q", got)
	}
	m = press(t, m, "N", "N", "N")
	if got, n := m.reader.MatchInfo(), len(m.reader.matches); got != itoa(n)+"/"+itoa(n) {
		t.Errorf("N wraps to %q, want the last match", got)
	}
	if !strings.Contains(screen(m), "/"+itoa(len(m.reader.matches))) {
		t.Errorf("the footer does not count matches:\n%s", screen(m))
	}
	m = press(t, m, "/", "esc")
	if m.reader.HasMatches() || m.reader.MatchInfo() != "" {
		t.Error("esc in the find box left highlights")
	}
}

func itoa(n int) string { return thousands(n) }

func TestReaderRerendersOnResize(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{})
	m = press(t, m, "enter", "G")
	if m.reader.contentWidth != 80 || m.reader.Percent() != 100 {
		t.Fatalf("width %d at %d%%", m.reader.contentWidth, m.reader.Percent())
	}
	for _, size := range [][2]int{{50, 12}, {30, 8}, {160, 45}, {300, 100}, {1, 1}, {80, 24}} {
		m = send(t, m, nil, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		if want := min(size[0], maxReadWidth); m.reader.contentWidth != want {
			t.Errorf("%v: rendered at %d, want %d", size, m.reader.contentWidth, want)
		}
		checkFrame(t, screen(m), size[0], size[1])
	}
	if m.c.cache.Len() < 5 {
		t.Errorf("the cache holds %d renderings, want one per width", m.c.cache.Len())
	}
}

// TestEveryScreenAtEverySize draws each state at sizes from tiny to huge.
func TestEveryScreenAtEverySize(t *testing.T) {
	scenes := [][]string{nil, {"/", "storm"}, {"/", "storm", "enter", "enter", "n"}, {"?"}, {"enter", "?"}, {"enter", "/", "sky"}}
	for _, keys := range scenes {
		for _, size := range [][2]int{{1, 1}, {10, 3}, {30, 8}, {300, 100}} {
			m := newTestModel(t, size[0], size[1], Options{})
			m = press(t, m, keys...)
			checkFrame(t, screen(m), size[0], size[1])
		}
	}
}

func TestStartOptions(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{Query: "storm"})
	if !m.list.filtered || m.list.total != 2 {
		t.Errorf("Query did not start a search: filtered=%v total=%d", m.list.filtered, m.list.total)
	}
	m = newTestModel(t, 80, 24, Options{Open: "b2b2"})
	if m.state != stateReader || m.reader.art.ID != "b2b2b2b2b2b2" {
		t.Errorf("Open by prefix did not open the article")
	}
	m = newTestModel(t, 80, 24, Options{Open: "nothing-like-it"})
	if m.state != stateList || !m.status.err || !strings.Contains(screen(m), "no article") {
		t.Errorf("an unknown article shows no error:\n%s", screen(m))
	}
	// The error goes away when its time is up.
	m = send(t, m, nil, clearStatusMsg{id: m.statusID})
	if strings.Contains(screen(m), "no article") {
		t.Error("the timed error stayed")
	}
}

func TestLoadFailure(t *testing.T) {
	load := func(context.Context) (*store.Store, *store.Report, error) {
		return nil, nil, errors.New("reading /nowhere: permission denied")
	}
	m := newTestModel(t, 80, 24, Options{Load: load, Progress: &store.Progress{}})
	out := screen(m)
	if !strings.Contains(out, "Could not load the library: reading /nowhere: permission denied") {
		t.Errorf("no load error in the status bar:\n%s", out)
	}
	if _, cmd := m.Update(keyMsgs("q")[0]); !isQuit(cmd) {
		t.Error("q does not quit after a load failure")
	}
}

func TestLoadingScreen(t *testing.T) {
	p := &store.Progress{}
	p.Files.Store(12345)
	m := New(Options{Load: func(context.Context) (*store.Store, *store.Report, error) { select {} }, Progress: p, Renderer: testRenderer()})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 60, Height: 10})
	if out := ansi.Strip(next.View()); !strings.Contains(out, "Loading… 12,345 files") {
		t.Errorf("no progress while loading:\n%s", out)
	}
}

func TestSortCycles(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{})
	m = press(t, m, "j") // keep the library article selected across sorts
	for _, want := range []store.SortOrder{store.ByTitle, store.BySource, store.ByDate} {
		m = press(t, m, "s")
		if m.list.order != want || m.list.Selected().ID != "b2b2b2b2b2b2" {
			t.Errorf("order %v selected %s, want %v with the same article", m.list.order, m.list.Selected().ID, want)
		}
	}
	m = press(t, m, "/", "storm", "enter")
	if m.c.keys.Sort.Enabled() {
		t.Error("s is offered on ranked search results")
	}
}

func TestStylesFollowOptions(t *testing.T) {
	light := lipgloss.NewRenderer(nil)
	light.SetColorProfile(termenv.TrueColor)
	light.SetHasDarkBackground(false)
	dark := lipgloss.NewRenderer(nil)
	dark.SetColorProfile(termenv.TrueColor)
	dark.SetHasDarkBackground(true)
	for _, tt := range []struct {
		theme   string
		noColor bool
		r       *lipgloss.Renderer
		want    string
	}{
		{"auto", false, dark, "dark"},
		{"auto", false, light, "light"},
		{"dark", false, light, "dark"},
		{"light", false, dark, "light"},
		{"dark", true, dark, "notty"},
		{"dark", false, testRenderer(), "notty"}, // no colour at all
	} {
		m := New(Options{Store: testLibrary(), Renderer: tt.r, Theme: tt.theme, NoColor: tt.noColor})
		if got := m.c.styles.GlamourStyle; got != tt.want {
			t.Errorf("theme %s noColor %v: Glamour style %s, want %s", tt.theme, tt.noColor, got, tt.want)
		}
	}
}

func TestHighlightWideCharacters(t *testing.T) {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.ANSI) // the highlight must be visible in bytes
	hl := r.NewStyle().Reverse(true)
	plain := "東京の桜が満開 and 桜 again"
	styled := "\x1b[1m" + plain + "\x1b[0m"
	c := &articleContent{lines: []string{styled}, plain: []string{plain}, text: plain + "\n", starts: []int{0}}
	ms := c.find("桜")
	if len(ms) != 2 {
		t.Fatalf("found %d matches of 桜, want 2: %v", len(ms), ms)
	}
	if ms[0].cols != (colRange{6, 8}) {
		t.Errorf("first match at columns %v, want 6-8 (after three wide characters)", ms[0].cols)
	}
	out := highlightStyled(styled, plain, []colRange{ms[0].cols, ms[1].cols}, 0, hl, hl)
	if ansi.Strip(out) != plain {
		t.Errorf("highlighting changed the text: %q", ansi.Strip(out))
	}
	if ansi.StringWidth(out) != ansi.StringWidth(plain) {
		t.Errorf("highlighting changed the width")
	}
	if !strings.Contains(out, "\x1b[7m桜") {
		t.Errorf("the match is not highlighted: %q", out)
	}
}

func TestSnippetHighlightKeepsWidth(t *testing.T) {
	st := testStyles()
	text := strings.Repeat("前置き ", 30) + "the storm came"
	spans := store.Highlight("storm", text)
	out := highlightLine(text, spans, 40, st.ItemSnippet, st.Match)
	if w := ansi.StringWidth(out); w > 40 {
		t.Errorf("snippet is %d columns, more than 40", w)
	}
	if !strings.Contains(ansi.Strip(out), "storm") {
		t.Errorf("the match was cut off: %q", ansi.Strip(out))
	}
}

func TestSearchboxEditing(t *testing.T) {
	c := &common{styles: testStyles()}
	b := newSearchbox(c, "/ ", "")
	b.Focus()
	for _, msg := range keyMsgs("hello world", "left", "left", "backspace", "home", "X", "end", "!") {
		b, _ = b.Update(msg)
	}
	if got := b.Value(); got != "Xhello wold!" {
		t.Errorf("value %q", got)
	}
	b, _ = b.Update(tea.KeyMsg{Type: tea.KeyCtrlW})
	if got := b.Value(); got != "Xhello " {
		t.Errorf("after ctrl+w: %q", got)
	}
	b, _ = b.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a\x1b[2J\nb"), Paste: true})
	if got := b.Value(); got != "Xhello a[2J b" {
		t.Errorf("pasted controls were kept: %q", got)
	}
	b.SetValue(strings.Repeat("x", 1000))
	if len(b.Value()) != maxQuery {
		t.Errorf("the box holds %d runes, more than %d", len(b.Value()), maxQuery)
	}
	b.SetSize(20, 1)
	b.Focus()
	b, _ = b.Update(keyMsgs("end")[0])
	if w := ansi.StringWidth(b.View()); w > 20 {
		t.Errorf("the box is %d columns wide, more than 20", w)
	}
}

// TestNoEscapesFromArticles checks hostile text in titles and snippets
// reaches the screen without its escape sequences.
func TestNoEscapesFromArticles(t *testing.T) {
	evil := store.New([]store.Article{{
		ID: "e1e1e1e1e1e1", Title: "Bad \x1b]0;pwned\x07title \x1b[2J", Source: "Evil\x1b[31m", Words: 10,
		Body: "Payload &#27;[2J here and storm \x1b]52;c;AAAA\x07", Summary: "storm \x1b[5m",
	}})
	m := newTestModel(t, 80, 24, Options{Store: evil})
	for _, keys := range [][]string{nil, {"/", "storm"}, {"/", "storm", "enter", "enter"}} {
		m := press(t, m, keys...)
		out := m.View() // the test renderer draws no colour: any ESC is an escape
		if strings.ContainsRune(out, '\x1b') || strings.ContainsRune(out, '\x07') {
			t.Errorf("after %v an escape reached the screen: %q", keys, out)
		}
	}
}

func TestSearchTypedWhileLoading(t *testing.T) {
	release := make(chan struct{})
	lib := testLibrary()
	m := New(Options{Load: func(context.Context) (*store.Store, *store.Report, error) {
		<-release
		return lib, &store.Report{}, nil
	}, Renderer: testRenderer()})
	m.c.tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	m = send(t, m, nil, tea.WindowSizeMsg{Width: 80, Height: 24})
	m = press(t, m, "/", "storm", "enter")
	if !strings.Contains(screen(m), "/ storm") || m.state != stateLoading {
		t.Fatalf("the search box is not shown while loading:\n%s", screen(m))
	}
	close(release)
	m = send(t, m, m.Init())
	if m.state != stateList || !m.list.filtered || m.list.total != 2 {
		t.Errorf("the search typed while loading did not run: state %d filtered %v", m.state, m.list.filtered)
	}
}

func TestMouseWheelMovesTheList(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{})
	wheel := func(b tea.MouseButton) tea.Msg {
		return tea.MouseMsg{Button: b, Action: tea.MouseActionPress}
	}
	m = send(t, m, nil, wheel(tea.MouseButtonWheelDown), wheel(tea.MouseButtonWheelDown), wheel(tea.MouseButtonWheelUp))
	if m.list.cursor != 1 {
		t.Errorf("cursor %d after down, down, up; want 1", m.list.cursor)
	}
}

// TestSessionsShareStoreAndCache runs many Models at once on one store and
// one render cache, as the SSH server does; run it with -race.
func TestSessionsShareStoreAndCache(t *testing.T) {
	lib := testLibrary()
	cache := New(Options{Store: lib, Renderer: testRenderer()}).c.cache
	done := make(chan struct{})
	for i := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			m := newTestModel(t, 60+i, 20, Options{Store: lib, Cache: cache})
			m = press(t, m, "/", "storm", "enter", "enter", "G", "J", "K")
			m = send(t, m, nil, tea.WindowSizeMsg{Width: 100, Height: 30})
			_ = m.View()
		}()
	}
	for range 8 {
		<-done
	}
	if cache.Len() == 0 {
		t.Error("nothing was cached")
	}
}
