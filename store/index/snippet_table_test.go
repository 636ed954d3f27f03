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
