package index

import (
	"reflect"
	"runtime"
	"testing"
)

// TestSnippetsOnTwoCores wants the same results, snippets and spans
// included, whether a phrase's snippets are made on one core or shared out.
func TestSnippetsOnTwoCores(t *testing.T) {
	docs := corpus(3000)
	ix := New()
	ix.Add(docs...)
	qs := []string{`"of the"`, `"in the"`, `"to the" said`, `"the out"`, `"a of" -"of the"`, `"is" "was"`}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	shared := 0
	for _, s := range qs {
		q := ParseQuery(s)
		runtime.GOMAXPROCS(1)
		want := ix.Search(q, SearchOptions{Limit: 50})
		runtime.GOMAXPROCS(2)
		got := ix.Search(q, SearchOptions{Limit: 50})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: on two cores %v, on one %v", s, got.Hits, want.Hits)
		}
		if len(got.Hits) >= snippetPartHits {
			shared++
		}
	}
	if shared < 3 {
		t.Fatalf("only %d queries had enough hits to share their snippets out", shared)
	}
}
