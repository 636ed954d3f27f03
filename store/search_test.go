package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestSearchSeed runs the acceptance queries through the whole
// path: files on disk, Load, the Store's index.
func TestSearchSeed(t *testing.T) {
	dir := t.TempDir()
	seed, err := os.ReadFile("testdata/text/seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{
		"world/seed.txt": string(seed),
		"world/other.md": "---\ntitle: Harbour talks stall\n---\nNegotiators in Syria met again; no agreement on the harbour.\n",
		"tech/chips.txt": "Chip makers expand\n\nA new factory opens.\n",
	})
	st, _, err := Load(context.Background(), []Root{DirRoot(dir)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	const title = "Russia Begins Syria Withdrawal as Peace Talks Enter Second Day"
	for _, q := range []string{`"peace talks"`, "title:withdrawal", "ceasefir", "withdrawing", "khmeimim"} {
		res := st.Search(q, SearchOptions{})
		if len(res.Hits) == 0 || res.Hits[0].Article.Title != title {
			t.Errorf("%s: hits %v, want the seed first", q, titles(res.Hits))
		}
	}
	res := st.Search("syria -russia", SearchOptions{})
	for _, h := range res.Hits {
		if h.Article.Title == title {
			t.Errorf("syria -russia found the seed")
		}
	}
	if res.Total != 1 {
		t.Errorf("syria -russia: %d hits, want 1 (the other Syria article)", res.Total)
	}
	if all := st.Search("", SearchOptions{Limit: 10}); all.Total != 3 {
		t.Errorf("empty query: total %d, want 3", all.Total)
	}
	filtered := st.Search("syria", SearchOptions{Filter: func(a *Article) bool { return a.Section == "world" && filepath.Base(a.Path) == "other.md" }})
	if filtered.Total != 1 || filtered.Hits[0].Article.Title != "Harbour talks stall" {
		t.Errorf("filter not applied: %v", titles(filtered.Hits))
	}
	if spans := Highlight("withdrawal", "The Withdrawing troops"); len(spans) != 1 {
		t.Errorf("Highlight: %v", spans)
	}
}

func titles(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Article.Title)
	}
	return out
}
