package index

import (
	"math"
	"math/bits"
)

// Query acceleration: side tables derived from the postings, never a change
// to their encoding. They are built for each batch at the end of merge
// (under its write lock) and only read by searches (under the read lock).
//
// Skip tables: every skipEvery-th posting of a long segment records the
// document before it and its offsets in the docs and positions streams, so a
// cursor jumps to a document (snippets visit 50 hits spread over the whole
// library; a phrase led by a rare word visits few documents of a common one)
// instead of decoding every posting and skipping every position before it.

// skipEvery is the postings interval of skip entries.
const skipEvery = 64

// skipMin is the shortest segment given a skip table: a shorter one is
// scanned faster than it is searched.
const skipMin = 4 * skipEvery

// skipEntry is where block k (postings k*skipEvery...) of a segment starts.
type skipEntry struct {
	prev   DocNum // document before the block's first (the segment's base for block 0)
	docOff uint32 // offset of the block's first entry in the docs stream
	posOff uint32 // offset of its first position in the positions stream
	// Block maxima for top-k pruning: a BM25 term weight grows with tf and
	// shrinks with the field's length, so f(maxTF, minLen) bounds every
	// posting of the block whatever the average length. Saturated at
	// 65535 (maxTF then means "no bound"; a smaller minLen only loosens it).
	maxTF, minLen uint16
}

// skipTable belongs to one segment, named by its arena and offset.
type skipTable struct {
	arena, off uint32
	e          []skipEntry
}

// termAccel holds the side tables of one term, aligned with its segments.
type termAccel struct {
	body, title []*skipTable // nil for short segments
	// docs is the set of documents with the term in the body or title,
	// for frequent terms (see bitsDiv), built from the first nb body and nt
	// title segments. Counting an intersection of frequent terms is then a
	// popcount over a few thousand words.
	docs   []uint64
	nb, nt int
	// pos finds a document's body positions directly, for the densest
	// words (posindex.go); nil for the others.
	pos *posIndex
}

// A term gets a document bitset once it is in more than 1/bitsDiv of the
// documents of an index of at least bitsMinDocs: N/8 bytes each, about 650
// terms at 100,000 articles.
const (
	bitsDiv     = 8
	bitsMinDocs = 4096
)

type accel struct {
	terms []termAccel // by term id
}

// accelOf returns the side tables of ix, or nil before its first merge.
// The caller holds ix.mu.
func accelOf(ix *Index) *accel { return ix.acc }

// accelMerged extends the side tables to the segments of the batch just
// merged. Called by merge with the write lock held.
func (ix *Index) accelMerged() {
	a := ix.acc
	if a == nil {
		a = &accel{}
		ix.acc = a
	}
	for len(a.terms) < len(ix.postings) {
		a.terms = append(a.terms, termAccel{})
	}
	for id := range ix.postings {
		tp := &ix.postings[id]
		ta := &a.terms[id]
		if len(ta.body) == len(tp.body) && len(ta.title) == len(tp.title) {
			continue
		}
		var set []uint64
		// Pair terms (no surface forms) are only read by phrases, through
		// a cursor: a bitset would be memory no query uses.
		if ta.docs == nil && len(tp.surfaces) > 0 && len(ix.docs) >= bitsMinDocs && int(tp.bodyDF+tp.titleDF) > len(ix.docs)/bitsDiv {
			// New: from all segments, including those merged before.
			ta.docs = make([]uint64, len(ix.docs)/64+1, cap(ix.bodyLens)/64+1)
			for i := range len(ta.body) {
				ix.setBits(ta.docs, &tp.body[i])
			}
			for i := range len(ta.title) {
				ix.setBits(ta.docs, &tp.title[i])
			}
		}
		if ta.docs != nil {
			if need := len(ix.docs)/64 + 1; len(ta.docs) < need {
				// Room for as many documents as the per-document arrays
				// have (growDouble): appending each batch's words
				// reallocated every bitset every few batches, 24 MB of
				// garbage at 100,000 articles.
				ta.docs = extendTo(ta.docs, need, cap(ix.bodyLens)/64+1)
			}
			set = ta.docs
		}
		if ta.pos == nil && len(ix.docs) >= bitsMinDocs && eligibleForPositions(tp) {
			ta.pos = &posIndex{}
		}
		if ta.pos != nil {
			ix.extendPositions(ta.pos, tp, cap(ix.bodyLens))
		}
		ta.body = ix.extendSkips(ta.body, tp.body, ix.bodyLens, set)
		ta.title = ix.extendSkips(ta.title, tp.title, ix.titleLens, set)
		if set != nil {
			ta.nb, ta.nt = len(tp.body), len(tp.title)
		}
	}
}

// setBits adds the documents of a segment (with payloads) to set.
func (ix *Index) setBits(set []uint64, s *segment) {
	p := ix.docsOf(s)
	d := s.base
	for i := 0; i < len(p); {
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
		set[d>>6] |= 1 << (d & 63)
	}
}

// docBits returns the document bitset of term id, or nil when there is
// none or it does not cover the term's postings.
func (a *accel) docBits(id uint32, tp *termPostings) []uint64 {
	if a == nil || int(id) >= len(a.terms) {
		return nil
	}
	ta := &a.terms[id]
	if ta.docs == nil || ta.nb != len(tp.body) || ta.nt != len(tp.title) {
		return nil
	}
	return ta.docs
}

// extendSkips builds the skip tables of the segments after tabs, adding
// their documents to set when it is not nil.
func (ix *Index) extendSkips(tabs []*skipTable, segs []segment, lens []uint32, set []uint64) []*skipTable {
	for i := len(tabs); i < len(segs); i++ {
		var t *skipTable
		if segs[i].n >= skipMin {
			t = ix.buildSkips(&segs[i], lens, set)
		} else if set != nil {
			ix.setBits(set, &segs[i])
		}
		tabs = append(tabs, t)
	}
	return tabs
}

func (ix *Index) buildSkips(s *segment, lens []uint32, set []uint64) *skipTable {
	t := &skipTable{arena: s.arena, off: s.off, e: make([]skipEntry, 0, (s.n+skipEvery-1)/skipEvery)}
	p, pos := ix.docsOf(s), ix.posOf(s)
	d, pi, pending, trail := s.base, 0, uint32(0), s.pairNear()
	for i := 0; i < len(p); {
		if len(pos) > 0 {
			pi = skipVarints(pos, pi, pending)
		}
		pending = 0
		e := skipEntry{prev: d, docOff: uint32(i), posOff: uint32(pi)}
		maxTF, minLen := uint32(0), uint32(math.MaxUint16)
		for c := 0; c < skipEvery && i < len(p); c++ {
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
			tf := payload >> 1
			pending += tf + trail
			maxTF = max(maxTF, tf)
			minLen = min(minLen, lens[d])
			if set != nil {
				set[d>>6] |= 1 << (d & 63)
			}
		}
		e.maxTF, e.minLen = uint16(min(maxTF, math.MaxUint16)), uint16(minLen)
		t.e = append(t.e, e)
	}
	return t
}

// skipsFor returns the skip tables of segs (the term id's postings in one
// field), or nil when they do not cover them (a merge path that did not
// build them): cursors then scan.
func (a *accel) skipsFor(id uint32, title bool, segs []segment) []*skipTable {
	if a == nil || int(id) >= len(a.terms) {
		return nil
	}
	tabs := a.terms[id].body
	if title {
		tabs = a.terms[id].title
	}
	if len(tabs) != len(segs) {
		return nil
	}
	return tabs
}

// skipTableOf returns the skip table of segment si, or nil when it has none
// or the table was built for another segment (the caller then scans it).
func skipTableOf(skips []*skipTable, si int, s *segment) *skipTable {
	if skips == nil {
		return nil
	}
	t := skips[si]
	if t == nil || t.arena != s.arena || t.off != s.off {
		return nil
	}
	return t
}

// jump moves the cursor, inside its current segment, to the start of the
// last block whose previous document is before d, when that is ahead.
func (c *cursor) jump(d DocNum) {
	t := skipTableOf(c.skips, c.si, &c.segs[c.si])
	if t == nil {
		return
	}
	e := t.e
	lo, hi := 0, len(e) // the first entry whose prev >= d is in [lo, hi]
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if e[m].prev < d {
			lo = m + 1
		} else {
			hi = m
		}
	}
	j := lo - 1
	if j < 0 || int(e[j].docOff) <= c.di {
		return
	}
	c.di, c.doc, c.pi = int(e[j].docOff), e[j].prev, int(e[j].posOff)
	c.skip, c.tf = -c.trail, 0 // as in enter: no document before it to add the trail of
}

// LiveBelow returns the number of live documents numbered below n.
func (ix *Index) LiveBelow(n DocNum) int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n = min(n, DocNum(len(ix.docs)))
	dead := 0
	for w := range int(n >> 6) {
		dead += bits.OnesCount64(ix.deleted[w])
	}
	if r := n & 63; r != 0 {
		dead += bits.OnesCount64(ix.deleted[n>>6] & (1<<r - 1))
	}
	return int(n) - dead
}
