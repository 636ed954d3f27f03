package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// eventually polls cond until it holds or the deadline (far above the
// watcher's debounce) passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting until %s", what)
}

func hasTitle(st *Store, title string) bool {
	for _, a := range st.Articles(ByDate) {
		if a.Title == title {
			return true
		}
	}
	return false
}

func TestWatch(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"first.txt": "First article\n\nbody\n"})
	roots := []Root{DirRoot(dir)}
	st, _, err := Load(context.Background(), roots, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var problems = make(chan Problem, 100)
	done := make(chan error, 1)
	go func() { done <- st.Watch(ctx, roots, Options{}, func(p Problem) { problems <- p }) }()
	time.Sleep(100 * time.Millisecond) // let the watches be set up
	changes, stop := st.Subscribe()
	defer stop()

	// Added.
	writeFiles(t, dir, map[string]string{"news/added.md": "---\ntitle: Arrived live\n---\nfresh zanzibar text\n"})
	eventually(t, "the added file is listed", func() bool { return hasTitle(st, "Arrived live") })
	select {
	case <-changes:
	case <-time.After(time.Second):
		t.Error("subscriber not told of the change")
	}
	if a, _ := st.Find("news/added.md"); a == nil || !st.IsNew(a.ID) {
		t.Error("a live arrival is not marked new")
	}
	if res := st.Search("zanzibar", SearchOptions{}); res.Total != 1 {
		t.Errorf("index does not find the new article: %d", res.Total)
	}
	if st.IsNew(st.Articles(ByTitle)[1].ID) && st.Articles(ByTitle)[1].Title == "First article" {
		t.Error("an article from the first load is marked new")
	}

	// Changed in place, then the editor pattern: write a temp file, rename over.
	writeFiles(t, dir, map[string]string{"first.txt": "First article, edited\n\nbody\n"})
	eventually(t, "the edit shows", func() bool { return hasTitle(st, "First article, edited") })
	tmp := filepath.Join(dir, ".first.txt.swp")
	os.WriteFile(tmp, []byte("First article, saved by an editor\n\nbody\n"), 0o644)
	if err := os.Rename(tmp, filepath.Join(dir, "first.txt")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the editor's save shows", func() bool { return hasTitle(st, "First article, saved by an editor") })
	if st.Len() != 2 {
		t.Errorf("after edits: %d articles, want 2", st.Len())
	}
	if res := st.Search("edited", SearchOptions{}); res.Total != 0 {
		t.Errorf("the replaced version is still in the index")
	}

	// Renamed, then removed.
	os.Rename(filepath.Join(dir, "news", "added.md"), filepath.Join(dir, "news", "moved.md"))
	eventually(t, "the rename is followed", func() bool {
		a, err := st.Find("news/moved.md")
		_, errOld := st.Find("news/added.md")
		return err == nil && a.Title == "Arrived live" && errOld != nil && st.Len() == 2
	})
	os.Remove(filepath.Join(dir, "news", "moved.md"))
	eventually(t, "the removal is followed", func() bool { return !hasTitle(st, "Arrived live") && st.Len() == 1 })

	// A burst of 1,000 files into a new folder, then the folder goes.
	burst := filepath.Join(dir, "burst")
	os.Mkdir(burst, 0o755)
	for i := 0; i < 1000; i++ {
		os.WriteFile(filepath.Join(burst, fmt.Sprintf("%04d.txt", i)), []byte(fmt.Sprintf("Burst %d\n\nbody\n", i)), 0o644)
	}
	eventually(t, "all 1,000 files are in", func() bool { return st.Len() == 1001 })
	if res := st.Search("burst", SearchOptions{}); res.Total != 1000 {
		t.Errorf("index holds %d burst articles, want 1000", res.Total)
	}
	os.Rename(burst, filepath.Join(t.TempDir(), "gone"))
	eventually(t, "the moved-away folder's files are gone", func() bool { return st.Len() == 1 })

	// A bad file arriving is reported, not loaded.
	writeFiles(t, dir, map[string]string{"bad.txt": "bin\x00ary"})
	deadline := time.After(3 * time.Second)
	for reported := false; !reported; {
		select {
		case p := <-problems:
			reported = filepath.Base(p.Path) == "bad.txt"
		case <-deadline:
			t.Fatal("a binary file arriving was not reported")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Watch: %v", err)
	}
}
