package index

// Pair neighbours for mid-frequency words. Most of the benchmark's median
// phrases pair a function word with a word in 5-15% of the articles ("is
// pimarki", "mafe of"): the candidates are that word's documents, thousands
// of them, and checking one means finding the function word's positions
// there and merging them with the word's, about 60 ns at 100,000 articles.
// Yet in fewer than one candidate in ten does the function word stand right
// next to the word at all.
//
// So each document of such a word's body postings ends its positions with
// one more varint of 14 bits, the document's neighbours: bit i%4 for each
// pair word i (pairWords) right before one of the word's occurrences there,
// bit 4+i%3 for each one right after, and then the hashes (nearHash, 0..3)
// of every word right before (bits 7-10) and right after (bits 11-13, the
// hashes 2 and 3 sharing one). A phrase led by the word passes over a
// document whose varint lacks the bits of the words beside it, without
// reading any other word's postings. The pair bits are the sharper test:
// pair words are the neighbours of most phrases, and hashed among the
// dozens of other words around each occurrence they would let 21-30% of the
// median phrases' candidates through, against 4-15% (simulated on the
// corpus); the hashes still halve the candidates of a phrase of two other
// words. Measured at 100k: phrase p50 -12 to -19% with the pair bits, a
// further -7 to -12% with the hashes.
//
// Which words: those in 1/pairNearMinDen to 1/pairNearMaxDen of a batch's
// documents, pair words aside (their phrases with each other have terms of
// their own). A segment has the bytes for all its documents or for none
// (segment.pairNear), so the builder decides from a word's share of its
// previous batch: a builder's first batch has none. Rarer words have few
// candidates; words in 70% or more have neighbour bits by document
// (near.go); those between cost more memory than they save time at the
// median (measured with the pair bits alone: up to 1/3 of a batch, 4 MB
// more for the same p50).

// pairNearMinDen and pairNearMaxDen bound the share of a batch's documents
// a word must be in for its next batch's postings to carry pair neighbours:
// from 1/pairNearMinDen up to, not including, 1/pairNearMaxDen. At 100,000
// articles the varints cost 16.5 MB (7.3 MB as one byte of pair bits) and
// about 0.2 CPU-s of indexing.
const (
	pairNearMinDen = 25
	pairNearMaxDen = 6
)

// usePairNear lets phrases use the pair neighbours; tests turn it off to
// compare.
var usePairNear = true

// pairNearFlag is set in segment.posLen when each document's positions are
// followed by its neighbours varint.
const pairNearFlag = 1 << 31

// posBytes is the length of the segment's positions stream.
func (s *segment) posBytes() uint32 { return s.posLen &^ pairNearFlag }

// pairNear is 1 when each document's positions end with its neighbours
// varint, 0 otherwise.
func (s *segment) pairNear() uint32 { return s.posLen >> 31 }

// pairBefore and pairAfter are the bits a pair word sets in the byte of a
// word it stands right before or right after, indexed by its pairWords
// index + 1 (0, for no pair word, sets none). 32 entries so that any int8
// index + 1 masked with 31 is in range.
var pairBefore, pairAfter = func() (before, after [32]uint8) {
	for i := range pairWords {
		before[i+1] = 1 << (i % 4)
		after[i+1] = 16 << (i % 3)
	}
	return before, after
}()

// pairNeed returns the bits of the neighbours varint that a document of
// the leading word must have for the phrase to be there: those of its words
// right before and after the lead that are pair words. 0 when there are
// none.
func (pn *phraseNear) pairNeed(lead int, offs []uint32) uint32 {
	if pn == nil || !usePairNear {
		return 0
	}
	var need uint32
	for i, o := range offs {
		p := pn.pair[i] + 1 // 0 for other words, which set no pair bit
		switch {
		case o+1 == offs[lead]:
			need |= uint32(pairBefore[p]) | 1<<(anyBefore+pn.hash[i])
		case o == offs[lead]+1:
			need |= uint32(pairAfter[p]) | 1<<(anyAfter+min(pn.hash[i], 2))
		}
	}
	return need
}

// anyBefore and anyAfter are the first bits of the neighbours varint that
// hold the hashed words right before and right after.
const (
	anyBefore = 7
	anyAfter  = 11
)

// neighboursOf makes a document's neighbours varint from its neighbour bits
// as the tokenizer collects them: the pair bits in the high byte, the
// hashes (nearHash, 0..3) of every word before in bits 0-3 of the low one
// and of every word after in bits 4-7, whose last two share a bit here.
func neighboursOf(nb uint16) uint32 {
	after := nb >> 4 & 0xf
	return uint32(nb>>8) | uint32(nb&0xf)<<anyBefore | uint32(after&3|(after>>2&1|after>>3)<<2)<<anyAfter
}

// pairNeighbours returns the neighbours varint of the cursor's current
// document, whose positions it must not have read yet, and the offset in
// c.pos after it. It leaves the cursor as it was: the document's positions
// are only skipped over once, when it turns out to be no candidate
// (passNeighbours).
func (c *cursor) pairNeighbours() (uint32, int) {
	i := skipVarints(c.pos, c.pi, c.skip+c.tf)
	if x := c.pos[i]; x < 0x80 {
		return uint32(x), i + 1
	}
	return uvarint(c.pos, i)
}

// passNeighbours marks the current document's positions and neighbours
// varint, which end at offset i, as read, so that next moves on from i.
func (c *cursor) passNeighbours(i int) {
	c.pi, c.skip, c.tf = i, -c.trail, 0 // next adds the trail back
}
