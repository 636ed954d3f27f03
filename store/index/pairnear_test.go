package index

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// pairNearParts cuts docs into batches of uneven sizes.
func pairNearParts(docs []Doc) [][]Doc {
	sizes := []int{300, 700, 13, 900, 450}
	var parts [][]Doc
	for i, k := 0, 0; i < len(docs); k++ {
		n := min(sizes[k%len(sizes)], len(docs)-i)
		parts = append(parts, docs[i:i+n])
		i += n
	}
	return parts
}

// pairNearIndexes returns docs indexed by one Builder batch after batch, so
// that batches after the first have pair neighbours, and the same batches
// each built by a Builder of its own, which has none.
func pairNearIndexes(t *testing.T, docs []Doc) (with, without *Index) {
	t.Helper()
	with, without = New(), New()
	b := with.NewBuilder()
	for _, part := range pairNearParts(docs) {
		with.Merge(b.Build(part))
		without.Merge(without.NewBuilder().Build(part))
	}
	trailed := 0
	for id := range with.postings {
		for si := range with.postings[id].body {
			s := &with.postings[id].body[si]
			if s.pairNear() != 0 {
				trailed++
				if without.postings[id].body[si].pairNear() != 0 {
					t.Fatal("a first batch has pair neighbours")
				}
			}
		}
	}
	if trailed < 100 {
		t.Fatalf("%d segments with pair neighbours: too few for the test to mean anything", trailed)
	}
	return with, without
}

// TestPairNearCursors walks every word's body postings in an index with
// pair neighbours and in one without, and wants the same documents and
// positions whichever way the cursor gets there: next, seek over short and
// long distances (jump, through the skip tables), positions read in full,
// in part or not at all, and documents passed over by the pair neighbours
// check.
func TestPairNearCursors(t *testing.T) {
	docs := corpus(4000)
	with, without := pairNearIndexes(t, docs)
	r := rand.New(rand.NewPCG(3, 4))
	checked := 0
	for st, id := range without.terms {
		if len(without.postings[id].surfaces) == 0 {
			continue // a pair term: no positions
		}
		gid := with.terms[st]
		for mode := range 3 {
			wc := without.termCursor(without.acc, id, false)
			gc := with.termCursor(with.acc, gid, false)
			var target DocNum
			for {
				var wok, gok bool
				if mode == 2 {
					target = max(target+DocNum(r.IntN(200)), gc.doc+1) // a document is read once
					wok, gok = wc.seek(target), gc.seek(target)
				} else {
					wok, gok = wc.next(), gc.next()
				}
				if wok != gok || wok && wc.doc != gc.doc {
					t.Fatalf("%q (mode %d): at document %d/%v, want %d/%v", st, mode, gc.doc, gok, wc.doc, wok)
				}
				if !wok {
					break
				}
				switch r.IntN(4) {
				case 0: // positions left to the lazy skip
				case 1:
					if gc.trail != 0 {
						// The check that passes over a document.
						_, at := gc.pairNeighbours()
						gc.passNeighbours(at)
						continue
					}
				case 2:
					wp, gp := wc.positionsUpTo(nil, 20), gc.positionsUpTo(nil, 20)
					if !slices.Equal(wp, gp) {
						t.Fatalf("%q document %d: positions up to 20 %v, want %v", st, gc.doc, gp, wp)
					}
				default:
					if gc.trail != 0 {
						gc.pairNeighbours() // read, and the document kept
					}
					wp, gp := wc.positions(nil), gc.positions(nil)
					if !slices.Equal(wp, gp) {
						t.Fatalf("%q document %d: positions %v, want %v", st, gc.doc, gp, wp)
					}
					checked++
				}
			}
		}
	}
	if checked < 10000 {
		t.Fatalf("only %d documents' positions compared", checked)
	}

	// Through a posIndex, which the densest words have: made here for
	// words with neighbours varints, whose ends at must step back over.
	direct := 0
	for st, id := range without.terms {
		gid := with.terms[st]
		tp := &with.postings[gid]
		if len(tp.surfaces) == 0 || !slices.ContainsFunc(tp.body, func(s segment) bool { return s.pairNear() != 0 }) {
			continue
		}
		x := &posIndex{ok: true}
		with.extendPositions(x, tp, cap(with.bodyLens))
		if !x.ok {
			continue
		}
		wc := without.termCursor(without.acc, id, false)
		gc := with.termCursor(with.acc, gid, false)
		for wc.next() {
			if !gc.at(x, wc.doc) {
				t.Fatalf("%q: at misses document %d", st, wc.doc)
			}
			if wp, gp := wc.positions(nil), gc.positions(nil); !slices.Equal(wp, gp) {
				t.Fatalf("%q document %d through at: positions %v, want %v", st, wc.doc, gp, wp)
			}
			direct++
		}
	}
	if direct < 10000 {
		t.Fatalf("only %d documents reached through a posIndex", direct)
	}
}

// TestPairNearKeepsEveryMatch checks phrases searched with the pair
// neighbours against the same searches without them: the same hits,
// scores, snippets and totals. The phrases pair function words with every
// word of sample documents, on either side, and include longer ones.
func TestPairNearKeepsEveryMatch(t *testing.T) {
	docs := corpus(4000)
	ix, _ := pairNearIndexes(t, docs)
	defer func(v bool) { usePairNear = v }(usePairNear)
	qs := append(querySet(docs, "phrase"), `"the out"`, `title:"a migrant"`, `"is more than"`, `peace "of the"`)
	fn := []string{"the", "of", "a", "to", "and", "in", "is", "was", "that", "on", "are"}
	for i := 0; i < len(docs); i += 83 {
		ws := strings.Fields(strings.ToLower(docs[i].Body))
		for j := 0; j+2 < min(len(ws), 90); j += 3 {
			a, b, c := strings.Trim(ws[j], ".,*"), strings.Trim(ws[j+1], ".,*"), strings.Trim(ws[j+2], ".,*")
			f := fn[(i+j)%len(fn)]
			qs = append(qs, `"`+a+" "+b+`"`, `"`+f+" "+b+`"`, `"`+b+" "+f+`"`, `"`+a+" "+b+" "+c+`"`, `"`+f+" "+b+" "+f+`"`)
		}
	}
	found := 0
	for _, r := range sameWithAndWithout(t, ix, qs, "pair neighbours", func(on bool) { usePairNear = on }) {
		found += r.Total
	}
	t.Logf("%d phrases, %d matches", len(qs), found)
	if found < 1000 {
		t.Fatalf("%d matches in all: too few for the test to mean anything", found)
	}
}
