package index

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// bbcDir finds the BBC corpus (not committed): $TIDINGS_BBC, else
// ../shared/corpora/bbc relative to the repository root.
func bbcDir() string {
	if d := os.Getenv("TIDINGS_BBC"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "corpora", "bbc")
}

// bbcDocs reads BBC articles (headline line, then the text; some files are
// Windows-1252), sorting paths first so docs[i] is paths[i].
func bbcDocs(t *testing.T, paths []string) []Doc {
	t.Helper()
	slices.Sort(paths)
	var docs []Doc
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(data) {
			if data, err = charmap.Windows1252.NewDecoder().Bytes(data); err != nil {
				t.Fatal(err)
			}
		}
		head, body, _ := strings.Cut(string(data), "\n")
		docs = append(docs, Doc{Title: strings.TrimSpace(head), Body: body, Section: filepath.Base(filepath.Dir(p))})
	}
	return docs
}

// TestKnownItemBBC searches, for a seeded sample of real articles, three
// words that occur in no other article, and wants the article in the top 3.
func TestKnownItemBBC(t *testing.T) {
	dir := bbcDir()
	paths, _ := filepath.Glob(filepath.Join(dir, "*", "*.txt"))
	if len(paths) == 0 {
		t.Skipf("BBC corpus not found at %s", dir)
	}
	docs := bbcDocs(t, paths)
	ix := New()
	ix.Add(docs...)

	// Document frequency of each folded word over whole articles.
	df := map[string]int{}
	words := make([][]string, len(docs))
	for i, d := range docs {
		seen := map[string]bool{}
		for _, w := range foldWords(d.Title + "\n" + d.Body) {
			if !seen[w] {
				seen[w] = true
				words[i] = append(words[i], w)
				df[stem(w)]++
			}
		}
	}
	r := rand.New(rand.NewPCG(2225, 1))
	tried, found := 0, 0
	for _, i := range r.Perm(len(docs))[:200] {
		var unique []string
		for _, w := range words[i] {
			if df[stem(w)] == 1 && len(w) > 2 {
				unique = append(unique, w)
			}
		}
		// The corpus has near-duplicate stories: some articles have fewer
		// than three words of their own; those use what they have.
		if len(unique) == 0 {
			continue
		}
		r.Shuffle(len(unique), func(a, b int) { unique[a], unique[b] = unique[b], unique[a] })
		pick := unique[:min(3, len(unique))]
		tried++
		res := ix.Search(ParseQuery(strings.Join(pick, " ")+" "), SearchOptions{Limit: 3})
		if slices.ContainsFunc(res.Hits, func(h Hit) bool { return h.Doc == DocNum(i) }) {
			found++
		} else {
			t.Logf("missed %s with %q", paths[i], pick)
		}
	}
	if tried < 150 || found*10 < tried*9 {
		t.Fatalf("known item in top 3 for %d of %d articles", found, tried)
	}
	t.Logf("known item in top 3 for %d of %d articles", found, tried)
}
