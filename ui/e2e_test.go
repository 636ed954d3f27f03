package ui

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/tidings-app/tidings/articles"
	"github.com/tidings-app/tidings/store"
)

// TestProgramBuiltInLibrary runs the whole program on the built-in library
// the way a newcomer would: it loads, they search for the seed article, open
// it, go to the end, come back and quit.
func TestProgramBuiltInLibrary(t *testing.T) {
	progress := &store.Progress{}
	load := func(ctx context.Context) (*store.Store, *store.Report, error) {
		return store.Load(ctx, []store.Root{store.FSRoot("built-in", articles.FS())}, store.Options{Progress: progress})
	}
	m := New(Options{Load: load, Progress: progress, Renderer: testRenderer(), Theme: "dark"})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))

	start := time.Now()
	waitFor := func(what string) {
		t.Helper()
		defer func() { t.Logf("%v: saw %q", time.Since(start).Round(time.Millisecond), what) }()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	waitFor("All articles")
	tm.Type("/khmeimim")
	waitFor("1 of")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter}) // keep the results
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter}) // open
	waitFor("Russia")
	tm.Type("G")
	waitFor("100%")
	tm.Send(tea.KeyMsg{Type: tea.KeyEscape})
	waitFor("Search results")
	tm.Type("q")

	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if final.state != stateList {
		t.Errorf("quit from state %d, want the list", final.state)
	}
	if !final.list.filtered || final.list.total != 1 {
		t.Errorf("the search did not stay: filtered=%v total=%d", final.list.filtered, final.list.total)
	}
	sel := final.list.Selected()
	if sel == nil || !strings.Contains(strings.ToLower(sel.Title), "russia") {
		t.Errorf("selected %v, want the seed article", sel)
	}
	if final.reader.Percent() != 100 {
		t.Errorf("reader at %d%%, want 100%%", final.reader.Percent())
	}
}
