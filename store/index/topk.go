package index

import (
	"math"
	"math/bits"
)

// One-word queries without scoring every posting.
//
// A common word is in most documents, but the top hits of a one-word query
// are nearly always documents with the word in the title: a title match
// weighs titleBoost times a body match and its idf is far higher (titles
// are short, so the word is in fewer of them). searchTerm scores the title
// postings first, each with its body score found by a skipping cursor;
// that fills the heap and raises the bar a hit must pass. Then it walks the
// body postings block by block (the skip tables), and a block whose bound
// (the BM25 weight of its largest tf in its shortest body, plus the
// exact-form bonuses) is below the bar is only counted: from the block's
// posting count and document range, without decoding it, when no
// tombstone or exclusion falls in that range.
//
// The hits, scores and Total are exactly those of the general path: the
// scores are computed by the same expressions in the same order, and a
// document is left out only when its score cannot pass the bar, which the
// general path would drop as well (rawBar).

// bm25 is scoreField's per-posting expression, kept identical so that both
// paths round the same way.
func bm25(w, tf, norm0, norm1 float64, length uint32) float32 {
	return float32(w * tf * (k1 + 1) / (tf + norm0 + norm1*float64(length)))
}

// docCursor walks docs-only postings (the exact-form lists) forward.
type docCursor struct {
	ix   *Index
	segs []segment
	si   int // next segment to enter
	p    []byte
	i    int
	doc  DocNum
	ok   bool // doc is valid
}

// has reports whether d is in the postings; d must not decrease between
// calls.
func (c *docCursor) has(d DocNum) bool {
	if c.ok && c.doc >= d {
		return c.doc == d
	}
	for {
		if c.i >= len(c.p) {
			for c.si < len(c.segs) && c.segs[c.si].last < d {
				c.si++
			}
			if c.si >= len(c.segs) {
				c.ok = false
				c.p, c.i = nil, 0
				return false
			}
			s := &c.segs[c.si]
			c.si++
			c.p, c.i, c.doc = c.ix.docsOf(s), 0, s.base
		}
		var delta uint32
		delta, c.i = uvarint(c.p, c.i)
		c.doc += DocNum(delta)
		c.ok = true
		if c.doc >= d {
			return c.doc == d
		}
	}
}

// rangeBits counts the bits of set in [lo, hi].
func rangeBits(set []uint64, lo, hi DocNum) int {
	wl, wh := lo>>6, hi>>6
	ml := ^uint64(0) << (lo & 63)
	mh := ^uint64(0) >> (63 - hi&63)
	if wl == wh {
		return bits.OnesCount64(set[wl] & ml & mh)
	}
	n := bits.OnesCount64(set[wl]&ml) + bits.OnesCount64(set[wh]&mh)
	for w := wl + 1; w < wh; w++ {
		n += bits.OnesCount64(set[w])
	}
	return n
}

// anyBits reports whether a or b has a bit set in [lo, hi].
func anyBits(a, b []uint64, lo, hi DocNum) bool {
	wl, wh := lo>>6, hi>>6
	ml := ^uint64(0) << (lo & 63)
	mh := ^uint64(0) >> (63 - hi&63)
	if wl == wh {
		return (a[wl]|b[wl])&ml&mh != 0
	}
	if (a[wl]|b[wl])&ml != 0 || (a[wh]|b[wh])&mh != 0 {
		return true
	}
	for w := wl + 1; w < wh; w++ {
		if a[w]|b[w] != 0 {
			return true
		}
	}
	return false
}

// topK is the ranking state shared by the fast paths: the heap of the best
// hits and the bar a raw score must reach to enter it (see rawBar).
type topK struct {
	ix    *Index
	top   *hitHeap
	limit int
	bar   float64
	span  float64
}

func (t *topK) offer(d DocNum, score float32) {
	s := float64(score)
	if s < t.bar {
		return
	}
	pub := t.ix.published[d]
	if t.span > 0 && pub != 0 {
		s *= 1 + recencyBoost*float64(pub-t.ix.minTime)/t.span
	}
	h := scored{doc: d, score: s, published: pub}
	top := t.top
	if len(top.items) < t.limit {
		top.push(h)
	} else if top.less(top.items[0], h) {
		top.items[0] = h
		top.down(0)
	} else {
		return
	}
	if len(top.items) == t.limit {
		t.bar = rawBar(top.items[0].score)
	}
}

// searchTerm ranks the documents matching the one-word atom a (any field or
// the title) into t and returns their number, or false when the fast path
// does not apply (the general one then runs). Exclusions must already be
// in e.sc.excl.
func (ix *Index) searchTerm(e *eval, a atom, t *topK) (int, bool) {
	word := a.words[0]
	titleOnly := a.field == FieldTitle
	st := stem(word)
	id, ok := ix.terms[st]
	if !ok || e.acc == nil {
		return 0, false
	}
	tp := &ix.postings[id]
	if len(tp.title) == 0 && (titleOnly || len(tp.body) == 0) {
		return 0, false
	}
	exactStem := word == st
	wb, wt := idf(e.n, float64(tp.bodyDF)), idf(e.n, float64(tp.titleDF))*titleBoost
	if wb <= 0 || wt <= 0 {
		return 0, false // a negative weight turns the bounds around
	}
	var exactB, exactT float32
	if exactStem {
		exactB, exactT = float32(wb*exactBoost), float32(wt*exactBoost)
	}
	// The exact form's own postings, when the word is not its stem.
	var xsegs []segment
	var x float32
	if !exactStem {
		if sid, ok := ix.surfs[word]; ok {
			xsegs = ix.surfInfo[sid].exact
			// Negative for a word in most documents: title and body
			// counts together can pass the number of documents.
			x = float32(idf(e.n, float64(tp.bodyDF+tp.titleDF)) * exactBoost)
		}
	}
	n0 := k1 * (1 - b)
	n1b, n1t := k1*b/max(e.avgBody, 1), k1*b/max(e.avgTitle, 1)
	sc := e.sc
	deleted, excl, both := ix.deleted, sc.excl, sc.mark
	defer clear(both)
	total := 0

	// Title postings, with their body scores.
	body := ix.termCursor(e.acc, id, false)
	xc := docCursor{ix: ix, segs: xsegs}
	for si := range tp.title {
		s := &tp.title[si]
		p := ix.docsOf(s)
		d := s.base
		for i := 0; i < len(p); {
			var delta, payload uint32
			delta, i = uvarint(p, i)
			payload, i = uvarint(p, i)
			d += DocNum(delta)
			tv := bm25(wt, float64(payload>>1), n0, n1t, ix.titleLens[d])
			if payload&1 != 0 {
				tv += exactT
			}
			score := tv
			if !titleOnly && body.seek(d) && body.doc == d {
				bv := bm25(wb, float64(body.tf), n0, n1b, ix.bodyLens[d])
				if body.stemForm {
					bv += exactB
				}
				score = bv
				score += tv
				both[d>>6] |= 1 << (d & 63)
			}
			if xc.has(d) {
				score += x
			}
			if (deleted[d>>6]|excl[d>>6])&(1<<(d&63)) != 0 {
				continue
			}
			total++
			t.offer(d, score)
		}
	}
	if titleOnly {
		return total, true
	}

	// Body postings without a title match, block by block.
	skips := e.acc.skipsFor(id, false, tp.body)
	xc = docCursor{ix: ix, segs: xsegs}
	bodyOnly := func(p []byte, i, end int, d DocNum) {
		for i < end {
			var delta, payload uint32
			if c := p[i]; c < 0x80 {
				delta, i = uint32(c), i+1
			} else {
				delta, i = uvarint(p, i)
			}
			if c := p[i]; c < 0x80 {
				payload, i = uint32(c), i+1
			} else {
				payload, i = uvarint(p, i)
			}
			d += DocNum(delta)
			if (deleted[d>>6]|excl[d>>6]|both[d>>6])&(1<<(d&63)) != 0 {
				continue
			}
			total++
			score := bm25(wb, float64(payload>>1), n0, n1b, ix.bodyLens[d])
			if payload&1 != 0 {
				score += exactB
			}
			if xc.has(d) {
				score += x
			}
			t.offer(d, score)
		}
	}
	// A bound's margin covers float32 rounding of the sums (a few ulps).
	const margin = 1 + 1e-5
	for si := range tp.body {
		s := &tp.body[si]
		p := ix.docsOf(s)
		var tab *skipTable
		if skips != nil {
			tab = skips[si]
		}
		if tab == nil || tab.arena != s.arena || tab.off != s.off {
			bodyOnly(p, 0, len(p), s.base)
			continue
		}
		for k := range tab.e {
			en := &tab.e[k]
			end, hi := len(p), s.last
			if k+1 < len(tab.e) {
				end, hi = int(tab.e[k+1].docOff), tab.e[k+1].prev
			}
			lo := en.prev + 1
			if k == 0 {
				lo = s.base
			}
			if en.maxTF < math.MaxUint16 && t.bar > math.Inf(-1) {
				tf := float64(en.maxTF)
				ub := (wb*tf*(k1+1)/(tf+n0+n1b*float64(en.minLen))+float64(exactB)+max(float64(x), 0))*margin + 1e-9
				if ub < t.bar && !anyBits(deleted, excl, lo, hi) {
					npost := min(skipEvery, int(s.n)-k*skipEvery)
					total += npost - rangeBits(both, lo, hi)
					continue
				}
			}
			bodyOnly(p, int(en.docOff), end, en.prev)
		}
	}
	return total, true
}
