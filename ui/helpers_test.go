package ui

import (
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/ui/styles"
)

// testRenderer is a renderer that draws no colour and believes the
// background is dark, so golden files do not depend on the terminal.
func testRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	return r
}

var day = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// testLibrary is a small fixed library: fixed dates, ids and words, one
// title in Japanese and one with an emoji to keep wide characters honest.
func testLibrary() *store.Store {
	body := func(paras ...string) string { return strings.Join(paras, "\n\n") }
	arts := []store.Article{
		{ID: "a1a1a1a1a1a1", Title: "Harbour ferries return after the storm", Source: "Coast Gazette", Section: "world",
			Author: "Mara Quinn", Published: day, URL: "https://example.org/ferries", Words: 420, Path: "world/ferries.md",
			Summary: "Ferries sailed again on Friday after three days of storm.",
			Body: body("# Ferries return", "Ferries sailed again on **Friday** after three days of storm kept every boat in the harbour.",
				"The harbour master said the storm was the worst in a decade. Crews checked every ferry before the first crossing.",
				"- Morning crossings resume\n- Evening crossings from Monday", "> The sea is calm again, said one captain.")},
		{ID: "b2b2b2b2b2b2", Title: "Library opens a night reading room", Source: "City Post", Section: "culture",
			Author: "Ian Bell", Published: day.Add(-24 * time.Hour), Words: 180, Path: "culture/library.md",
			Summary: "The central library will stay open until midnight.",
			Body:    body("The central library will stay open until midnight, with a quiet reading room for night owls.", "Readers welcomed the change.")},
		{ID: "c3c3c3c3c3c3", Title: "東京の桜が満開に", Source: "Tokyo Letter", Section: "culture",
			Published: day.Add(-48 * time.Hour), Words: 90, Path: "culture/sakura.md",
			Body: body("東京の桜が満開になりました。花見の季節です。", "Cherry blossoms in Tokyo reached full bloom.")},
		{ID: "d4d4d4d4d4d4", Title: "Rocket test 🚀 lights up the desert sky", Source: "Science Wire", Section: "science",
			Author: "Ola Berg", Published: day.Add(-72 * time.Hour), Words: 650, Path: "science/rocket.md",
			Summary: "A rocket engine test lit up the night.",
			Body: body("A rocket engine test lit up the desert sky on Tuesday night.", "Engineers said the storm season would delay the next test.",
				strings.Repeat("The engine burned for two minutes. ", 30))},
		{ID: "e5e5e5e5e5e5", Title: "Chess club wins the regional final", Source: "City Post", Section: "sport",
			Author: "Ian Bell", Published: day.Add(-96 * time.Hour), Words: 240, Path: "sport/chess.txt",
			Body: "The chess club won the regional final in a tense last game."},
	}
	return store.New(arts)
}

// newTestModel is a Model on the test library at a size, timers disabled.
func newTestModel(t testing.TB, w, h int, opts Options) Model {
	t.Helper()
	if opts.Store == nil && opts.Load == nil {
		opts.Store = testLibrary()
	}
	if opts.Renderer == nil {
		opts.Renderer = testRenderer()
	}
	if opts.Theme == "" {
		opts.Theme = "dark"
	}
	m := New(opts)
	m.c.tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	m = send(t, m, m.Init())
	return send(t, m, nil, tea.WindowSizeMsg{Width: w, Height: h})
}

// send feeds messages to the model and runs every command they return,
// synchronously and in the order they were issued (as if each finished
// before the next), feeding the results back, until nothing is left. Batches and sequences are taken apart; quitting stops.
func send(t testing.TB, m Model, cmd tea.Cmd, msgs ...tea.Msg) Model {
	t.Helper()
	// Library changes are fed by the tests (libraryChangedMsg); waiting
	// for one here would never end.
	m.c.listen = func(*subscription) tea.Cmd { return nil }
	queue := []tea.Cmd{cmd}
	for _, msg := range msgs {
		queue = append(queue, msgCmd(msg))
	}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			t.Fatal("commands do not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		switch msg := msg.(type) {
		case nil:
			continue
		case tea.BatchMsg:
			queue = append(queue, msg...)
			continue
		case tea.QuitMsg:
			return m
		}
		// tea.Sequence's message is an unexported []tea.Cmd.
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
			var cmds []tea.Cmd
			for i := range v.Len() {
				cmds = append(cmds, v.Index(i).Interface().(tea.Cmd))
			}
			queue = append(queue, cmds...)
			continue
		}
		next, out := m.Update(msg)
		m = next.(Model)
		queue = append(queue, out)
	}
	return m
}

// keys turns a list of key names into key messages: "enter", "esc",
// "ctrl+c", "up", or text typed rune by rune.
func keyMsgs(names ...string) []tea.Msg {
	special := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "ctrl+c": tea.KeyCtrlC, "up": tea.KeyUp,
		"down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight, "pgup": tea.KeyPgUp,
		"pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd, "backspace": tea.KeyBackspace,
		"space": tea.KeySpace, "ctrl+u": tea.KeyCtrlU, "ctrl+d": tea.KeyCtrlD,
	}
	var out []tea.Msg
	for _, n := range names {
		if k, ok := special[n]; ok {
			out = append(out, tea.KeyMsg{Type: k})
			continue
		}
		for _, r := range n {
			out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	}
	return out
}

// press sends keys one by one, running commands after each.
func press(t testing.TB, m Model, names ...string) Model {
	t.Helper()
	for _, msg := range keyMsgs(names...) {
		m = send(t, m, nil, msg)
	}
	return m
}

// screen is the frame without escape sequences.
func screen(m Model) string { return ansi.Strip(m.View()) }

// testStyles are the styles of the test renderer.
func testStyles() styles.Styles { return styles.DefaultStyles(testRenderer(), "dark", false) }
