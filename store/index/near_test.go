package index

import (
	"strings"
	"testing"
)

// TestNearKeepsEveryMatch checks phrases searched with the neighbour bits
// against the same searches without them: the same hits, scores, snippets
// and totals. The index is built in steps, so that a word is tracked in
// some batches and not in others, and the phrases include every pair of
// adjacent words of sample documents, in both orders, and longer ones.
func TestNearKeepsEveryMatch(t *testing.T) {
	docs := corpus(4000)
	ix := addInSteps(docs, 100, 1500, 3000)
	defer func(v bool) { useNear = v }(useNear)
	qs := append(querySet(docs, "phrase"), `"to more"`, `"more to"`, `"who of"`, `"the out"`, `"is more than"`,
		`title:"to more"`, `"to more" -"of the"`, `peace "who of"`, `"more" "to"`)
	for i := 0; i < len(docs); i += 97 {
		ws := strings.Fields(strings.ToLower(docs[i].Body))
		for j := 0; j+2 < min(len(ws), 60); j += 3 {
			a, b, c := strings.Trim(ws[j], ".,*"), strings.Trim(ws[j+1], ".,*"), strings.Trim(ws[j+2], ".,*")
			qs = append(qs, `"`+a+" "+b+`"`, `"`+b+" "+a+`"`, `"`+a+" "+b+" "+c+`"`)
		}
	}
	found := 0
	for _, r := range sameWithAndWithout(t, ix, qs, "neighbour bits", func(on bool) { useNear = on }) {
		found += r.Total
	}
	if found == 0 {
		t.Fatal("no phrase matched: the test checks nothing")
	}
	// The bits must be there to be tested: the common words are tracked,
	// and their bytes say more than "anything".
	tracked, informative := 0, 0
	for i := range ix.postings {
		for _, seg := range ix.postings[i].near {
			if seg != nil {
				tracked++
				for _, b := range seg {
					if b != nearAll {
						informative++
					}
				}
			}
		}
	}
	if tracked < 10 || informative < 1000 {
		t.Errorf("%d tracked segments with %d informative bytes: too few for the test to mean anything", tracked, informative)
	}
}

// TestNearUntrackedBatches checks that a word tracked only in later batches
// covers the earlier ones with nil segments, and that a batch too small to
// track anything adds none.
func TestNearUntrackedBatches(t *testing.T) {
	docs := corpus(600)
	ix := addInSteps(docs, 10, 300)
	id, ok := ix.terms[stem("more")]
	if !ok {
		t.Fatal(`no "more" in the corpus`)
	}
	tp := &ix.postings[id]
	if len(tp.near) != len(tp.body) {
		t.Fatalf(`"more" has bits for %d of %d body segments`, len(tp.near), len(tp.body))
	}
	if tp.near[0] != nil {
		t.Errorf("a batch of 10 documents tracked %q", "more")
	}
	for si := 1; si < len(tp.body); si++ {
		s := &tp.body[si]
		if got, want := len(tp.near[si]), int(s.last-s.base)+1; got != want {
			t.Errorf("segment %d: %d bytes for documents %d..%d", si, got, s.base, s.last)
		}
	}
}
