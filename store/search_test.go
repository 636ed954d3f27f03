package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tidings-app/tidings/store/index"
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

// TestSearchWithoutFilter holds the store's search without a filter (the
// index's fast paths) to the same search through a filter that accepts
// everything, and checks that an article already dropped from the store but
// not yet from the index (a live update in progress) is never returned.
func TestSearchWithoutFilter(t *testing.T) {
	var arts []Article
	words := []string{"peace", "talks", "market", "rally", "storm", "harbour", "vote", "the", "of", "a"}
	for i := range 300 {
		title := words[i%7] + " " + words[(i/7)%10] + " report"
		body := ""
		for j := range 40 + i%50 {
			body += words[(i*j+j/3)%len(words)] + " "
		}
		arts = append(arts, Article{ID: fmt.Sprintf("%03x", i), Title: title, Body: body, Path: fmt.Sprintf("a/%d.txt", i)})
	}
	st := New(arts)
	all := func(*Article) bool { return true }
	queries := []string{"peace ", "talks", "market rally ", `"the peace"`, "storm -vote ", "title:harbour ", "of ", ""}
	for _, q := range queries {
		got := st.Search(q, SearchOptions{Limit: 10})
		want := st.Search(q, SearchOptions{Limit: 10, Filter: all})
		if got.Total != want.Total || !slices.Equal(titles(got.Hits), titles(want.Hits)) {
			t.Errorf("%q: total %d %v, with a filter %d %v", q, got.Total, titles(got.Hits), want.Total, titles(want.Hits))
		}
	}
	// The first half of a removal: the article leaves docs, the index
	// still has it.
	gone := st.docs[5]
	st.mu.Lock()
	st.docs[5] = nil
	st.sorted[ByDate] = slices.DeleteFunc(slices.Clone(st.sorted[ByDate]), func(a *Article) bool { return a == gone })
	st.mu.Unlock()
	for _, q := range queries {
		got := st.Search(q, SearchOptions{Limit: 400})
		want := st.Search(q, SearchOptions{Limit: 400, Filter: all})
		for _, h := range got.Hits {
			if h.Article == nil || h.Article == gone {
				t.Fatalf("%q: removed article returned", q)
			}
		}
		if got.Total != want.Total || len(got.Hits) != len(want.Hits) {
			t.Errorf("%q after removal: total %d, with a filter %d", q, got.Total, want.Total)
		}
	}
	// The first half of an addition: the index has articles docs has not.
	st.ix.Add(index.Doc{Title: "peace peace", Body: "peace talks"}, index.Doc{Title: "storm", Body: "of the peace"})
	for _, q := range queries {
		got := st.Search(q, SearchOptions{Limit: 400})
		want := st.Search(q, SearchOptions{Limit: 400, Filter: all})
		for _, h := range got.Hits {
			if h.Article == nil || h.Article == gone {
				t.Fatalf("%q: article not in the store returned", q)
			}
		}
		if got.Total != want.Total || len(got.Hits) != len(want.Hits) {
			t.Errorf("%q during an addition: total %d, with a filter %d", q, got.Total, want.Total)
		}
	}
}
