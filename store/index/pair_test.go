package index

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestPairPhrases holds phrases of every two pair words (one pair term's
// postings) and longer phrases over them (positions, verified exactly) to a
// brute-force scan of the documents, on a random corpus made mostly of pair
// words, after removals and a second Add.
func TestPairPhrases(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	vocab := append(pairWords[:], "zork", "blip", "Quux")
	text := func(n int) string {
		ws := make([]string, n)
		for i := range ws {
			w := vocab[r.IntN(len(vocab))]
			if r.IntN(8) == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			ws[i] = w
		}
		return strings.Join(ws, " ")
	}
	gen := func(n int) []Doc {
		docs := make([]Doc, n)
		for i := range docs {
			docs[i] = Doc{Title: text(2 + r.IntN(5)), Body: text(5 + r.IntN(120))}
		}
		return docs
	}
	ix := New()
	var docs []Doc
	live := map[DocNum]bool{}
	add := func(ds []Doc) {
		for _, n := range ix.Add(ds...) {
			live[n] = true
		}
		docs = append(docs, ds...)
	}
	has := func(field string, ws []string) bool {
		f := strings.Fields(strings.ToLower(field))
		for i := 0; i+len(ws) <= len(f); i++ {
			k := 0
			for k < len(ws) && f[i+k] == ws[k] {
				k++
			}
			if k == len(ws) {
				return true
			}
		}
		return false
	}
	check := func(stage string, ws []string) {
		q := `"` + strings.Join(ws, " ") + `"`
		res := ix.Search(ParseQuery(q), SearchOptions{Limit: len(docs)})
		want := map[DocNum]bool{}
		for n := range live {
			if d := docs[n]; has(d.Title, ws) || has(d.Body, ws) {
				want[n] = true
			}
		}
		if res.Total != len(want) || len(res.Hits) != len(want) {
			t.Fatalf("%s: %s: Total %d, %d hits, want %d", stage, q, res.Total, len(res.Hits), len(want))
		}
		for _, h := range res.Hits {
			if !want[h.Doc] {
				t.Fatalf("%s: %s: document %d does not hold the phrase", stage, q, h.Doc)
			}
		}
		// The top hits, scores and snippets, with and without the fast
		// paths (which serve a phrase of two pair words from its term).
		for _, o := range []SearchOptions{{Limit: 10}, {Limit: 5, Filter: func(d DocNum) bool { return d%3 != 0 }}} {
			fast := ix.Search(ParseQuery(q), o)
			var plain Results
			withoutAccel(ix, func() { plain = ix.Search(ParseQuery(q), o) })
			if !reflect.DeepEqual(fast, plain) {
				t.Fatalf("%s: %s: fast path\n%+v\nplain\n%+v", stage, q, fast, plain)
			}
		}
		tq := `title:"` + strings.Join(ws, " ") + `"`
		fast := ix.Search(ParseQuery(tq), SearchOptions{Limit: 10})
		var plain Results
		withoutAccel(ix, func() { plain = ix.Search(ParseQuery(tq), SearchOptions{Limit: 10}) })
		if !reflect.DeepEqual(fast, plain) {
			t.Fatalf("%s: %s: fast path\n%+v\nplain\n%+v", stage, tq, fast, plain)
		}
	}
	run := func(stage string) {
		for _, a := range pairWords {
			for _, b := range pairWords {
				check(stage, []string{a, b})
			}
		}
		for range 300 {
			n := 3 + r.IntN(2)
			ws := make([]string, n)
			for i := range ws {
				ws[i] = strings.ToLower(vocab[r.IntN(len(vocab))])
			}
			check(stage, ws)
		}
	}
	add(gen(400))
	run("first Add")
	for range 120 {
		n := DocNum(r.IntN(len(docs)))
		ix.Remove(n)
		delete(live, n)
	}
	run("after Remove")
	add(gen(300))
	run(fmt.Sprintf("second Add (%d documents)", len(docs)))
}
