package index

import (
	"math"
	"reflect"
	"testing"
)

// TestPosIndexMatchesCursor checks phrases through the posIndex against
// phrases through cursors alone: the same hits, scores, snippets and
// totals. The index is built in steps so that side tables are made for
// segments merged before a term qualified, and extended afterwards.
func TestPosIndexMatchesCursor(t *testing.T) {
	docs := corpus(8000)
	ix := addInSteps(docs, 3000, 6000) // 3000: below bitsMinDocs, no side tables yet
	_, x := posIndexOf(t, ix, "the")
	if len(x.segs) < 3 {
		t.Fatalf(`"the" has %d position segments, want 3 or more`, len(x.segs))
	}
	qs := append(querySet(docs, "phrase"), `"of the"`, `"the government"`, `"said the minister"`,
		`"to more"`, `"the prime minister said"`, `"in the the"`, `title:"the minister"`, `"the" "of"`)
	defer func() { usePosIndex = true }()
	direct := 0
	for _, r := range sameWithAndWithout(t, ix, qs, "the posIndex", func(on bool) { usePosIndex = on }) {
		if r.Total > 0 {
			direct++
		}
	}
	if direct < len(qs)/2 {
		t.Errorf("only %d of %d phrases match anything: the comparison says little", direct, len(qs))
	}
}

// TestAtPositionsMatchSeek checks that a cursor moved by at reads the same
// positions as one that seeks, in whole and up to a limit: snippets take
// a common word's positions that way.
func TestAtPositionsMatchSeek(t *testing.T) {
	ix := addInSteps(corpus(8000), 3000)
	id, x := posIndexOf(t, ix, "of")
	a, b := ix.termCursor(ix.acc, id, false), ix.termCursor(ix.acc, id, false)
	seen := 0
	for d := DocNum(0); int(d) < len(ix.docs); d += 3 {
		okA, okB := a.at(x, d), b.seek(d) && b.doc == d
		if okA != okB {
			t.Fatalf("doc %d: at says %v, seek %v", d, okA, okB)
		}
		if !okA {
			continue
		}
		seen++
		limit := uint32(math.MaxUint32)
		if d%2 == 0 {
			limit = 100
		}
		if pa, pb := a.positionsUpTo(nil, limit), b.positionsUpTo(nil, limit); !reflect.DeepEqual(pa, pb) {
			t.Fatalf("doc %d up to %d: at reads %v, seek %v", d, limit, pa, pb)
		}
	}
	if seen < 2000 {
		t.Fatalf("only %d documents with the word", seen)
	}
}

// addInSteps indexes docs in one Add per range between the cuts, so that
// terms have several segments, merged at different sizes.
func addInSteps(docs []Doc, cuts ...int) *Index {
	ix := New()
	from := 0
	for _, c := range append(cuts, len(docs)) {
		ix.Add(docs[from:c]...)
		from = c
	}
	return ix
}

// sameWithAndWithout searches each query with a way of matching turned on
// and off by use, fails the test where the results differ (hits, scores,
// snippets, totals), and returns the results without it.
func sameWithAndWithout(t *testing.T, ix *Index, qs []string, what string, use func(on bool)) []Results {
	t.Helper()
	var out []Results
	for _, q := range qs {
		pq := ParseQuery(q)
		use(false)
		want := ix.Search(pq, SearchOptions{Limit: 20})
		use(true)
		got := ix.Search(pq, SearchOptions{Limit: 20})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: with %s %d matches %v, without %d %v", q, what, got.Total, hitDocs(got), want.Total, hitDocs(want))
		}
		out = append(out, want)
	}
	return out
}

// posIndexOf returns word's term and its posIndex covering all its
// segments, failing the test when it has none.
func posIndexOf(t *testing.T, ix *Index, word string) (uint32, *posIndex) {
	t.Helper()
	id, ok := ix.terms[word]
	if !ok {
		t.Fatalf("no term %q", word)
	}
	x := ix.acc.posFor(id, &ix.postings[id])
	if x == nil {
		t.Fatalf("%q has no posIndex covering its segments", word)
	}
	return id, x
}
