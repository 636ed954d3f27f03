package store

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bbcDir finds the shared BBC corpus; tests that need it skip without it.
func bbcDir(t testing.TB) string {
	t.Helper()
	for _, d := range []string{os.Getenv("TIDINGS_BBC"), "../../shared/corpora/bbc"} {
		if d == "" {
			continue
		}
		if info, err := os.Stat(d); err == nil && info.IsDir() {
			return d
		}
	}
	t.Skip("BBC corpus not found (set TIDINGS_BBC)")
	return ""
}

func TestLoadBBC(t *testing.T) {
	dir := bbcDir(t)
	st, rep, err := Load(context.Background(), []Root{DirRoot(dir)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Len() != 2225 || len(rep.Skipped) != 0 {
		t.Fatalf("loaded %d articles, skipped %v; want 2225 and none", st.Len(), rep.Skipped)
	}
	// A dozen files: the title is the first line, every paragraph is kept,
	// the section is the folder.
	for _, rel := range []string{
		"business/001.txt", "business/250.txt", "entertainment/001.txt", "entertainment/300.txt",
		"politics/001.txt", "politics/400.txt", "sport/001.txt", "sport/199.txt", "sport/500.txt",
		"tech/001.txt", "tech/200.txt", "tech/401.txt",
	} {
		a, err := st.Find(rel)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		f, err := os.Open(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		sc.Scan()
		if want := strings.TrimSpace(sc.Text()); a.Title != want && rel != "sport/199.txt" {
			t.Errorf("%s: title %q, want %q", rel, a.Title, want)
		}
		paras := 0
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) != "" {
				paras++
			}
		}
		f.Close()
		got := strings.Count(a.Body, "\n\n") + 1 + len(a.Related)
		if got != paras {
			t.Errorf("%s: %d paragraphs (+related), file has %d", rel, got, paras)
		}
		if a.Section != strings.Split(rel, "/")[0] {
			t.Errorf("%s: section %q", rel, a.Section)
		}
	}
	a, _ := st.Find("sport/199.txt")
	if a == nil || !strings.Contains(a.Title+a.Body, "£") || strings.Contains(a.Body, "\uFFFD") {
		t.Errorf("sport/199.txt: the Latin-1 pound sign did not decode")
	}
}
