package index

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// withoutAccel runs fn with ix's side tables hidden, so every search takes
// the plain paths: the reference the fast paths are held to.
func withoutAccel(ix *Index, fn func()) {
	a := ix.acc
	ix.acc = nil
	defer func() { ix.acc = a }()
	fn()
}

// accelCorpus builds an index over a synthetic corpus in several Adds of
// different sizes, with some documents removed, and returns it with query
// strings of every kind drawn from the documents.
func accelCorpus(t testing.TB, seed uint64) (*Index, []string) {
	docs := corpus(6000)
	ix := New()
	r := rand.New(rand.NewPCG(seed, 7))
	// More than bitsMinDocs, in batches of different sizes: some terms
	// get their bitset at a later merge than others.
	for lo := 0; lo < 5000; {
		hi := min(5000, lo+300+r.IntN(2500))
		ix.Add(docs[lo:hi]...)
		lo = hi
	}
	for range 500 {
		ix.Remove(DocNum(r.IntN(5000)))
	}
	var qs []string
	for i := 0; i < 20; i++ {
		d := docs[r.IntN(5000)]
		tw := strings.Fields(strings.ToLower(d.Title))
		bw := strings.Fields(strings.ToLower(d.Body[:min(len(d.Body), 400)]))
		w := func(ws []string) string { return strings.Trim(ws[r.IntN(len(ws))], ".,*'\"") }
		k := r.IntN(max(1, len(bw)-3))
		pre := w(bw)
		qs = append(qs,
			w(tw)+" ", w(tw)+" "+w(bw)+" ", pre[:min(4, len(pre))],
			`"`+strings.Trim(bw[k], ".,*")+" "+strings.Trim(bw[k+1], ".,*")+`"`,
			`"`+strings.Trim(bw[k], ".,*")+" "+strings.Trim(bw[k+1], ".,*")+" "+strings.Trim(bw[k+2], ".,*")+`"`,
			"title:"+w(tw)+" ", w(bw)+" -"+w(tw)+" ", w(tw)+" OR "+w(bw)+" ",
			"section:world "+w(bw)+" ", "the "+w(bw),
			w(tw)+" -section:world ", w(bw)+" after:2022-06-01 ", w(tw)+" "+w(bw)+" before:2023-01-01 ",
			w(tw)+" "+w(tw)+" "+w(bw)+" -author:"+strings.Fields(strings.ToLower(d.Author + " x"))[0]+" ")
	}
	return ix, qs
}

// TestAccelMatchesPlain holds every search using the side tables to the
// same search without them: same totals, hits, scores, snippets and spans,
// after removals and after a later Add.
func TestAccelMatchesPlain(t *testing.T) {
	for seed := range uint64(2) {
		ix, qs := accelCorpus(t, seed)
		check := func(stage string) {
			for _, s := range qs {
				q := ParseQuery(s)
				for _, opts := range []SearchOptions{{Limit: 10}, {Limit: 50}, {Limit: 3, Filter: func(d DocNum) bool { return d%5 != 0 }}} {
					got := ix.Search(q, opts)
					var want Results
					withoutAccel(ix, func() { want = ix.Search(q, opts) })
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s %q limit %d: total %d, want %d; hits %v, want %v", stage, s, opts.Limit, got.Total, want.Total, hitDocs(got), hitDocs(want))
					}
				}
				// Below is a filter by number that keeps the fast paths.
				below := DocNum(len(ix.docs) - 700)
				got := ix.Search(q, SearchOptions{Limit: 20, Below: below})
				want := ix.Search(q, SearchOptions{Limit: 20, Filter: func(d DocNum) bool { return d < below }})
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s %q below %d: total %d, want %d; hits %v, want %v", stage, s, below, got.Total, want.Total, hitDocs(got), hitDocs(want))
				}
			}
		}
		check("first")
		ix.Add(corpus(6000)[5000:]...)
		for d := DocNum(5000); d < 6000; d += 11 {
			ix.Remove(d)
		}
		check("after a second Add")
	}
}

// TestPrefixFastPath holds prefixes that the one-word fast path serves
// (see prefixTerm) to the general path: prefixes of several lengths and
// whole words typed last, both forms that are not their stem (served as the
// word itself) and stems (scored twice).
func TestPrefixFastPath(t *testing.T) {
	ix, _ := accelCorpus(t, 4)
	seen := map[string]bool{}
	var count [3]int // by prefixWhole, of the prefixes on the fast path
	for _, d := range corpus(6000)[:150] {
		for _, w := range strings.Fields(strings.ToLower(d.Title)) {
			w = strings.Trim(w, ".,*'\"")
			for n := 3; n <= len(w); n++ {
				p := w[:n]
				if seen[p] {
					continue
				}
				seen[p] = true
				if _, whole, ok := ix.prefixTerm(p); ok {
					count[whole]++
				}
				q := ParseQuery(p)
				for _, limit := range []int{1, 10, 50} {
					got := ix.Search(q, SearchOptions{Limit: limit})
					var want Results
					withoutAccel(ix, func() { want = ix.Search(q, SearchOptions{Limit: limit}) })
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%q limit %d: total %d, want %d; hits %v, want %v", p, limit, got.Total, want.Total, hitDocs(got), hitDocs(want))
					}
				}
			}
		}
	}
	if count[notWhole] < 100 || count[wholeForm] < 10 || count[wholeStem] < 20 {
		t.Fatalf("on the fast path: %d prefixes, %d whole forms, %d whole stems; want more of each", count[notWhole], count[wholeForm], count[wholeStem])
	}
}

// TestCursorSkips walks long postings with random seeks, with and without
// skip tables, comparing documents, frequencies and positions.
func TestCursorSkips(t *testing.T) {
	ix, _ := accelCorpus(t, 3)
	a := accelOf(ix)
	r := rand.New(rand.NewPCG(1, 2))
	tested := 0
	for id := range ix.postings {
		tp := &ix.postings[id]
		if len(tp.body) == 0 || a.skipsFor(uint32(id), false, tp.body) == nil {
			continue
		}
		has := false
		for _, sk := range a.terms[id].body {
			has = has || sk != nil
		}
		if !has {
			continue
		}
		tested++
		c1 := ix.termCursor(a, uint32(id), false)
		c2 := ix.termCursor(nil, uint32(id), false)
		var p1, p2 []uint32
		for d := DocNum(0); ; d += DocNum(r.IntN(200)) {
			ok1, ok2 := c1.seek(d), c2.seek(d)
			if ok1 != ok2 || ok1 && (c1.doc != c2.doc || c1.tf != c2.tf) {
				t.Fatalf("term %d seek %d: %v %d/%d, want %v %d/%d", id, d, ok1, c1.doc, c1.tf, ok2, c2.doc, c2.tf)
			}
			if !ok1 {
				break
			}
			if r.IntN(2) == 0 && c1.segs[c1.si].posBytes() > 0 {
				p1, p2 = c1.positions(p1), c2.positions(p2)
				if !reflect.DeepEqual(p1, p2) {
					t.Fatalf("term %d doc %d: positions %v, want %v", id, c1.doc, p1, p2)
				}
			}
		}
	}
	if tested == 0 {
		t.Fatal("no term has skip tables")
	}
}

// TestRangeBits checks the bit-range helpers against a loop.
func TestRangeBits(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	a, b := make([]uint64, 8), make([]uint64, 8)
	for i := range a {
		a[i], b[i] = r.Uint64()&r.Uint64()&r.Uint64(), r.Uint64()&r.Uint64()&r.Uint64()&r.Uint64()
	}
	a[3], b[3] = 0, 0
	for range 5000 {
		lo := DocNum(r.IntN(512))
		hi := lo + DocNum(r.IntN(512-int(lo)))
		n, any := 0, false
		for d := lo; d <= hi; d++ {
			if a[d>>6]&(1<<(d&63)) != 0 {
				n++
			}
			any = any || (a[d>>6]|b[d>>6])&(1<<(d&63)) != 0
		}
		if got := rangeBits(a, lo, hi); got != n {
			t.Fatalf("rangeBits [%d, %d] = %d, want %d", lo, hi, got, n)
		}
		if got := anyBits(a, b, lo, hi); got != any {
			t.Fatalf("anyBits [%d, %d] = %v, want %v", lo, hi, got, any)
		}
	}
}

// TestAccelHasBitsets makes sure the corpus of the tests above gives some
// terms a bitset, so that the paths using them are compared too.
func TestAccelHasBitsets(t *testing.T) {
	ix, _ := accelCorpus(t, 0)
	a := accelOf(ix)
	n := 0
	for id := range ix.postings {
		if a.docBits(uint32(id), &ix.postings[id]) != nil {
			n++
		}
	}
	if n < 50 {
		t.Fatalf("%d terms with a bitset", n)
	}
}
