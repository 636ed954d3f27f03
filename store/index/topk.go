package index

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
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

// phraseBM25 is eval.phrase's per-document expression, kept identical so
// that both paths round the same way.
func phraseBM25(w, tf, avg float64, length uint32) float32 {
	return float32(w * tf * (k1 + 1) / (tf + k1*(1-b+b*float64(length)/max(avg, 1))))
}

// pairPhrase returns the pair term of a phrase of two pair words and the
// phrase's weights (see phraseWeights), as eval.phrase finds them.
func (ix *Index) pairPhrase(e *eval, words []string) (id uint32, wBody, wTitle float64, ok bool) {
	_, a := pairIndex[stem(words[0])]
	_, b := pairIndex[stem(words[1])]
	if !a || !b {
		return 0, 0, 0, false
	}
	ids := make([]uint32, len(words))
	for i, word := range words {
		if ids[i], ok = ix.terms[stem(word)]; !ok {
			return 0, 0, 0, false
		}
	}
	wBody, wTitle = e.phraseWeights(ids)
	id, ok = ix.terms[pairKey(words[0], words[1])]
	return id, wBody, wTitle, ok
}

// prefixWhole says what a prefix atom's word is besides a prefix.
type prefixWhole uint8

const (
	notWhole  prefixWhole = iota // no indexed form
	wholeForm                    // an indexed form that is not its stem ("voted")
	wholeStem                    // an indexed form that is its stem ("vote")
)

// prefixTerm returns the term of a prefix atom when eval.prefix would score
// that term alone: every expansion and the word's own stem are that term.
// A prefix of one word's forms ("negotiat") is then a one-word query on its
// stem without the exact form's bonus; a whole form that is not its stem
// is the one-word query on that form; a whole stem is scored twice (without
// and then with the exact form's bonus, which ranks it first).
func (ix *Index) prefixTerm(word string) (id uint32, whole prefixWhole, ok bool) {
	if sid, ok := ix.surfs[word]; ok {
		whole = wholeForm
		if ix.surfInfo[sid].isStem {
			whole = wholeStem
		}
	}
	n := 0
	add := func(t uint32) {
		if n == 0 || t != id {
			id, n = t, n+1
		}
	}
	for _, sid := range ix.prefixSurfaces(word) {
		add(ix.surfInfo[sid].term)
	}
	if t, ok := ix.terms[stem(word)]; ok {
		add(t)
	}
	return id, whole, n == 1
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
	keep  func(DocNum) bool // metadata, dates, caller's filter; nil for none
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
//
// A phrase of two pair words is served too: its pair term's postings are
// the phrase's documents with its counts, ranked as the general path's
// phrase does (phraseBM25, phraseWeights, no exact-form bonus).
// So is a prefix that scores one term only (see prefixTerm).
func (ix *Index) searchTerm(e *eval, a atom, t *topK) (int, bool) {
	if e.acc == nil {
		return 0, false
	}
	word := a.words[0]
	titleOnly := a.field == FieldTitle
	st := stem(word)
	id, ok := ix.terms[st]
	phrase := len(a.words) == 2
	var pwb, pwt float64 // a phrase's weights
	// twice: the term is scored as eval.prefix scores a whole stem typed
	// last, without and then with the exact-form bonus, the values added
	// in the general path's order (body, title, body, title).
	twice := false
	switch {
	case phrase:
		id, pwb, pwt, ok = ix.pairPhrase(e, a.words)
	case len(a.words) != 1:
		return 0, false
	case a.prefix:
		var whole prefixWhole
		id, whole, ok = ix.prefixTerm(word)
		switch whole {
		case notWhole:
			st = "" // no exact-form bonus: the word typed is no indexed form
		case wholeStem:
			twice = true
		}
	}
	if !ok {
		return 0, false
	}
	tp := &ix.postings[id]
	if len(tp.title) == 0 && (titleOnly || len(tp.body) == 0) {
		return 0, false
	}
	exactStem := word == st && !phrase
	wb, wt := idf(e.n, float64(tp.bodyDF)), idf(e.n, float64(tp.titleDF))*titleBoost
	if phrase {
		wb, wt = pwb, titleBoost*pwt
	}
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
	if !exactStem && !phrase {
		if sid, ok := ix.surfs[word]; ok {
			xsegs = ix.surfInfo[sid].exact
			x = exactWeight(e.n, tp)
		}
	}
	n0 := k1 * (1 - b)
	n1b, n1t := k1*b/max(e.avgBody, 1), k1*b/max(e.avgTitle, 1)
	sc := e.sc
	deleted, excl, both, keep := ix.deleted, sc.excl, sc.mark, t.keep
	defer clear(both)
	total := 0
	// With the term's bitset, Total is a popcount: the passes below then
	// count nothing, both marks every title document, and a title document
	// whose own score plus the body's bound is below the bar is not scored.
	var docs []uint64
	if !titleOnly && keep == nil {
		docs = e.acc.docBits(id, tp)
	}
	const margin = 1 + 1e-5
	bodyBound := wb*(k1+1) + float64(exactB) + float64(x)
	if twice {
		bodyBound += wb * (k1 + 1)
	}

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
			var tv float32
			if phrase {
				tv = phraseBM25(wt, float64(payload>>1), e.avgTitle, ix.titleLens[d])
			} else {
				tv = bm25(wt, float64(payload>>1), n0, n1t, ix.titleLens[d])
			}
			tv0 := tv // without the bonus, for twice
			if payload&1 != 0 {
				tv += exactT
			}
			if docs != nil {
				both[d>>6] |= 1 << (d & 63)
				own := float64(tv)
				if twice {
					own += float64(tv0)
				}
				if (own+bodyBound)*margin+1e-9 < t.bar || (deleted[d>>6]|excl[d>>6])&(1<<(d&63)) != 0 {
					continue
				}
			}
			score := tv
			if twice {
				score = tv0
				score += tv
			}
			if !titleOnly && body.seek(d) && body.doc == d {
				var bv float32
				if phrase {
					bv = phraseBM25(wb, float64(body.tf), e.avgBody, ix.bodyLens[d])
				} else {
					bv = bm25(wb, float64(body.tf), n0, n1b, ix.bodyLens[d])
				}
				bv0 := bv
				if body.stemForm {
					bv += exactB
				}
				if twice {
					score = bv0
					score += tv0
					score += bv
					score += tv
				} else {
					score = bv
					score += tv
				}
				both[d>>6] |= 1 << (d & 63)
			}
			if xc.has(d) {
				score += x
			}
			if (deleted[d>>6]|excl[d>>6])&(1<<(d&63)) != 0 || keep != nil && !keep(d) {
				continue
			}
			total++
			t.offer(d, score)
		}
	}
	if docs != nil {
		total = 0
		for w := range min(len(docs), len(deleted)) {
			total += bits.OnesCount64(docs[w] &^ (deleted[w] | excl[w]))
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
			if (deleted[d>>6]|excl[d>>6]|both[d>>6])&(1<<(d&63)) != 0 || keep != nil && !keep(d) {
				continue
			}
			if docs == nil {
				total++
			}
			var score float32
			if phrase {
				score = phraseBM25(wb, float64(payload>>1), e.avgBody, ix.bodyLens[d])
			} else {
				score = bm25(wb, float64(payload>>1), n0, n1b, ix.bodyLens[d])
			}
			v0 := score // without the bonus, for twice
			if payload&1 != 0 {
				score += exactB
			}
			if twice {
				score, v0 = v0, score
				score += v0
			}
			if xc.has(d) {
				score += x
			}
			t.offer(d, score)
		}
	}
	// A bound's margin covers float32 rounding of the sums (a few ulps).
	for si := range tp.body {
		s := &tp.body[si]
		p := ix.docsOf(s)
		tab := skipTableOf(skips, si, s)
		if tab == nil {
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
				w := wb * tf * (k1 + 1) / (tf + n0 + n1b*float64(en.minLen))
				if twice {
					w *= 2
				}
				ub := (w+float64(exactB)+float64(x))*margin + 1e-9
				if ub < t.bar && docs != nil {
					continue // counted by the popcount
				}
				if ub < t.bar && keep == nil && !anyBits(deleted, excl, lo, hi) {
					npost := min(skipEvery, int(s.n)-k*skipEvery)
					total += npost - rangeBits(both, lo, hi)
					continue
				}
				if ub < t.bar {
					total += countBlock(p, int(en.docOff), end, en.prev, func(d DocNum) bool {
						return (deleted[d>>6]|excl[d>>6]|both[d>>6])&(1<<(d&63)) == 0 && (keep == nil || keep(d))
					})
					continue
				}
			}
			bodyOnly(p, int(en.docOff), end, en.prev)
		}
	}
	return total, true
}

// countBlock counts the documents of docs-stream bytes p[i:end] (with
// payloads; the document before the first is d) that ok accepts.
func countBlock(p []byte, i, end int, d DocNum, ok func(DocNum) bool) int {
	n := 0
	for i < end {
		var delta uint32
		if c := p[i]; c < 0x80 {
			delta, i = uint32(c), i+1
		} else {
			delta, i = uvarint(p, i)
		}
		if p[i] < 0x80 {
			i++
		} else {
			_, i = uvarint(p, i)
		}
		d += DocNum(delta)
		if ok(d) {
			n++
		}
	}
	return n
}

// andTerm is one word of an AND query, with what scoring it needs.
type andTerm struct {
	id             uint32
	tp             *termPostings
	titleOnly      bool
	wb, wt         float64
	exactB, exactT float32
	xsegs          []segment // exact-form postings, when the word is not its stem
	x              float32
	bits           []uint64 // documents with the term, when kept
	ub             float64  // bound of a body-only document's score
	// per pass
	body, title cursor
	xc          docCursor
}

// reset starts the term's cursors again from the first document.
func (t *andTerm) reset(ix *Index, a *accel) {
	t.body = ix.termCursor(a, t.id, false)
	t.title = ix.termCursor(a, t.id, true)
	t.xc = docCursor{ix: ix, segs: t.xsegs}
}

// andScorer scores documents, in increasing order between resets, for a
// query whose groups are single words: the fold of the general path (per
// group in evaluation order: body, title, exact-form bonus) in float32.
type andScorer struct {
	ix         *Index
	terms      []andTerm
	n0, n1b    float64
	n1t        float64
	lens, tlen []uint32
}

// maybe reports whether d can match: false when a word's bitset says not.
func (s *andScorer) maybe(d DocNum) bool {
	for i := range s.terms {
		if b := s.terms[i].bits; b != nil && (int(d>>6) >= len(b) || b[d>>6]&(1<<(d&63)) == 0) {
			return false
		}
	}
	return true
}

func (s *andScorer) score(d DocNum) (float32, bool) {
	var sum float32
	for i := range s.terms {
		t := &s.terms[i]
		matched := false
		if !t.titleOnly && t.body.seek(d) && t.body.doc == d {
			v := bm25(t.wb, float64(t.body.tf), s.n0, s.n1b, s.lens[d])
			if t.body.stemForm {
				v += t.exactB
			}
			sum += v
			matched = true
		}
		if t.title.seek(d) && t.title.doc == d {
			v := bm25(t.wt, float64(t.title.tf), s.n0, s.n1t, s.tlen[d])
			if t.title.stemForm {
				v += t.exactT
			}
			sum += v
			matched = true
		}
		if !matched {
			return 0, false
		}
		if t.xc.has(d) {
			sum += t.x
		}
	}
	return sum, true
}

// searchAnd ranks the documents matching every group (each a single word,
// in any field or the title) into t and returns their number, or false
// when the fast path does not apply. groups are in evaluation order.
//
// Total: a popcount of the terms' bitsets when all have one, else the
// rarest term's documents tested against the others. Ranking: first every
// document with a title match for some word (title postings are short, and
// those documents lead), which raises the bar; then the rarest word's body
// postings block by block, skipping a block when its bound plus the other
// words' bounds is below the bar.
func (ix *Index) searchAnd(e *eval, groups []group, t *topK) (int, bool) {
	if e.acc == nil || len(groups) > 8 {
		return 0, false
	}
	terms := make([]andTerm, len(groups))
	lead := 0
	n0 := k1 * (1 - b)
	sc := &andScorer{ix: ix, terms: terms, n0: n0, n1b: k1 * b / max(e.avgBody, 1), n1t: k1 * b / max(e.avgTitle, 1),
		lens: ix.bodyLens, tlen: ix.titleLens}
	for i, g := range groups {
		if len(g.atoms) != 1 {
			return 0, false
		}
		a := g.atoms[0]
		if a.prefix || len(a.words) != 1 {
			return 0, false
		}
		word := a.words[0]
		st := stem(word)
		id, ok := ix.terms[st]
		if !ok {
			return 0, false
		}
		tp := &ix.postings[id]
		at := andTerm{id: id, tp: tp, titleOnly: a.field == FieldTitle}
		if at.titleOnly && len(tp.title) == 0 {
			return 0, false // the general path's empty result
		}
		at.wb, at.wt = idf(e.n, float64(tp.bodyDF)), idf(e.n, float64(tp.titleDF))*titleBoost
		if at.wb <= 0 || at.wt <= 0 {
			return 0, false
		}
		if word == st {
			at.exactB, at.exactT = float32(at.wb*exactBoost), float32(at.wt*exactBoost)
		} else if sid, ok := ix.surfs[word]; ok {
			at.xsegs = ix.surfInfo[sid].exact
			at.x = exactWeight(e.n, tp)
		}
		if !at.titleOnly {
			at.bits = e.acc.docBits(id, tp)
		}
		at.ub = at.wb*(k1+1) + float64(at.exactB) + float64(at.x)
		terms[i] = at
		if df(tp, at.titleOnly) < df(terms[lead].tp, terms[lead].titleOnly) {
			lead = i
		}
	}
	// A rare word is cheaper through the general path (scoring its
	// postings outright, the others' only in its blocks): document at a
	// time with skipping cursors pays off when every word is frequent.
	if terms[lead].bits == nil {
		return 0, false
	}
	deleted, excl, mark, keep := ix.deleted, e.sc.excl, e.sc.mark, t.keep
	defer clear(mark)
	dead := func(d DocNum) bool {
		return (deleted[d>>6]|excl[d>>6])&(1<<(d&63)) != 0 || keep != nil && !keep(d)
	}

	total := ix.andTotal(e, terms, lead, keep)

	// Documents with a title match, list by list; mark keeps each once.
	// The list with the best title bound goes first: a document of a later
	// list has no title match for the words before it, so once the bar
	// passes the bound of what it can still have, the list is skipped.
	const margin = 1 + 1e-5
	anyTitleOnly := false
	order := make([]int, len(terms))
	tub := make([]float64, len(terms))
	base := 0.0 // bound of the body parts and bonuses
	for i := range terms {
		at := &terms[i]
		order[i] = i
		anyTitleOnly = anyTitleOnly || at.titleOnly
		tub[i] = at.wt*(k1+1) + float64(at.exactT)
		if at.titleOnly {
			base += float64(at.x)
		} else {
			base += at.ub
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(tub[b], tub[a]) })
	for oi, i := range order {
		ub := base
		for _, j := range order[oi:] {
			ub += tub[j]
		}
		if ub*margin+1e-9 < t.bar {
			break // and the lists after it, whose bounds are lower
		}
		for j := range terms {
			terms[j].reset(ix, e.acc)
		}
		// A document's own title score plus the bound of the rest.
		rest := ub - tub[i]
		ti := &terms[i]
		for si := range ti.tp.title {
			s := &ti.tp.title[si]
			p := ix.docsOf(s)
			d := s.base
			for k := 0; k < len(p); {
				var delta, payload uint32
				delta, k = uvarint(p, k)
				payload, k = uvarint(p, k)
				d += DocNum(delta)
				if mark[d>>6]&(1<<(d&63)) != 0 {
					continue
				}
				mark[d>>6] |= 1 << (d & 63)
				if dead(d) {
					continue
				}
				if t.bar > math.Inf(-1) {
					tf := float64(payload >> 1)
					own := ti.wt * tf * (k1 + 1) / (tf + n0 + sc.n1t*float64(ix.titleLens[d]))
					if (own+float64(ti.exactT)+rest)*margin+1e-9 < t.bar {
						continue
					}
				}
				if !sc.maybe(d) {
					continue
				}
				if score, ok := sc.score(d); ok {
					t.offer(d, score)
				}
			}
		}
	}
	if anyTitleOnly {
		return total, true // every match has a title match of that word
	}

	// The others: the lead's body postings, block by block.
	rest := 0.0
	for i := range terms {
		if i != lead {
			rest += terms[i].ub
		}
		terms[i].reset(ix, e.acc)
	}
	lt := &terms[lead]
	skips := e.acc.skipsFor(lt.id, false, lt.tp.body)
	scan := func(p []byte, i, end int, d DocNum) {
		for i < end {
			var delta uint32
			if c := p[i]; c < 0x80 {
				delta, i = uint32(c), i+1
			} else {
				delta, i = uvarint(p, i)
			}
			var payload uint32
			if c := p[i]; c < 0x80 {
				payload, i = uint32(c), i+1
			} else {
				payload, i = uvarint(p, i)
			}
			d += DocNum(delta)
			if (mark[d>>6]|deleted[d>>6]|excl[d>>6])&(1<<(d&63)) != 0 || keep != nil && !keep(d) {
				continue
			}
			if t.bar > math.Inf(-1) {
				tf := float64(payload >> 1)
				own := lt.wb * tf * (k1 + 1) / (tf + n0 + sc.n1b*float64(ix.bodyLens[d]))
				if (own+float64(lt.exactB)+float64(lt.x)+rest)*margin+1e-9 < t.bar {
					continue
				}
			}
			if !sc.maybe(d) {
				continue
			}
			if score, ok := sc.score(d); ok {
				t.offer(d, score)
			}
		}
	}
	for si := range lt.tp.body {
		s := &lt.tp.body[si]
		p := ix.docsOf(s)
		tab := skipTableOf(skips, si, s)
		if tab == nil {
			scan(p, 0, len(p), s.base)
			continue
		}
		for k := range tab.e {
			en := &tab.e[k]
			end := len(p)
			if k+1 < len(tab.e) {
				end = int(tab.e[k+1].docOff)
			}
			if en.maxTF < math.MaxUint16 && t.bar > math.Inf(-1) {
				tf := float64(en.maxTF)
				ub := (lt.wb*tf*(k1+1)/(tf+n0+sc.n1b*float64(en.minLen))+float64(lt.exactB)+float64(lt.x)+rest)*margin + 1e-9
				if ub < t.bar {
					continue
				}
			}
			scan(p, int(en.docOff), end, en.prev)
		}
	}
	return total, true
}

// df is the number of postings of a term's field(s) a query reads.
func df(tp *termPostings, titleOnly bool) uint32 {
	if titleOnly {
		return tp.titleDF
	}
	return tp.bodyDF + tp.titleDF
}

// andTotal counts the live, not excluded documents matching every term.
func (ix *Index) andTotal(e *eval, terms []andTerm, lead int, keep func(DocNum) bool) int {
	deleted, excl := ix.deleted, e.sc.excl
	all := keep == nil
	for i := range terms {
		all = all && terms[i].bits != nil
	}
	if all {
		n := 0
		for w := range deleted {
			v := ^(deleted[w] | excl[w])
			for i := range terms {
				if w >= len(terms[i].bits) {
					v = 0
					break
				}
				v &= terms[i].bits[w]
			}
			n += bits.OnesCount64(v)
		}
		return n
	}
	// The lead's documents (body and title merged), tested against the
	// others' bitsets or postings.
	for i := range terms {
		terms[i].reset(ix, e.acc)
	}
	lt := &terms[lead]
	lb, ltl := &lt.body, &lt.title
	hasB, hasT := !lt.titleOnly && lb.next(), ltl.next()
	n := 0
	for hasB || hasT {
		var d DocNum
		switch {
		case hasB && (!hasT || lb.doc <= ltl.doc):
			d = lb.doc
		default:
			d = ltl.doc
		}
		if hasB && lb.doc == d {
			hasB = lb.next()
		}
		if hasT && ltl.doc == d {
			hasT = ltl.next()
		}
		if (deleted[d>>6]|excl[d>>6])&(1<<(d&63)) != 0 {
			continue
		}
		ok := true
		for i := range terms {
			if i == lead {
				continue
			}
			t := &terms[i]
			if t.bits != nil {
				ok = int(d>>6) < len(t.bits) && t.bits[d>>6]&(1<<(d&63)) != 0
			} else {
				ok = !t.titleOnly && t.body.seek(d) && t.body.doc == d || t.title.seek(d) && t.title.doc == d
			}
			if !ok {
				break
			}
		}
		if ok && (keep == nil || keep(d)) {
			n++
		}
	}
	return n
}
