package index

import (
	"math/bits"
)

// Direct position access for the densest words. A phrase pairing a rarer
// word with a function word ("to loru") visits the function word's postings
// at every document of the rarer one; a cursor gets there by scanning a
// dozen document entries and counting the positions of the documents it
// passes: a third or more of the phrase's time. For the few words whose positions
// average posIndexMinBytes or more a posting (the, of, to, and, a, in… at
// 100,000 articles: 13 words, 1.3 million postings, 2.6 MB), a side table
// finds document d's positions in a few loads: a bitset of the documents
// whose body has the word, ranked, gives the posting's number; a 16-bit
// offset per posting (from a 32-bit one every 64) gives its positions.

// usePosIndex lets phrases use the posIndex; tests turn it off to compare
// with the cursor path.
var usePosIndex = true

// posIndexMinBytes is the average size of a term's body positions, in bytes
// a posting, from which it gets a posIndex.
const posIndexMinBytes = 8

// posIndex belongs to one term's body postings.
type posIndex struct {
	has  []uint64 // documents whose body has the term
	rank []uint32 // by word of has: the set bits in the words before it
	segs []posSeg // by body segment
	ok   bool     // every segment's offsets fit (see posSeg)
}

// posSeg locates the positions of one segment's postings.
type posSeg struct {
	first uint32   // postings of the segments before this one
	block []uint32 // by 64 postings: the offset of the first one's positions
	rel   []uint16 // by posting: its positions' offset from its block's
}

// eligibleForPositions reports whether a term's body positions are dense
// enough to be worth a posIndex.
func eligibleForPositions(tp *termPostings) bool {
	if tp.bodyDF == 0 || len(tp.surfaces) == 0 { // pair terms have no positions
		return false
	}
	var n uint64
	for i := range tp.body {
		n += uint64(tp.body[i].posBytes())
	}
	return n >= posIndexMinBytes*uint64(tp.bodyDF)
}

// extendPositions adds the body segments of tp that x does not cover yet.
// docCap is the capacity the per-document arrays have, which the bitset
// takes too (see accelMerged).
func (ix *Index) extendPositions(x *posIndex, tp *termPostings, docCap int) {
	if len(x.segs) == 0 {
		x.ok = true
	}
	firstWord := -1
	for si := len(x.segs); si < len(tp.body); si++ {
		s := &tp.body[si]
		if firstWord < 0 {
			firstWord = int(s.base >> 6)
		}
		if need := int(s.last>>6) + 1; need > len(x.has) {
			x.has = extendTo(x.has, need, docCap/64+1)
		}
		ps := posSeg{block: make([]uint32, 0, (s.n+63)/64), rel: make([]uint16, s.n)}
		if si > 0 {
			prev := &x.segs[si-1]
			ps.first = prev.first + uint32(len(prev.rel))
		}
		docs, pos := ix.docsOf(s), ix.posOf(s)
		d, pi, k := s.base, 0, 0
		for i := 0; i < len(docs); k++ {
			var delta, payload uint32
			delta, i = uvarint(docs, i)
			payload, i = uvarint(docs, i)
			d += DocNum(delta)
			x.has[d>>6] |= 1 << (d & 63)
			if k%64 == 0 {
				ps.block = append(ps.block, uint32(pi))
			}
			rel := pi - int(ps.block[k/64])
			if rel > 0xffff { // a block of huge documents: read by cursor
				x.ok = false
			}
			ps.rel[k] = uint16(rel)
			pi = skipVarints(pos, pi, payload>>1+s.pairNear())
		}
		x.segs = append(x.segs, ps)
	}
	if firstWord < 0 {
		return
	}
	// Words from the first that changed (or the first without a rank yet)
	// get their ranks; those before keep theirs.
	from := min(firstWord, len(x.rank))
	if len(x.rank) < len(x.has) {
		x.rank = extendTo(x.rank, len(x.has), cap(x.has))
	}
	for w := max(from, 1); w < len(x.has); w++ {
		x.rank[w] = x.rank[w-1] + uint32(bits.OnesCount64(x.has[w-1]))
	}
}

// posFor returns the posIndex of term id, or nil when it has none that
// covers all of its body segments.
func (a *accel) posFor(id uint32, tp *termPostings) *posIndex {
	if a == nil || int(id) >= len(a.terms) {
		return nil
	}
	x := a.terms[id].pos
	if x == nil || !x.ok || len(x.segs) != len(tp.body) {
		return nil
	}
	return x
}

// at moves a cursor over body postings straight to document d through x,
// ready for its positions, and reports whether d has the term. Documents
// must come in increasing order; next and seek must not be used on a
// cursor moved by at.
func (c *cursor) at(x *posIndex, d DocNum) bool {
	w := int(d >> 6)
	if w >= len(x.has) || x.has[w]&(1<<(d&63)) == 0 {
		return false
	}
	segs := c.segs
	for c.si < len(segs) && segs[c.si].last < d {
		c.si++
	}
	if c.si >= len(segs) {
		return false // not reached: d is in the bitset
	}
	s, ps := &segs[c.si], &x.segs[c.si]
	r := x.rank[w] + uint32(bits.OnesCount64(x.has[w]&(1<<(d&63)-1))) - ps.first
	start := int(ps.block[r/64]) + int(ps.rel[r])
	end := int(s.posBytes())
	if r+1 < uint32(len(ps.rel)) {
		end = int(ps.block[(r+1)/64]) + int(ps.rel[r+1])
	}
	c.pos = c.ix.posOf(s)
	if s.pairNear() != 0 {
		// The document's neighbours varint is no position: its last byte
		// is right before end, and the byte before that is its first when
		// it has the high bit (a position's last byte has not).
		end--
		if end > start && c.pos[end-1] >= 0x80 {
			end--
		}
	}
	c.pi, c.skip, c.doc, c.end = start, 0, d, end
	return true
}
