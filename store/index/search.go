package index

import (
	"encoding/binary"
	"math"
	"slices"
	"sort"
	"strings"
)

// Ranking constants. BM25 with the usual k1 and b; a title match counts
// titleBoost times a body match; the exact (unstemmed) form adds exactBoost
// of the word's idf; among near-equal scores newer articles win by up to
// recencyBoost.
const (
	k1           = 1.2
	b            = 0.75
	titleBoost   = 2.5
	exactBoost   = 0.3
	recencyBoost = 0.02
	maxExpansion = 32 // prefix expansions kept, by document frequency
)

// SortOrder orders search results.
type SortOrder uint8

// Result orders. Relevance breaks ties by date, newest first; an empty query
// sorted by relevance lists newest first.
const (
	SortRelevance SortOrder = iota
	SortNewest
	SortOldest
)

// SearchOptions tune Search.
type SearchOptions struct {
	// Limit is the number of hits returned; <= 0 returns them all.
	Limit int
	// Filter, when set, keeps only documents it accepts (is:read and the
	// like are implemented by the caller with it). It is called with the
	// index's read lock held: it must not call the Index.
	Filter func(DocNum) bool
	// Sort orders the hits.
	Sort SortOrder
	// SnippetRunes is the snippet length; 0 means 160.
	SnippetRunes int
}

// Results are the hits of a search.
type Results struct {
	Hits  []Hit
	Total int // all matching documents, not only the returned hits
}

// Hit is one matching document.
type Hit struct {
	Doc     DocNum
	Score   float64
	Snippet string
	Spans   []Span // byte ranges of Snippet to highlight
}

// Span is a byte range [Start, End).
type Span struct{ Start, End int }

type evalScratch struct {
	score   []float32
	cnt     []uint8
	touched []uint32
	excl    []uint64
	blocks  []uint32
}

const blockShift = 10

func (ix *Index) getScratch(n int) *evalScratch {
	sc, _ := ix.scratch.Get().(*evalScratch)
	if sc == nil {
		sc = &evalScratch{}
	}
	if len(sc.score) < n {
		sc.score = make([]float32, n+n/4)
		sc.cnt = make([]uint8, len(sc.score))
		sc.excl = make([]uint64, len(sc.score)/64+1)
		sc.blocks = make([]uint32, len(sc.score)>>blockShift+1)
	}
	return sc
}

func (ix *Index) putScratch(sc *evalScratch) {
	for _, d := range sc.touched {
		sc.score[d], sc.cnt[d] = 0, 0
	}
	sc.touched = sc.touched[:0]
	clear(sc.excl)
	clear(sc.blocks)
	ix.scratch.Put(sc)
}

// eval is the state of one search.
type eval struct {
	ix       *Index
	sc       *evalScratch
	n        float64 // documents, for idf
	avgBody  float64
	avgTitle float64
	gi       uint8 // group being evaluated
	neg      bool  // collecting exclusions
	narrow   bool  // later groups: only documents in candidate blocks matter
}

func (e *eval) emit(d DocNum, s float32) {
	sc := e.sc
	if e.neg {
		sc.excl[d>>6] |= 1 << (d & 63)
		return
	}
	c := sc.cnt[d]
	switch {
	case c == e.gi:
		sc.cnt[d] = e.gi + 1
		sc.score[d] += s
		if e.gi == 0 {
			sc.touched = append(sc.touched, uint32(d))
		}
	case c == e.gi+1:
		sc.score[d] += s
	}
}

// bonus adds s only to documents this group already matched.
func (e *eval) bonus(d DocNum, s float32) {
	if !e.neg && e.sc.cnt[d] == e.gi+1 {
		e.sc.score[d] += s
	}
}

// skip reports whether a segment can hold no candidate of a later group.
func (e *eval) skip(s *segment) bool {
	if !e.narrow {
		return false
	}
	for blk := s.base >> blockShift; blk <= s.last>>blockShift; blk++ {
		if e.sc.blocks[blk] != 0 {
			return false
		}
	}
	return true
}

func idf(n, df float64) float64 { return math.Log(1 + (n-df+0.5)/(df+0.5)) }

func uvarint(p []byte, i int) (uint32, int) {
	if c := p[i]; c < 0x80 {
		return uint32(c), i + 1
	}
	x, n := binary.Uvarint(p[i:])
	return uint32(x), i + n
}

func (ix *Index) docsOf(s *segment) []byte {
	return ix.arenas[s.arena][s.off : s.off+s.docLen]
}

func (ix *Index) posOf(s *segment) []byte {
	o := s.off + s.docLen
	return ix.arenas[s.arena][o : o+s.posLen]
}

// scoreTerm emits BM25 scores of term id in the title and (unless titleOnly)
// body. exactStem asks for the exact-form bonus from the stem-form flag.
func (e *eval) scoreTerm(id uint32, titleOnly, exactStem bool) {
	tp := &e.ix.postings[id]
	if !titleOnly {
		e.scoreField(tp.body, float64(tp.bodyDF), e.ix.bodyLens, e.avgBody, 1, exactStem)
	}
	e.scoreField(tp.title, float64(tp.titleDF), e.ix.titleLens, e.avgTitle, titleBoost, exactStem)
}

func (e *eval) scoreField(segs []segment, df float64, lens []uint32, avg float64, boost float64, exactStem bool) {
	if len(segs) == 0 {
		return
	}
	w := idf(e.n, df) * boost
	exact := float32(0)
	if exactStem {
		exact = float32(w * exactBoost)
	}
	norm0, norm1 := k1*(1-b), k1*b/max(avg, 1)
	for si := range segs {
		s := &segs[si]
		if e.skip(s) {
			continue
		}
		p := e.ix.docsOf(s)
		d := s.base
		for i := 0; i < len(p); {
			var delta, payload uint32
			delta, i = uvarint(p, i)
			payload, i = uvarint(p, i)
			d += DocNum(delta)
			if e.neg {
				e.emit(d, 0)
				continue
			}
			tf := float64(payload >> 1)
			sc := float32(w * tf * (k1 + 1) / (tf + norm0 + norm1*float64(lens[d])))
			if payload&1 != 0 {
				sc += exact
			}
			e.emit(d, sc)
		}
	}
}

// exactBonus adds the exact-form bonus from a surface's own postings.
func (e *eval) exactBonus(sid uint32) {
	s := &e.ix.surfInfo[sid]
	tp := &e.ix.postings[s.term]
	w := float32(idf(e.n, float64(tp.bodyDF+tp.titleDF)) * exactBoost)
	for si := range s.exact {
		seg := &s.exact[si]
		if e.skip(seg) {
			continue
		}
		p := e.ix.docsOf(seg)
		d := seg.base
		for i := 0; i < len(p); {
			var delta uint32
			delta, i = uvarint(p, i)
			d += DocNum(delta)
			e.bonus(d, w)
		}
	}
}

// term evaluates a one-word atom.
func (e *eval) term(word string, titleOnly bool) {
	st := stem(word)
	id, ok := e.ix.terms[st]
	if !ok {
		return
	}
	e.scoreTerm(id, titleOnly, word == st)
	if e.neg || word == st {
		return
	}
	if sid, ok := e.ix.surfs[word]; ok {
		e.exactBonus(sid)
	}
}

// prefixTerms returns the terms of the most frequent surface forms starting
// with prefix.
func (ix *Index) prefixSurfaces(prefix string) []uint32 {
	lo := sort.Search(len(ix.sorted), func(i int) bool { return ix.surfInfo[ix.sorted[i]].form >= prefix })
	var out []uint32
	for i := lo; i < len(ix.sorted) && strings.HasPrefix(ix.surfInfo[ix.sorted[i]].form, prefix); i++ {
		out = append(out, ix.sorted[i])
	}
	if len(out) > maxExpansion {
		slices.SortFunc(out, func(a, b uint32) int { return int(ix.surfInfo[b].df) - int(ix.surfInfo[a].df) })
		out = out[:maxExpansion]
	}
	return out
}

func (e *eval) prefix(word string) {
	seen := map[uint32]bool{}
	for _, sid := range e.ix.prefixSurfaces(word) {
		t := e.ix.surfInfo[sid].term
		if !seen[t] {
			seen[t] = true
			e.scoreTerm(t, false, false)
		}
	}
	if sid, ok := e.ix.surfs[word]; ok && !e.neg {
		s := e.ix.surfInfo[sid]
		if s.isStem {
			e.scoreTerm(s.term, false, true) // the whole word typed: rank it first
		} else {
			e.exactBonus(sid)
		}
	}
}

// phrase evaluates a quoted phrase in the title and (unless titleOnly) body.
func (e *eval) phrase(words []string, titleOnly bool) {
	ids := make([]uint32, len(words))
	for i, w := range words {
		id, ok := e.ix.terms[stem(w)]
		if !ok {
			return
		}
		ids[i] = id
	}
	w := 0.0
	for _, id := range ids {
		tp := &e.ix.postings[id]
		w += idf(e.n, float64(tp.bodyDF+tp.titleDF))
	}
	get := func(tp *termPostings, title bool) []segment {
		if title {
			return tp.title
		}
		return tp.body
	}
	for _, title := range []bool{false, true} {
		if titleOnly && !title {
			continue
		}
		lens, avg, boost := e.ix.bodyLens, e.avgBody, 1.0
		if title {
			lens, avg, boost = e.ix.titleLens, e.avgTitle, titleBoost
		}
		curs := make([]cursor, len(ids))
		for i, id := range ids {
			curs[i] = cursor{ix: e.ix, segs: get(&e.ix.postings[id], title)}
		}
		phraseMatches(curs, func(d DocNum, freq int) {
			tf := float64(freq)
			e.emit(d, float32(boost*w*tf*(k1+1)/(tf+k1*(1-b+b*float64(lens[d])/max(avg, 1)))))
		})
	}
}

// cursor walks one term's postings in one field document by document.
type cursor struct {
	ix      *Index
	segs    []segment
	si      int
	docs    []byte
	pos     []byte
	di, pi  int
	doc     DocNum
	tf      uint32
	posDone bool
	started bool
	done    bool
}

func (c *cursor) next() bool {
	if c.done {
		return false
	}
	if c.started && !c.posDone {
		// Skip this document's positions: count varint ends.
		for k := uint32(0); k < c.tf; c.pi++ {
			if c.pos[c.pi] < 0x80 {
				k++
			}
		}
	}
	for c.di >= len(c.docs) {
		if c.started {
			c.si++
		}
		if c.si >= len(c.segs) {
			c.done = true
			return false
		}
		s := &c.segs[c.si]
		c.docs, c.pos, c.di, c.pi, c.doc = c.ix.docsOf(s), c.ix.posOf(s), 0, 0, s.base
		c.started = true
	}
	var delta, payload uint32
	delta, c.di = uvarint(c.docs, c.di)
	payload, c.di = uvarint(c.docs, c.di)
	c.doc += DocNum(delta)
	c.tf = payload >> 1
	c.posDone = false
	c.started = true
	return true
}

// seek moves to the first document >= d, jumping over whole segments.
func (c *cursor) seek(d DocNum) bool {
	if c.started && !c.done && c.doc >= d {
		return true
	}
	if c.started && c.si < len(c.segs) && c.segs[c.si].last < d {
		for c.si < len(c.segs) && c.segs[c.si].last < d {
			c.si++
		}
		if c.si >= len(c.segs) {
			c.done = true
			return false
		}
		s := &c.segs[c.si]
		c.docs, c.pos, c.di, c.pi, c.doc = c.ix.docsOf(s), c.ix.posOf(s), 0, 0, s.base
		c.posDone = true
	}
	for {
		if !c.next() {
			return false
		}
		if c.doc >= d {
			return true
		}
	}
}

func (c *cursor) positions(dst []uint32) []uint32 {
	dst = dst[:0]
	var p uint32
	for range c.tf {
		var d uint32
		d, c.pi = uvarint(c.pos, c.pi)
		p += d
		dst = append(dst, p)
	}
	c.posDone = true
	return dst
}

// phraseMatches calls fn for each document where the cursors' terms occur at
// consecutive positions, with the number of occurrences.
func phraseMatches(curs []cursor, fn func(DocNum, int)) {
	if !curs[0].next() {
		return
	}
	pos := make([][]uint32, len(curs))
	for {
		d := curs[0].doc
		all := true
		for i := 1; i < len(curs); i++ {
			if !curs[i].seek(d) {
				return
			}
			if curs[i].doc != d {
				all = false
				if !curs[0].seek(curs[i].doc) {
					return
				}
				break
			}
		}
		if !all {
			continue
		}
		for i := range curs {
			pos[i] = curs[i].positions(pos[i])
		}
		freq := 0
		for _, p0 := range pos[0] {
			ok := true
			for i := 1; i < len(curs) && ok; i++ {
				_, ok = slices.BinarySearch(pos[i], p0+uint32(i))
			}
			if ok {
				freq++
			}
		}
		if freq > 0 {
			fn(d, freq)
		}
		if !curs[0].next() {
			return
		}
	}
}

// cost estimates how many postings a group reads, to evaluate cheap groups
// first.
func (ix *Index) cost(g group) uint64 {
	var c uint64
	for _, a := range g.atoms {
		switch {
		case a.prefix:
			c += uint64(len(ix.docs)) // unknown until expanded
		case a.field.keyword() || a.field == fieldAfter || a.field == fieldBefore:
			c += uint64(len(ix.docs))
		default:
			m := uint64(math.MaxUint32)
			for _, w := range a.words {
				if id, ok := ix.terms[stem(w)]; ok {
					tp := &ix.postings[id]
					m = min(m, uint64(tp.bodyDF+tp.titleDF))
				} else {
					m = 0
				}
			}
			c += m
		}
	}
	return c
}

func (g group) textOnly() bool {
	for _, a := range g.atoms {
		if a.field != FieldAny && a.field != FieldTitle {
			return false
		}
	}
	return true
}

func (e *eval) atom(a atom) {
	titleOnly := a.field == FieldTitle
	switch {
	case a.prefix && !e.neg:
		e.prefix(a.words[0])
	case len(a.words) == 1:
		e.term(a.words[0], titleOnly)
	default:
		e.phrase(a.words, titleOnly)
	}
}
