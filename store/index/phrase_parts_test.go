package index

import (
	"math"
	"runtime"
	"testing"
)

// TestPhraseInPartsMatchesOnePass checks phrases matched in parts at once
// against one pass: the same hits, scores, snippets and totals. The index
// is built in steps so that words have several segments to split.
func TestPhraseInPartsMatchesOnePass(t *testing.T) {
	docs := corpus(4000)
	ix := addInSteps(docs, 1500, 3000)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	defer func(v int) { phrasePartDocs = v }(phrasePartDocs)
	qs := append(querySet(docs, "phrase"), `"of the"`, `"the government"`, `"said the minister"`,
		`"to more"`, `"the prime minister said"`, `"in the the"`, `title:"the minister"`, `"the" "of"`,
		`"to more" -"of the"`, `peace "to more"`)
	split := 0
	inParts := func(on bool) {
		phrasePartDocs = math.MaxInt
		if on {
			phrasePartDocs = 16
		}
	}
	for _, r := range sameWithAndWithout(t, ix, qs, "ranges in parts", inParts) {
		if r.Total > 100 {
			split++
		}
	}
	if split < 10 {
		t.Errorf("only %d phrases match over 100 documents: too few to be split", split)
	}
}

// TestSplitDocs checks that the ranges cover every document in order and
// share a word's postings about evenly.
func TestSplitDocs(t *testing.T) {
	ix := addInSteps(corpus(4000), 1500)
	id, ok := ix.terms["the"]
	if !ok {
		t.Fatal(`no term "the"`)
	}
	segs := ix.postings[id].body
	for _, parts := range []int{1, 2, 3, 4} {
		b := splitDocs(segs, parts)
		if len(b) != parts+1 || b[0] != 0 || b[len(b)-1] != math.MaxUint32 {
			t.Fatalf("%d parts: bounds %v", parts, b)
		}
		c := ix.termCursor(ix.acc, id, false)
		per := make([]int, parts)
		for c.next() {
			for i := range parts {
				if c.doc >= b[i] && c.doc < b[i+1] {
					per[i]++
				}
			}
		}
		for i, n := range per {
			if n < c.n()/parts*9/10 || n > c.n()/parts*11/10 {
				t.Errorf("%d parts: range %d [%d, %d) holds %d of %d postings", parts, i, b[i], b[i+1], n, c.n())
			}
		}
	}
	if b := splitDocs(segs[:0], 2); len(b) != 2 {
		t.Errorf("no segments: bounds %v, want one range", b)
	}
}

// TestDocBitsKeepEveryMatch checks phrases whose words are tested against
// their document bitsets before seeking against the same phrases without:
// the same hits, scores, snippets and totals. Words in more than an eighth
// of the documents have bitsets; the phrases pair them with rarer words on
// either side, and with each other.
func TestDocBitsKeepEveryMatch(t *testing.T) {
	docs := corpus(5000)
	ix := addInSteps(docs, 4500)
	defer func(v bool) { useDocBits = v }(useDocBits)
	withBits := 0
	for id := range ix.postings {
		if ix.acc.docBits(uint32(id), &ix.postings[id]) != nil {
			withBits++
		}
	}
	if withBits < 100 {
		t.Fatalf("%d terms with document bitsets: too few for the test to mean anything", withBits)
	}
	qs := append(querySet(docs, "phrase"), `"bate laws"`, `"phones vote"`, `"the government"`, `title:"the minister"`, `"said the minister"`)
	found := 0
	for _, r := range sameWithAndWithout(t, ix, qs, "document bitsets", func(on bool) { useDocBits = on }) {
		found += r.Total
	}
	if found < 100 {
		t.Fatalf("%d matches in all: too few for the test to mean anything", found)
	}
}
