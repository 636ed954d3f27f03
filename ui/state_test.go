package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/tidings-app/tidings/state"
	"github.com/tidings-app/tidings/store"
)

// mark reads one mark back from the state store, failing the test on error.
func mark(t *testing.T, st state.Store, user, id string) state.Mark {
	t.Helper()
	m, err := st.Mark(user, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// row is the screen line that holds title.
func row(t *testing.T, m Model, title string) string {
	t.Helper()
	for _, l := range strings.Split(screen(m), "\n") {
		if strings.Contains(l, title) {
			return l
		}
	}
	t.Fatalf("no line shows %q:\n%s", title, screen(m))
	return ""
}

func TestStarAndReadInTheList(t *testing.T) {
	st := state.NewMemory()
	m := newTestModel(t, 80, 24, Options{State: st, User: "alice"})
	const ferries, library = "a1a1a1a1a1a1", "b2b2b2b2b2b2"
	if got := row(t, m, "Harbour ferries"); !strings.Contains(got, "│ N  Harbour") {
		t.Errorf("an unread article has no unread marker: %q", got)
	}
	m = press(t, m, "f")
	if !mark(t, st, "alice", ferries).Starred {
		t.Error("f did not star the selected article in the state store")
	}
	if got := row(t, m, "Harbour ferries"); !strings.Contains(got, "│ N* Harbour") {
		t.Errorf("the starred article shows no star: %q", got)
	}
	m = press(t, m, "j", "m")
	if mk := mark(t, st, "alice", library); !mk.Read || mk.ReadAt.IsZero() {
		t.Errorf("m did not mark the selected article read: %+v", mk)
	}
	if got := row(t, m, "Library opens"); !strings.Contains(got, "│    Library opens") {
		t.Errorf("a read article still looks unread: %q", got)
	}
	// The titles stay in one column whatever the markers.
	col := func(title string) int {
		l := row(t, m, title)
		return ansi.StringWidth(l[:strings.Index(l, title)])
	}
	if a, b := col("Harbour ferries"), col("Library opens"); a != b {
		t.Errorf("titles are not aligned: %d and %d", a, b)
	}
	m = press(t, m, "m", "k", "f")
	if mk := mark(t, st, "alice", library); mk.Read {
		t.Error("m again did not mark the article unread")
	}
	if mark(t, st, "alice", ferries).Starred {
		t.Error("f again did not unstar the article")
	}
	if !strings.Contains(screen(m), "Unstarred: Harbour ferries") {
		t.Errorf("no status after unstarring:\n%s", screen(m))
	}
}

func TestStarAndReadInTheReader(t *testing.T) {
	st := state.NewMemory()
	m := newTestModel(t, 80, 24, Options{State: st, User: "alice"})
	m = press(t, m, "enter")
	const id = "a1a1a1a1a1a1"
	if !mark(t, st, "alice", id).Read {
		t.Fatal("opening an article did not mark it read")
	}
	m = press(t, m, "f")
	if !mark(t, st, "alice", id).Starred {
		t.Error("f in the reader did not star the article")
	}
	if !strings.Contains(screen(m), "Starred: Harbour ferries") {
		t.Errorf("no status after starring in the reader:\n%s", screen(m))
	}
	m = press(t, m, "m")
	if mark(t, st, "alice", id).Read {
		t.Error("m in the reader did not mark the article unread")
	}
	m = press(t, m, "esc")
	if got := row(t, m, "Harbour ferries"); !strings.Contains(got, "N* Harbour") {
		t.Errorf("back in the list the markers are wrong: %q", got)
	}
	// Stepping to the next article marks that one read too.
	press(t, m, "enter", "J")
	if !mark(t, st, "alice", "b2b2b2b2b2b2").Read {
		t.Error("J did not mark the next article read")
	}
}

func TestReadingPositionRestored(t *testing.T) {
	st := state.NewMemory()
	m := newTestModel(t, 60, 12, Options{State: st, User: "alice"})
	m = press(t, m, "j", "j", "j", "enter") // the long rocket article
	id := m.reader.art.ID
	m = press(t, m, "j", "j", "j", "j", "j")
	want := m.reader.vp.YOffset
	if want == 0 {
		t.Fatalf("the article does not scroll at this size")
	}
	m = press(t, m, "esc")
	if mk := mark(t, st, "alice", id); mk.Line != want || mk.Percent <= 0 {
		t.Fatalf("leaving the reader saved %+v, want line %d", mk, want)
	}
	m = press(t, m, "enter")
	if m.reader.vp.YOffset != want {
		t.Errorf("reopened at line %d, want %d", m.reader.vp.YOffset, want)
	}
	if !strings.Contains(screen(m), "Continued where you left off") {
		t.Errorf("no word about continuing:\n%s", screen(m))
	}

	// A new Model on the same store (a new session) continues there too,
	// and a saved line past the end is clamped.
	if err := st.SetPosition("alice", id, 10000, 50); err != nil {
		t.Fatal(err)
	}
	m2 := newTestModel(t, 60, 12, Options{State: st, User: "alice", Open: id})
	if m2.state != stateReader || m2.reader.vp.YOffset == 0 || m2.reader.vp.PastBottom() {
		t.Errorf("a new session did not continue (clamped): offset %d of %d lines", m2.reader.vp.YOffset, m2.reader.vp.TotalLineCount())
	}
}

func TestSearchByMarks(t *testing.T) {
	st := state.NewMemory()
	m := newTestModel(t, 80, 24, Options{State: st, User: "alice"})
	m = press(t, m, "j", "f", "j", "enter", "esc") // star the library, read the sakura
	m = press(t, m, "/", "is:starred", "enter")
	if m.list.Len() != 1 || m.list.At(0).ID != "b2b2b2b2b2b2" {
		t.Fatalf("is:starred shows %d articles:\n%s", m.list.Len(), screen(m))
	}
	m = press(t, m, "esc", "/", "is:unread")
	if m.list.total != 4 {
		t.Errorf("is:unread found %d, want 4:\n%s", m.list.total, screen(m))
	}
	for i := range m.list.Len() {
		if m.list.At(i).ID == "c3c3c3c3c3c3" {
			t.Error("is:unread shows the article just read")
		}
	}
	// Combined with words and fields.
	m = press(t, m, "esc", "/", "is:unread storm")
	if m.list.total != 2 {
		t.Errorf("is:unread storm found %d, want 2", m.list.total)
	}
	m = press(t, m, "esc", "/", "is:read source:tokyo")
	if m.list.total != 1 {
		t.Errorf("is:read source:tokyo found %d, want 1", m.list.total)
	}
	// A typo is pointed out, and the hint goes once the query is right.
	m = press(t, m, "esc", "/", "is:stared")
	if !strings.Contains(screen(m), "unknown is:stared") {
		t.Errorf("no hint for is:stared:\n%s", screen(m))
	}
	m = press(t, m, "backspace", "backspace", "r", "e", "d")
	if strings.Contains(screen(m), "unknown is:") || m.list.total != 1 {
		t.Errorf("is:starred still shows the hint or the wrong count (%d):\n%s", m.list.total, screen(m))
	}
}

func TestTwoUsersDoNotShareMarks(t *testing.T) {
	st := state.NewMemory()
	alice := newTestModel(t, 80, 24, Options{State: st, User: "alice"})
	press(t, alice, "f", "enter")
	bob := newTestModel(t, 80, 24, Options{State: st, User: "bob"})
	if got := row(t, bob, "Harbour ferries"); !strings.Contains(got, "│ N  Harbour") {
		t.Errorf("bob sees alice's marks: %q", got)
	}
	bob = press(t, bob, "/", "is:starred")
	if bob.list.total != 0 {
		t.Errorf("bob's is:starred found %d", bob.list.total)
	}
	if m := mark(t, st, "bob", "a1a1a1a1a1a1"); !m.IsZero() {
		t.Errorf("bob has a mark he never made: %+v", m)
	}
	// Alice's next session sees hers.
	again := newTestModel(t, 80, 24, Options{State: st, User: "alice"})
	if got := row(t, again, "Harbour ferries"); !strings.Contains(got, "│  * Harbour") {
		t.Errorf("alice's new session lost her marks: %q", got)
	}
}

// readOnlyStore answers reads from memory and refuses every write, like a
// state file without write permission.
type readOnlyStore struct{ state.Store }

func (readOnlyStore) SetRead(string, string, bool) error                 { return state.ErrReadOnly }
func (readOnlyStore) SetStarred(string, string, bool) error              { return state.ErrReadOnly }
func (readOnlyStore) SetPosition(string, string, int, float64) error     { return state.ErrReadOnly }
func (readOnlyStore) SetLastQuery(string, string) error                  { return state.ErrReadOnly }
func (readOnlyStore) ReadOnly() bool                                     { return true }
func (r readOnlyStore) Marks(user string) (map[string]state.Mark, error) { return r.Store.Marks(user) }

func TestReadOnlyStateKeepsMarksInMemory(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{State: readOnlyStore{state.NewMemory()}, User: "alice"})
	m = press(t, m, "f")
	if !strings.Contains(screen(m), "marks won't be saved: state file is read-only") {
		t.Errorf("no warning:\n%s", screen(m))
	}
	if got := row(t, m, "Harbour ferries"); !strings.Contains(got, "N* Harbour") {
		t.Errorf("the star was not kept in memory: %q", got)
	}
	m = press(t, m, "j", "f")
	if strings.Contains(screen(m), "won't be saved") {
		t.Errorf("the warning is repeated:\n%s", screen(m))
	}
}

func TestStartWarningAndLastQuery(t *testing.T) {
	st := state.NewMemory()
	m := newTestModel(t, 80, 24, Options{State: st, User: "alice", Warning: "state file is locked; marks won't be saved"})
	if !strings.Contains(screen(m), "state file is locked") {
		t.Errorf("the start warning is not shown:\n%s", screen(m))
	}
	press(t, m, "/", "storm", "enter")
	if q, _ := st.LastQuery("alice"); q != "storm" {
		t.Errorf("last query %q, want storm", q)
	}
	m = newTestModel(t, 80, 24, Options{State: st, User: "alice"})
	m = press(t, m, "/", "up")
	if m.search.Value() != "storm" || m.list.total != 2 {
		t.Errorf("↑ in the empty box gave %q (%d hits)", m.search.Value(), m.list.total)
	}
}

func TestPickerNarrows(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{})
	m = press(t, m, "p")
	if m.state != statePicker || !strings.Contains(screen(m), "City Post") {
		t.Fatalf("p did not open the picker:\n%s", screen(m))
	}
	m = press(t, m, "city", "enter")
	if m.state != stateList || m.list.Len() != 2 {
		t.Fatalf("narrowing to City Post shows %d articles:\n%s", m.list.Len(), screen(m))
	}
	if !strings.Contains(screen(m), "Source: City Post") {
		t.Errorf("the title bar does not say what the list is narrowed to:\n%s", screen(m))
	}
	// Search and sort stay inside the narrowing.
	m = press(t, m, "/", "chess", "enter")
	if m.list.total != 1 || !strings.Contains(screen(m), "Search results · Source: City Post") {
		t.Errorf("search in the narrowed list:\n%s", screen(m))
	}
	m = press(t, m, "esc", "/", "storm")
	if m.list.total != 0 {
		t.Errorf("storm is not from City Post, found %d", m.list.total)
	}
	m = press(t, m, "esc", "s")
	if m.list.Len() != 2 {
		t.Errorf("sorting left the narrowing: %d articles", m.list.Len())
	}
	// A section, then esc shows everything again.
	m = press(t, m, "p", "cult", "down", "enter")
	if !strings.Contains(screen(m), "Section: culture") || m.list.Len() != 2 {
		t.Errorf("narrowing to the culture section:\n%s", screen(m))
	}
	m = press(t, m, "esc")
	if m.list.Len() != 5 || !strings.Contains(screen(m), "All articles") {
		t.Errorf("esc did not show everything:\n%s", screen(m))
	}
	// esc in the picker goes back without changing anything.
	m = press(t, m, "p", "esc")
	if m.state != stateList || m.list.Len() != 5 {
		t.Errorf("esc in the picker: state %d, %d articles", m.state, m.list.Len())
	}
}

// writeArticle writes a small Markdown article into dir.
func writeArticle(t *testing.T, dir, name, title string, date time.Time) {
	t.Helper()
	text := "---\ntitle: " + title + "\ndate: " + date.Format(time.RFC3339) + "\nsource: Desk\n---\n\nSome words about " + title + ".\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitVersion waits until the store has applied a change.
func waitVersion(t *testing.T, st *store.Store, after uint64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for st.Version() == after {
		if time.Now().After(deadline) {
			t.Fatal("the watcher did not apply the change")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestLiveLibrary(t *testing.T) {
	dir := t.TempDir()
	for i, title := range []string{"Alpha report", "Bravo report", "Charlie report"} {
		writeArticle(t, dir, strings.ToLower(title[:5])+".md", title, day.Add(-time.Duration(i)*time.Hour))
	}
	roots := []store.Root{store.DirRoot(dir)}
	st, _, err := store.Load(context.Background(), roots, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = st.Watch(ctx, roots, store.Options{}, nil) }()
	t.Cleanup(func() { cancel(); <-done })
	time.Sleep(100 * time.Millisecond) // let the watcher add the folder

	m := newTestModel(t, 80, 24, Options{Store: st})
	if m.sub == nil {
		t.Fatal("the model did not subscribe to the library")
	}
	m = press(t, m, "j") // on Bravo
	v := st.Version()
	writeArticle(t, dir, "delta.md", "Delta report", day.Add(time.Hour)) // newest: goes on top
	waitVersion(t, st, v)
	m = send(t, m, nil, libraryChangedMsg{})
	if a := m.list.Selected(); a == nil || a.Title != "Bravo report" {
		t.Errorf("the cursor left Bravo: %v", a)
	}
	if got := row(t, m, "Delta report"); !strings.Contains(screen(m), "Delta report") {
		t.Errorf("the new article is not listed: %q", got)
	}
	lines := strings.Split(screen(m), "\n")
	for i, l := range lines {
		if strings.Contains(l, "Delta report") && !strings.Contains(lines[i+1], "new Desk") {
			t.Errorf("the new article has no new marker:\n%s", screen(m))
		}
		if strings.Contains(l, "Bravo report") && strings.Contains(lines[i+1], "new") {
			t.Errorf("an old article is marked new:\n%s", screen(m))
		}
	}

	// A search is refreshed in place; the open article's removal is told.
	m = press(t, m, "/", "report", "enter")
	m = press(t, m, "j", "j", "enter") // open Bravo from the results
	open := m.reader.art.Title
	v = st.Version()
	if err := os.Remove(filepath.Join(dir, "bravo.md")); err != nil {
		t.Fatal(err)
	}
	waitVersion(t, st, v)
	m = send(t, m, nil, libraryChangedMsg{})
	if open != "Bravo report" || !strings.Contains(screen(m), "removed from the library") {
		t.Errorf("reading %q; no word that it was removed:\n%s", open, screen(m))
	}
	m = press(t, m, "esc")
	if m.list.total != 3 || strings.Contains(screen(m), "Bravo report") {
		t.Errorf("the search still shows the removed article (%d hits):\n%s", m.list.total, screen(m))
	}
	if a := m.list.Selected(); a == nil {
		t.Error("nothing is selected after the selected article went")
	}
	m = press(t, m, "esc")
	if m.list.Len() != 3 {
		t.Errorf("the library behind the search was not refreshed: %d", m.list.Len())
	}
}

// TestQuitFlushesWrites checks that quitting right after a key still
// stores its mark: the write queue runs before the program ends.
func TestQuitFlushesWrites(t *testing.T) {
	st := &slowStore{Store: state.NewMemory()}
	m := newTestModel(t, 80, 24, Options{State: st, User: "alice"})
	next, cmd := m.Update(keyMsgs("f")[0])
	m = next.(Model)
	_ = cmd // the write in flight is never run, as if the program ended first
	next, cmd = m.Update(keyMsgs("q")[0])
	send(t, next.(Model), cmd)
	if !mark(t, st, "alice", "a1a1a1a1a1a1").Starred {
		t.Error("the star pressed just before q was lost")
	}
}

// slowStore is a memory store whose writes are counted, to show the
// quit path ran them.
type slowStore struct {
	state.Store
	writes int
}

func (s *slowStore) SetStarred(user, id string, v bool) error {
	s.writes++
	return s.Store.SetStarred(user, id, v)
}

// TestStartQueryByMarks checks that a query given at start (ssh host
// search is:starred) waits for the marks.
func TestStartQueryByMarks(t *testing.T) {
	st := state.NewMemory()
	if err := st.SetStarred("alice", "d4d4d4d4d4d4", true); err != nil {
		t.Fatal(err)
	}
	m := newTestModel(t, 80, 24, Options{State: st, User: "alice", Query: "is:starred"})
	if m.list.total != 1 || m.list.At(0).ID != "d4d4d4d4d4d4" {
		t.Errorf("is:starred at start found %d:\n%s", m.list.total, screen(m))
	}
}
