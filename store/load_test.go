package store

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tidings-app/tidings/store/synth"
)

// writeFiles creates files under dir from a map of relative path to content.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func loadDir(t *testing.T, dir string, opts Options) (*Store, *Report) {
	t.Helper()
	st, rep, err := Load(context.Background(), []Root{DirRoot(dir)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return st, rep
}

// skipReason returns the reason a file was skipped, or "".
func skipReason(rep *Report, suffix string) string {
	for _, p := range rep.Skipped {
		if strings.HasSuffix(filepath.ToSlash(p.Path), suffix) {
			return p.Reason
		}
	}
	return ""
}

func TestLoadBadInput(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"good.txt":               "A good headline\n\nA paragraph.\n",
		"world/europe/nested.md": "---\ntitle: Nested\n---\nBody.\n",
		"binary.txt":             "looks like text\x00but is not",
		"empty.txt":              "",
		"blank.md":               " \n\t\n",
		"big.txt":                strings.Repeat("x", 2048),
		"broken.md":              "---\ntitle: [oops\n---\n# Still here\n\nBody.\n",
		"README.TXT":             "about this folder",
		".hidden.txt":            "hidden",
		"notes.docx":             "unknown format",
		"unreadable.txt":         "secret",
	})
	writeFiles(t, outside, map[string]string{"secret.txt": "Outside\n\nshould never load\n"})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(syscall.Mkfifo(filepath.Join(dir, "fifo.txt"), 0o644))
	must(os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "escape.txt")))
	must(os.Symlink("/dev/zero", filepath.Join(dir, "zero.txt")))
	must(os.Symlink("good.txt", filepath.Join(dir, "alias.txt"))) // inside: allowed
	must(os.Symlink(".", filepath.Join(dir, "loop")))
	must(os.Symlink("missing.txt", filepath.Join(dir, "dangling.txt")))
	must(os.Chmod(filepath.Join(dir, "unreadable.txt"), 0))
	// 70 nested folders: deeper than a limit of 64.
	deep := dir
	for i := 0; i < 70; i++ {
		deep = filepath.Join(deep, "d")
	}
	must(os.MkdirAll(deep, 0o755))
	must(os.WriteFile(filepath.Join(deep, "deep.txt"), []byte("Deep\n\nbody\n"), 0o644))

	done := make(chan struct{})
	var st *Store
	var rep *Report
	go func() {
		defer close(done)
		st, rep = loadDir(t, dir, Options{MaxFileSize: 1024})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Load blocked (on the FIFO?)")
	}

	wantSkip := map[string]string{
		"binary.txt":   "binary",
		"empty.txt":    "empty",
		"blank.md":     "empty",
		"big.txt":      "too large",
		"fifo.txt":     "FIFO",
		"escape.txt":   "out of the library",
		"zero.txt":     "out of the library",
		"loop":         "loop",
		"dangling.txt": "symlink",
		"/d":           "deeper than 64",
	}
	if os.Geteuid() != 0 { // root reads everything
		wantSkip["unreadable.txt"] = "permission denied"
	}
	for file, reason := range wantSkip {
		got := skipReason(rep, file)
		if !strings.Contains(got, reason) {
			t.Errorf("%s: skip reason %q, want it to mention %q", file, got, reason)
		}
	}
	var titles []string
	for _, a := range st.Articles(ByTitle) {
		titles = append(titles, a.Title)
	}
	want := []string{"A good headline", "A good headline", "Nested", "Still here"}
	if os.Geteuid() == 0 {
		want = []string{"A good headline", "A good headline", "Nested", "secret", "Still here"}
	}
	if strings.Join(titles, "|") != strings.Join(want, "|") {
		t.Errorf("loaded %q, want %q", titles, want)
	}
	for _, a := range st.Articles(ByDate) {
		if strings.Contains(a.Body, "should never load") {
			t.Errorf("article from outside the root was loaded: %s", a.Path)
		}
	}
	if len(rep.Warnings) != 1 || !strings.HasSuffix(rep.Warnings[0].Path, "broken.md") {
		t.Errorf("warnings = %v, want one for broken.md", rep.Warnings)
	}
	if rep.Ignored != 3 {
		t.Errorf("ignored = %d, want 3 (README.TXT, .hidden.txt, notes.docx)", rep.Ignored)
	}
	if a, err := st.Find("world/europe/nested.md"); err != nil || a.Section != "world/europe" {
		t.Errorf("Find by path: %v, %v; want section world/europe", a, err)
	}
}

func TestLoadMaxFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		files[n+".txt"] = "Title " + n + "\n\nbody\n"
	}
	writeFiles(t, dir, files)
	st, rep := loadDir(t, dir, Options{MaxFiles: 3})
	if st.Len() != 3 {
		t.Errorf("loaded %d, want 3", st.Len())
	}
	if len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0].Reason, "file limit") {
		t.Errorf("skipped = %v, want the file-limit note", rep.Skipped)
	}
}

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"world/seed.txt": {Data: []byte("Share\n\nHeadline\n\nBody.\n")},
		"tour/intro.md":  {Data: []byte("---\ntitle: Intro\ndate: 2026-01-01\n---\nHi.\n")},
		"README.md":      {Data: []byte("not an article")},
	}
	st, rep, err := Load(context.Background(), []Root{FSRoot("built-in", fsys)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Len() != 2 || rep.Ignored != 1 || len(rep.Skipped) != 0 {
		t.Fatalf("len %d ignored %d skipped %v", st.Len(), rep.Ignored, rep.Skipped)
	}
	arts := st.Articles(ByDate)
	if arts[0].Title != "Intro" || arts[1].Title != "Headline" || arts[1].Section != "world" {
		t.Errorf("got %q (%s), %q (%s)", arts[0].Title, arts[0].Section, arts[1].Title, arts[1].Section)
	}
}

func TestIDsStableAndDistinct(t *testing.T) {
	if got := makeID("", "world/seed.txt", ""); got != makeID("", "world/seed.txt", "") || len(got) != idLen {
		t.Fatalf("makeID not stable: %s", got)
	}
	// The same relative path under two roots gets two ids.
	a, b := t.TempDir(), t.TempDir()
	writeFiles(t, a, map[string]string{"x.txt": "One\n\nbody\n"})
	writeFiles(t, b, map[string]string{"x.txt": "Two\n\nbody\n"})
	st, _, err := Load(context.Background(), []Root{DirRoot(a), DirRoot(b)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	arts := st.Articles(ByTitle)
	if len(arts) != 2 || arts[0].ID == arts[1].ID {
		t.Fatalf("ids collide: %v", arts)
	}
	if arts[0].ID != makeID("", "x.txt", "") {
		t.Errorf("first root's id %s is not the plain hash of its path", arts[0].ID)
	}
}

func TestFind(t *testing.T) {
	st := New([]Article{
		{ID: "abc123000000", Title: "one", Path: "a/one.txt", Root: "r"},
		{ID: "abc124000000", Title: "two", Path: "b/two.md", Root: "r"},
	})
	tests := []struct{ ref, want, err string }{
		{"abc123000000", "one", ""},
		{"abc124", "two", ""},
		{"ABC124", "two", ""},
		{"abc12", "", "matches 2 articles"},
		{"b/two.md", "two", ""},
		{"ffff", "", "no article"},
		{"", "", "no article"},
	}
	for _, tt := range tests {
		a, err := st.Find(tt.ref)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Find(%q) err = %v, want %q", tt.ref, err, tt.err)
			}
		case err != nil || a.Title != tt.want:
			t.Errorf("Find(%q) = %v, %v; want %s", tt.ref, a, err, tt.want)
		}
	}
}

// TestIgnoredNames checks the allocation-free name test against the
// definition: hidden, or a documentation name once upper-cased.
func TestIgnoredNames(t *testing.T) {
	ref := func(name string) bool {
		if strings.HasPrefix(name, ".") {
			return true
		}
		return docName(strings.ToUpper(strings.TrimSuffix(name, path.Ext(name))))
	}
	for _, name := range []string{
		"README.md", "ReadMe.txt", "readme", "LICENSE", "licence.md", "Copying.txt", "CHANGELOG.md",
		"notice.md", "Authors.txt", "contributing.md", "CONTRIBUTING", "contributingx.md", "read.md",
		"lıcense.md", "contrıbuting.md", "ſtory.md", "README.old.md", ".hidden.md", "", "a", "日本.md",
		"notes.md", "readme-first.txt", "CONTRIBUTINGCONTRIBUTING.md",
	} {
		if got, want := ignored(name), ref(name); got != want {
			t.Errorf("ignored(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestLoadSameWithAnyWorkers loads a library of several chunks twice, from
// two roots holding the same relative paths (so ids collide and are salted),
// with one worker and with many: workers finish chunks in any order, yet
// ids, document numbers, the date view, the index and the report must not
// depend on it.
func TestLoadSameWithAnyWorkers(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := synth.WriteDir(dir, chunkFiles/4+300, 7); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{
		"bad/empty.md":  "  \n",
		"bad/binary.md": "a\x00b",
		"bad/date.md":   "---\ndate: someday\n---\nBody",
	})
	roots := []Root{DirRoot(dir), DirRoot(dir + string(filepath.Separator) + ".")}
	type view struct {
		ids     []string
		byDate  []string
		report  string
		matches []string
	}
	load := func(workers int) view {
		st, rep, err := Load(context.Background(), roots, Options{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		var v view
		for n, a := range st.docs {
			if a == nil || int(a.doc) != n || st.byID[a.ID] != a {
				t.Fatalf("workers=%d: document %d is %v", workers, n, a)
			}
			if got := st.byFile[fileKey{a.Root, a.Path}]; !slices.Contains(got, a) {
				t.Fatalf("workers=%d: %s/%s not filed under its path", workers, a.Root, a.Path)
			}
			v.ids = append(v.ids, a.ID+" "+a.Root+" "+a.Path)
		}
		for _, a := range st.Articles(ByDate) {
			v.byDate = append(v.byDate, a.ID)
		}
		rep.Read, rep.Index, rep.Total = 0, 0, 0
		v.report = fmt.Sprintf("%+v", *rep)
		for _, q := range []string{"the", "said withdrawal", `"of the"`} {
			r := st.Search(q, SearchOptions{Limit: 20})
			for _, h := range r.Hits {
				v.matches = append(v.matches, fmt.Sprintf("%s %.6f", h.Article.ID, h.Score))
			}
			v.matches = append(v.matches, fmt.Sprint(r.Total))
		}
		return v
	}
	one := load(1)
	if len(one.ids) != 2*(chunkFiles/4+301) {
		t.Fatalf("loaded %d articles, want %d", len(one.ids), 2*(chunkFiles/4+301))
	}
	for _, workers := range []int{2, 5} {
		if many := load(workers); !reflect.DeepEqual(one, many) {
			t.Errorf("workers=%d loads a different library than one worker", workers)
		}
	}
}

// TestLoadCancelled checks that a cancelled load fails with the context's
// error and leaves no folder open, whether it was cancelled before it
// started or while workers were reading.
func TestLoadCancelled(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := synth.WriteDir(dir, 600, 3); err != nil {
		t.Fatal(err)
	}
	openFDs := func() int {
		fds, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skip("no /proc/self/fd")
		}
		return len(fds)
	}
	before := openFDs()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Load(ctx, []Root{DirRoot(dir)}, Options{}); err != context.Canceled {
		t.Errorf("cancelled before: err = %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	p := &Progress{}
	go func() {
		for p.Files.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	if _, _, err := Load(ctx, []Root{DirRoot(dir)}, Options{Progress: p}); err != context.Canceled {
		t.Errorf("cancelled while loading: err = %v", err)
	}
	cancel()
	if after := openFDs(); after != before {
		t.Errorf("%d file descriptors open before the loads, %d after", before, after)
	}
}
