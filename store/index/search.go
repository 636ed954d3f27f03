package index

import (
	"encoding/binary"
	"math"
	"math/bits"
	"runtime"
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
	// Below, when not 0, keeps only documents numbered below it: a caller
	// whose own list of documents lags behind the index (documents being
	// added) says so with it rather than with a Filter, which would turn
	// off the fast paths.
	Below DocNum
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
	mark    []uint64 // fast paths' bitset by document; cleared after use
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
		sc.mark = make([]uint64, len(sc.excl))
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
	acc      *accel // side tables, nil when there are none
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

// varint12 decodes the varint at p[i] and returns it and its length,
// without a branch on that length when it is one or two bytes: a rarer
// word's gaps mix both, and a branch on each mispredicts half the time.
// Longer varints return length 0, for uvarint; there is no call in here,
// so that it inlines.
func varint12(p []byte, i int) (uint32, int) {
	b0, b1 := uint32(p[i]), uint32(0x80) // a varint cut off by the end is uvarint's
	if i+1 < len(p) {
		b1 = uint32(p[i+1])
	}
	two := b0 >> 7
	if two&(b1>>7) != 0 {
		return 0, 0
	}
	return b0&0x7f | b1<<7&-two, 1 + int(two)
}

// uvarint decodes the varint at p[i] and returns it and the index after it.
// It is too big for Go's inliner (cost 137 against a budget of 80; 88
// without the two-byte case), so the hot decoding loops spell its one-byte
// case out before calling it. What they leave it is mostly two bytes (a
// rarer word's gaps), decoded here without binary.Uvarint's loop.
func uvarint(p []byte, i int) (uint32, int) {
	if c := p[i]; c < 0x80 {
		return uint32(c), i + 1
	}
	// Two bytes: most of what is left, the gaps of rarer words.
	if i+1 < len(p) && p[i+1] < 0x80 {
		return uint32(p[i]&0x7f) | uint32(p[i+1])<<7, i + 2
	}
	x, n := binary.Uvarint(p[i:])
	return uint32(x), i + n
}

func (ix *Index) docsOf(s *segment) []byte {
	return ix.arenas[s.arena][s.off : s.off+s.docLen]
}

func (ix *Index) posOf(s *segment) []byte {
	o := s.off + s.docLen
	return ix.arenas[s.arena][o : o+s.posBytes()]
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
	// After the first group only documents every earlier group matched can
	// count (emit drops the others): test that before the BM25 arithmetic,
	// which the longer lists of later groups would mostly waste.
	gate, cnt := e.gi > 0 && !e.neg, e.sc.cnt
	for si := range segs {
		s := &segs[si]
		if e.skip(s) {
			continue
		}
		p := e.ix.docsOf(s)
		d := s.base
		for i := 0; i < len(p); {
			var delta, payload uint32
			if x := p[i]; x < 0x80 {
				delta, i = uint32(x), i+1
			} else {
				delta, i = uvarint(p, i)
			}
			if x := p[i]; x < 0x80 {
				payload, i = uint32(x), i+1
			} else {
				payload, i = uvarint(p, i)
			}
			d += DocNum(delta)
			if e.neg {
				e.emit(d, 0)
				continue
			}
			if gate && cnt[d] < e.gi {
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

// exactWeight is the bonus of a word's exact form, when the form is not
// its stem: exactBoost of the stem's idf over whole documents. Its title
// and body counts added together stand for the documents with it; they can
// pass the number of documents, and clamped there the bonus stays positive
// (it was a penalty for words in most articles, which ranked the form typed
// below its inflections). The fast paths' bounds add it as it is.
func exactWeight(n float64, tp *termPostings) float32 {
	return float32(idf(n, min(float64(tp.bodyDF+tp.titleDF), n)) * exactBoost)
}

// exactBonus adds the exact-form bonus from a surface's own postings.
func (e *eval) exactBonus(sid uint32) {
	s := &e.ix.surfInfo[sid]
	tp := &e.ix.postings[s.term]
	w := exactWeight(e.n, tp)
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
	// The word may be complete: "withdrawing" typed last also finds
	// "withdrawal", as it would with a space after it.
	if t, ok := e.ix.terms[stem(word)]; ok && !seen[t] {
		e.scoreTerm(t, false, false)
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

// phraseWeights returns a phrase's BM25 weights in the body and the title
// (before titleBoost): the sums of its words' idf in that field, as a
// word's own weight is per field. (One weight from title and body counts
// added together went negative for words in most titles and bodies, so
// that such a phrase ranked its best matches last and lowered the score of
// the words beside it.)
func (e *eval) phraseWeights(ids []uint32) (body, title float64) {
	for _, id := range ids {
		tp := &e.ix.postings[id]
		body += idf(e.n, float64(tp.bodyDF))
		title += idf(e.n, float64(tp.titleDF))
	}
	return body, title
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
	wBody, wTitle := e.phraseWeights(ids)
	// Each word at its offset; two function words are one pair term, whose
	// postings count the phrase itself (it has no positions, so only a
	// two-word phrase can use it).
	parts, offs := ids, make([]uint32, len(ids))
	for i := range offs {
		offs[i] = uint32(i)
	}
	if len(words) == 2 {
		_, a := pairIndex[stem(words[0])]
		_, b := pairIndex[stem(words[1])]
		if a && b {
			id, ok := e.ix.terms[pairKey(words[0], words[1])]
			if !ok {
				return // no document has these two words in a row
			}
			parts, offs = []uint32{id}, []uint32{0}
		}
	}
	for _, title := range []bool{false, true} {
		if titleOnly && !title {
			continue
		}
		lens, avg, w := e.ix.bodyLens, e.avgBody, wBody
		if title {
			lens, avg, w = e.ix.titleLens, e.avgTitle, titleBoost*wTitle
		}
		var near *phraseNear
		if !title && len(parts) > 1 {
			near = &phraseNear{segs: make([][][]uint8, len(parts)), hash: make([]uint8, len(parts)), pair: make([]int16, len(parts))}
			for i, id := range parts {
				st := stem(words[i])
				if useNear {
					near.segs[i] = e.ix.postings[id].near
				}
				near.hash[i], near.pair[i] = nearHash(st), -1
				if p, ok := pairIndex[st]; ok && usePairNear {
					near.pair[i] = p
				}
			}
		}
		cursors := func() ([]cursor, []*posIndex) {
			curs := make([]cursor, len(parts))
			direct := make([]*posIndex, len(parts))
			for i, id := range parts {
				curs[i] = e.ix.termCursor(e.acc, id, title)
				if !title && usePosIndex {
					direct[i] = e.acc.posFor(id, &e.ix.postings[id])
				}
				if useDocBits {
					curs[i].has = e.acc.docBits(id, &e.ix.postings[id])
				}
			}
			return curs, direct
		}
		phraseInParts(cursors, offs, lens, near, func(d DocNum, freq int) {
			e.emit(d, phraseBM25(w, float64(freq), avg, lens[d]))
		})
	}
}

// phrasePartDocs is how many of the leading word's documents make a phrase
// worth matching on more than one core: the slowest phrases pair two words
// found in nearly every document, and check positions in each (about 80 ns
// a document at 100,000 articles). 1,024 documents take 50-100 µs, and a
// helper that starts 45 µs in (see onCores) still takes a good share. On
// the benchmark's phrases, p50 was 0.70-0.76 ms from 4,096 documents,
// 0.63-0.71 from 2,048, 0.62-0.67 from 1,024 and 0.60-0.69 from 512. A
// variable so that tests can split small indexes.
var phrasePartDocs = 1024

// maxPhraseWorkers bounds the goroutines of one phrase: a server's other
// sessions need cores too.
const maxPhraseWorkers = 4

// phraseChunks is how many ranges each worker's share is cut into, for
// inParts to hand out.
const phraseChunks = 4

// phraseInParts runs phraseMatches over the cursors that cursors makes.
// When the leading word has enough documents and there is more than one
// core, its documents are cut into ranges that workers take in turn: the
// calling goroutine and up to maxPhraseWorkers-1 others, each with its own
// cursors, which only move forward through the ranges it takes. fn sees
// every match from the calling goroutine, in document order, as one pass
// would give them.
func phraseInParts(cursors func() ([]cursor, []*posIndex), offs []uint32, lens []uint32, near *phraseNear, fn func(DocNum, int)) {
	curs, direct := cursors()
	lead := leadCursor(curs)
	workers := min(runtime.GOMAXPROCS(0), maxPhraseWorkers, curs[lead].n()/max(phrasePartDocs, 1))
	if workers <= 1 {
		phraseMatches(curs, direct, offs, lens, near, 0, math.MaxUint32, fn)
		return
	}
	bounds := splitDocs(curs[lead].segs, workers*phraseChunks)
	found := make([][]phraseHit, len(bounds)-1)
	// Each goroutine has its own cursors, which only move forward.
	type worker struct {
		curs   []cursor
		direct []*posIndex
	}
	mine := &worker{curs: curs, direct: direct}
	inParts(len(found), workers, mine, func() *worker {
		curs, direct := cursors()
		return &worker{curs: curs, direct: direct}
	}, func(w *worker, i int) {
		phraseMatches(w.curs, w.direct, offs, lens, near, bounds[i], bounds[i+1], func(d DocNum, freq int) {
			found[i] = append(found[i], phraseHit{d, uint32(freq)})
		})
	})
	for _, hits := range found {
		for _, h := range hits {
			fn(h.doc, int(h.freq))
		}
	}
}

// phraseHit is a document where a phrase occurs freq times.
type phraseHit struct {
	doc  DocNum
	freq uint32
}

// splitDocs cuts the documents of segs into parts ranges with about as
// many postings each, as bounds: range i is [bounds[i], bounds[i+1]). The
// first starts at 0 and the last ends at math.MaxUint32, so together they
// cover every document. Fewer ranges come back when the segments cannot be
// cut that fine.
func splitDocs(segs []segment, parts int) []DocNum {
	var total uint64
	for i := range segs {
		total += uint64(segs[i].n)
	}
	bounds := []DocNum{0}
	var before uint64 // postings in the segments before segs[i]
	for i := range segs {
		s := &segs[i]
		for len(bounds) < parts {
			want := total * uint64(len(bounds)) / uint64(parts)
			if want >= before+uint64(s.n) {
				break
			}
			// Within a segment documents are assumed spread evenly.
			frac := float64(want-before) / float64(s.n)
			d := s.base + DocNum(frac*float64(s.last-s.base))
			if d <= bounds[len(bounds)-1] {
				break
			}
			bounds = append(bounds, d)
		}
		before += uint64(s.n)
	}
	return append(bounds, math.MaxUint32)
}

// cursor walks one term's postings in one field document by document.
// Positions are skipped lazily: next only counts how many position varints
// the documents it passed over hold, and positions skips them in one fast
// scan, so cursors that only test presence (snippets) or that jump far ahead
// (phrases led by a rarer word) never walk position bytes one by one.
type cursor struct {
	ix      *Index
	segs    []segment
	skips   []*skipTable // by segment, when the side tables cover segs
	si      int
	docs    []byte
	pos     []byte
	di, pi  int
	skip    uint32 // position varints before the current document's
	trail   uint32 // varints after each document's positions: the segment's pairNear
	doc     DocNum
	tf      uint32 // of the current document, until its positions are read
	started bool
	// stemForm is the current document's flag: the field holds the stem
	// form itself (for the exact-form bonus).
	stemForm bool
	done     bool
	// end, after at, is the end of the current document's positions in
	// pos, which bounds their decoding instead of tf (at leaves tf
	// uncounted); 0 otherwise.
	end int
	// has, when not nil, is a set of documents outside which the term is
	// in neither field (accel.docBits): a phrase tests it before seeking.
	has []uint64
}

// mayHave reports whether document d may hold the cursor's term, from has.
func (c *cursor) mayHave(d DocNum) bool {
	if c.has == nil {
		return true
	}
	w := int(d >> 6)
	return w < len(c.has) && c.has[w]&(1<<(d&63)) != 0
}

// useDocBits lets phrases test the document bitsets before seeking; tests
// turn it off to compare.
var useDocBits = true

// n returns the number of documents of the cursor's postings.
func (c *cursor) n() int {
	t := 0
	for i := range c.segs {
		t += int(c.segs[i].n)
	}
	return t
}

func (c *cursor) next() bool {
	if c.done {
		return false
	}
	for c.di >= len(c.docs) {
		if c.started {
			c.si++
		}
		if c.si >= len(c.segs) {
			c.done = true
			return false
		}
		c.enter()
	}
	c.skip += c.tf + c.trail // the document left, or none after enter
	var delta, payload uint32
	delta, c.di = uvarint(c.docs, c.di)
	payload, c.di = uvarint(c.docs, c.di)
	c.doc += DocNum(delta)
	c.tf = payload >> 1
	c.stemForm = payload&1 != 0
	return true
}

// enter positions the cursor before the first document of segment si.
func (c *cursor) enter() {
	s := &c.segs[c.si]
	c.docs, c.pos, c.di, c.pi, c.doc = c.ix.docsOf(s), c.ix.posOf(s), 0, 0, s.base
	// skip counts each document's varints when the cursor leaves it, its
	// trail included; before the first there is none (it wraps to 0).
	c.trail = s.pairNear()
	c.skip, c.tf = -c.trail, 0
	c.started = true
}

// seek moves to the first document >= d, jumping over whole segments.
func (c *cursor) seek(d DocNum) bool {
	if c.started && !c.done && c.doc >= d {
		return true
	}
	if c.done {
		return false
	}
	if !c.started || c.segs[c.si].last < d {
		si := c.si
		if c.started {
			si++
		}
		for si < len(c.segs) && c.segs[si].last < d {
			si++
		}
		if si >= len(c.segs) {
			c.done = true
			return false
		}
		c.si = si
		c.enter()
	}
	for {
		if c.skips != nil && d-c.doc > skipJumpDocs {
			c.jump(d)
		}
		// Scan the segment in a tight loop (one-byte varints inline); next
		// moves on to the following segment.
		docs, di, doc, skip, tf, flag, trail := c.docs, c.di, c.doc, c.skip, c.tf, c.stemForm, c.trail
		for di < len(docs) {
			skip += tf + trail
			var delta, payload uint32
			if x := docs[di]; x < 0x80 {
				delta, di = uint32(x), di+1
			} else {
				delta, di = uvarint(docs, di)
			}
			if x := docs[di]; x < 0x80 {
				payload, di = uint32(x), di+1
			} else {
				payload, di = uvarint(docs, di)
			}
			doc += DocNum(delta)
			tf, flag = payload>>1, payload&1 != 0
			if doc >= d {
				break
			}
		}
		c.di, c.doc, c.skip, c.tf, c.stemForm = di, doc, skip, tf, flag
		if doc >= d && c.started {
			return true
		}
		if !c.next() {
			return false
		}
		if c.doc >= d {
			return true
		}
	}
}

// skipJumpDocs is the distance to a target document from which seek
// consults the skip table rather than scanning on.
const skipJumpDocs = 16

// termCursor returns a cursor over term id's postings in the body or title.
func (ix *Index) termCursor(a *accel, id uint32, title bool) cursor {
	segs := ix.postings[id].body
	if title {
		segs = ix.postings[id].title
	}
	return cursor{ix: ix, segs: segs, skips: a.skipsFor(id, title, segs)}
}

// positions decodes the current document's positions into dst.
func (c *cursor) positions(dst []uint32) []uint32 { return c.positionsUpTo(dst, math.MaxUint32) }

// positionsUpTo decodes the current document's positions into dst, stopping
// after the first one > limit: a phrase needs no position past its last
// candidate start, and a common word has dozens per document. The rest are
// left for the lazy skip.
func (c *cursor) positionsUpTo(dst []uint32, limit uint32) []uint32 {
	dst = dst[:0]
	pos, pi, n := c.posBound()
	dense := c.end > 0 // reached by at: a common word, whose gaps are one byte
	p := uint32(0)
	var k uint32
	for k = 0; k < n && pi < len(pos) && p <= limit; k++ {
		if x := pos[pi]; dense && x < 0x80 {
			p += uint32(x)
			pi++
		} else if d, m := varint12(pos, pi); m > 0 {
			p += d
			pi += m
		} else {
			d, pi = uvarint(pos, pi)
			p += d
		}
		dst = append(dst, p)
	}
	c.pi = pi
	c.skip = n - k // undecoded positions of this document
	c.tf = 0       // consumed: next has nothing more to skip
	return dst
}

// skipVarints returns the offset after k varints starting at i, counting
// varint ends (bytes without the high bit) eight bytes at a time.
func skipVarints(p []byte, i int, k uint32) int {
	for k >= 8 && i+8 <= len(p) {
		v := binary.LittleEndian.Uint64(p[i:])
		ends := uint32(bits.OnesCount64(^v & 0x8080808080808080))
		if ends > k {
			break
		}
		k -= ends
		i += 8
	}
	for ; k > 0; i++ {
		if p[i] < 0x80 {
			k--
		}
	}
	return i
}

// leadCursor returns the index of the cursor with the fewest documents: a
// phrase's candidates are that word's documents.
func leadCursor(curs []cursor) int {
	lead, best := 0, curs[0].n()
	for i := 1; i < len(curs); i++ {
		if n := curs[i].n(); n < best {
			lead, best = i, n
		}
	}
	return lead
}

// phraseMatches calls fn for each document in [lo, hi) where each cursor's
// term occurs at its offset from a common start, with the number of such
// starts. The term with the fewest documents leads; the others seek to its
// documents.
// lens are the field's lengths in tokens, by document: they size the
// bitsets a document's phrase starts are intersected in (see matchBits).
// A cursor with a posIndex in direct (nil for the others) is moved to each
// of the lead's documents through it rather than by seeking; it never leads.
func phraseMatches(curs []cursor, direct []*posIndex, offs []uint32, lens []uint32, near *phraseNear, lo, hi DocNum, fn func(DocNum, int)) {
	lead := leadCursor(curs)
	order := []int{lead}
	for i := range curs {
		if i != lead {
			order = append(order, i)
		}
	}
	c0 := &curs[lead]
	if !c0.seek(lo) {
		return
	}
	var starts []uint32
	var set, other []uint64
	nb, need := near.lead(lead, offs)
	pneed := near.pairNeed(lead, offs)
	for {
		d := c0.doc
		if d >= hi {
			return
		}
		if si := c0.si; si < len(nb) && nb[si] != nil && nb[si][d-c0.segs[si].base]&need != need {
			// The words before and after the lead are not beside it here.
			if !c0.next() {
				return
			}
			continue
		}
		if pneed != 0 && c0.trail != 0 {
			if b, at := c0.pairNeighbours(); b&pneed != pneed {
				// Nor, by their pair bits or hashes, are the
				// phrase's other words.
				c0.passNeighbours(at)
				if !c0.next() {
					return
				}
				continue
			}
		}
		all := true
		for _, i := range order[1:] {
			if x := direct[i]; x != nil {
				if !curs[i].at(x, d) {
					all = false
					if !c0.next() {
						return
					}
					break
				}
				continue
			}
			if !curs[i].mayHave(d) {
				// Leave the cursor where it is: it seeks further later,
				// over fewer, longer distances (the skip tables).
				all = false
				if !c0.next() {
					return
				}
				break
			}
			if !curs[i].seek(d) {
				return
			}
			if curs[i].doc != d {
				all = false
				if !c0.seek(curs[i].doc) {
					return
				}
				break
			}
		}
		if !all {
			continue
		}
		if len(curs) == 1 { // a lone pair term: its tf is the phrase count
			fn(d, int(c0.tf))
			if !c0.next() {
				return
			}
			continue
		}
		var freq int
		if w := int(lens[d])/64 + 1; w <= maxPhraseWords && c0.tf >= bitsMinStarts {
			if len(set) < w {
				set, other = make([]uint64, max(w, 64)), make([]uint64, max(w, 64))
			}
			freq = matchBits(curs, order, offs, set[:w], other[:w])
		} else {
			// Few starts, or a field too long for the bitsets: merge
			// the sorted starts with each word's positions.
			starts = c0.positions(starts)
			k := 0
			for _, p := range starts {
				if p >= offs[lead] { // a phrase cannot start before position 0
					starts[k] = p - offs[lead]
					k++
				}
			}
			starts = starts[:k]
			for _, i := range order[1:] {
				if len(starts) == 0 {
					break
				}
				starts = curs[i].keepShifted(starts, offs[i])
			}
			freq = len(starts)
		}
		if freq > 0 {
			fn(d, freq)
		}
		if !c0.next() {
			return
		}
	}
}

// bitsMinStarts is the lead's tf from which a document's phrase starts are
// intersected in bitsets: with fewer, a merge that stops at the last start
// decodes fewer of a common word's positions (measured on the benchmark's
// phrases: p50 as with merging alone, p99 a third lower). A variable so
// that tests can force either path.
var bitsMinStarts uint32 = 4

// maxPhraseWords bounds the bitsets of matchBits: 4,096 words cover a field
// of 262,144 tokens; longer ones (none in practice) merge sorted lists.
const maxPhraseWords = 1 << 12

// matchBits counts the phrase starts in the document all cursors are on,
// with one bit per position rather than a merge of sorted lists: a common
// word has dozens of positions a document, and merging them with the starts
// mispredicts a branch at nearly every step. set and other are zeroed, one
// bit per token of the field; they are zeroed again on return.
func matchBits(curs []cursor, order []int, offs []uint32, set, other []uint64) int {
	lead := order[0]
	curs[lead].positionBits(set, offs[lead], false)
	last := len(order) - 1
	for k, i := range order[1:] {
		if k+1 == last {
			// The last word only counts: no bitset of its own.
			n := curs[i].positionBits(set, offs[i], true)
			clear(set)
			return n
		}
		curs[i].positionBits(other, offs[i], false)
		any := uint64(0)
		for j := range set {
			set[j] &= other[j]
			any |= set[j]
		}
		clear(other)
		if any == 0 {
			clear(set)
			return 0
		}
	}
	return 0 // unreachable: order holds at least two cursors
}

// positionBits decodes the current document's positions p >= off. Without
// count it sets bit p-off of set for each, the phrase start it implies; with
// count it leaves set alone and returns how many of those bits are set: the
// phrase starts this word completes. The loops are free of branches but for
// the bound and the varint length: a branch for a common word, whose gaps
// are nearly always one byte, and none for a rarer one, whose gaps mix one
// and two (varint12). There is a loop for each mode, the same but for its
// last statement: a branch on count at each position cost 4-7% of a phrase
// of two common words, and a decoding helper shared by the loops would not
// be inlined (it calls uvarint).
func (c *cursor) positionBits(set []uint64, off uint32, count bool) int {
	pos, pi, k := c.posBound()
	dense := c.end > 0 // reached by at: a common word, whose gaps are one byte
	// p-off below len(set) bits, in one comparison: p < off wraps around.
	limit := uint32(len(set)) * 64
	p, n := uint32(0), uint64(0)
	if count {
		for ; k > 0 && pi < len(pos); k-- {
			if x := pos[pi]; dense && x < 0x80 {
				p += uint32(x)
				pi++
			} else if d, m := varint12(pos, pi); m > 0 {
				p += d
				pi += m
			} else {
				d, pi = uvarint(pos, pi)
				p += d
			}
			if x := p - off; x < limit {
				n += set[x>>6] >> (x & 63) & 1
			}
		}
	} else {
		for ; k > 0 && pi < len(pos); k-- {
			if x := pos[pi]; dense && x < 0x80 {
				p += uint32(x)
				pi++
			} else if d, m := varint12(pos, pi); m > 0 {
				p += d
				pi += m
			} else {
				d, pi = uvarint(pos, pi)
				p += d
			}
			if x := p - off; x < limit {
				set[x>>6] |= 1 << (x & 63)
			}
		}
	}
	c.pi, c.tf = pi, 0
	return int(n)
}

// posBound returns the current document's positions as far as they are
// known to go, its first position's offset and how many positions to
// decode at most: tf from next and seek, the document's end from at.
func (c *cursor) posBound() ([]byte, int, uint32) {
	pi := c.skipPositions()
	if c.end > 0 {
		return c.pos[:c.end], pi, math.MaxUint32
	}
	return c.pos, pi, c.tf
}

// skipPositions passes the positions of the documents next went over and
// returns the offset of the current document's first position.
func (c *cursor) skipPositions() int {
	if c.skip > 0 {
		c.pi = skipVarints(c.pos, c.pi, c.skip)
		c.skip = 0
	}
	return c.pi
}

// keepShifted keeps the starts s (sorted, not empty) for which s+shift is a
// position of the current document, decoding its positions only as far as
// the last start needs; the rest are left for the lazy skip.
func (c *cursor) keepShifted(starts []uint32, shift uint32) []uint32 {
	pos, pi, n := c.posBound()
	out := starts[:0]
	j := 0
	want := starts[0] + shift
	p, k := uint32(0), uint32(0)
	for k < n && pi < len(pos) {
		if x := pos[pi]; x < 0x80 {
			p += uint32(x)
			pi++
		} else {
			var d uint32
			d, pi = uvarint(pos, pi)
			p += d
		}
		k++
		if p < want {
			continue
		}
		for p > want {
			if j++; j == len(starts) {
				goto done
			}
			want = starts[j] + shift
		}
		if p == want {
			out = append(out, starts[j])
			if j++; j == len(starts) {
				goto done
			}
			want = starts[j] + shift
		}
	}
done:
	c.pi = pi
	c.skip = n - k
	c.tf = 0
	return out
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
