package index

import (
	"strings"
	"testing"
)

// TestSnippetDropsTableSyntax: a snippet from a Markdown table reads as
// words, without the pipes and the delimiter row.
func TestSnippetDropsTableSyntax(t *testing.T) {
	ix := New()
	ix.Add(Doc{Title: "Operators", Body: "Intro text.\n\n| Query | Finds |\n| --- | :-: |\n| `\"peace talks\"` | the exact phrase |\n| `zebra` | striped horses |\n"})
	res := ix.Search(ParseQuery("zebra "), SearchOptions{Limit: 1})
	if len(res.Hits) != 1 {
		t.Fatalf("hits: %v", res.Hits)
	}
	snip := res.Hits[0].Snippet
	if strings.ContainsAny(snip, "|") || strings.Contains(snip, "---") {
		t.Errorf("table syntax in snippet %q", snip)
	}
	for _, want := range []string{"exact phrase", "zebra striped horses"} {
		if !strings.Contains(snip, want) {
			t.Errorf("snippet %q lacks %q", snip, want)
		}
	}
	if sp := res.Hits[0].Spans; len(sp) != 1 || snip[sp[0].Start:sp[0].End] != "zebra" {
		t.Errorf("spans %v in %q", sp, snip)
	}
}

// TestSnippetShowsThePhrase: for a phrase of common words, the snippet is
// cut around the phrase itself, not the first window where its words
// occur apart, and the phrase is the span highlighted.
func TestSnippetShowsThePhrase(t *testing.T) {
	filler := strings.Repeat("Words of every kind and the rest come first here. ", 30)
	body := filler + "At last the edge of the map appears, far into the text. " + filler
	ix := New()
	ix.Add(Doc{Title: "Maps", Body: body}, Doc{Title: "Other", Body: "The end of the road."})
	for _, q := range []string{`"of the"`, `"of the" map`, `maps "of the"`} {
		res := ix.Search(ParseQuery(q), SearchOptions{Limit: 5, SnippetRunes: 60})
		var hit *Hit
		for i := range res.Hits {
			if res.Hits[i].Doc == 0 {
				hit = &res.Hits[i]
			}
		}
		if hit == nil {
			t.Fatalf("%s: document 0 not found: %v", q, res.Hits)
		}
		found := false
		for _, sp := range hit.Spans {
			found = found || hit.Snippet[sp.Start:sp.End] == "of the"
		}
		if !strings.Contains(hit.Snippet, "edge of the map") || !found {
			t.Errorf("%s: snippet %q, spans %v: want the phrase, highlighted", q, hit.Snippet, hit.Spans)
		}
	}
}
