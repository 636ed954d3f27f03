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
// one more varint, a byte below 0x80: bit i%4 for each pair word i
// (pairWords) right before one of the word's occurrences there, and bit
// 4+i%3 for each one right after. A phrase led by the word passes over a
// document whose byte lacks the bits of the pair words beside it, without
// reading any other word's postings. Only pair words set bits: they are the
// neighbours of most phrases, and the dozens of other words around each
// occurrence would fill the byte. Other neighbours go unchecked. Over the
// benchmark's median phrases 4-15% of the candidates pass, against 21-30%
// with every neighbour hashed into four bits a side (simulated on the
// corpus).
//
// Which words: those in 1/pairNearMinDen to 1/pairNearMaxDen of a batch's
// documents, pair words aside (their phrases with each other have terms of
// their own). A segment has the bytes for all its documents or for none
// (segment.pairNear), so the builder decides from a word's share of its
// previous batch: a builder's first batch has none. Rarer words have few
// candidates; words in 70% or more have neighbour bits by document
// (near.go); those between cost more memory than they save time at the
// median (measured: up to 1/3 of a batch, 4 MB more for the same p50).

// pairNearMinDen and pairNearMaxDen bound the share of a batch's documents
// a word must be in for its next batch's postings to carry pair neighbours:
// from 1/pairNearMinDen up to, not including, 1/pairNearMaxDen. At 100,000
// articles they cost 7.3 MB and about 0.2 CPU-s of indexing.
const (
	pairNearMinDen = 25
	pairNearMaxDen = 6
)

// usePairNear lets phrases use the pair neighbours; tests turn it off to
// compare.
var usePairNear = true

// pairNearFlag is set in segment.posLen when each document's positions are
// followed by its pair neighbours byte.
const pairNearFlag = 1 << 31

// posBytes is the length of the segment's positions stream.
func (s *segment) posBytes() uint32 { return s.posLen &^ pairNearFlag }

// pairNear is 1 when each document's positions end with a pair neighbours
// byte (one more varint), 0 otherwise.
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

// pairNeed returns the bits of the pair neighbours byte that a document of
// the leading word must have for the phrase to be there: those of its words
// right before and after the lead that are pair words. 0 when there are
// none.
func (pn *phraseNear) pairNeed(lead int, offs []uint32) uint8 {
	if pn == nil {
		return 0
	}
	var need uint8
	for i, o := range offs {
		p := pn.pair[i]
		if p < 0 {
			continue
		}
		switch {
		case o+1 == offs[lead]:
			need |= pairBefore[p+1]
		case o == offs[lead]+1:
			need |= pairAfter[p+1]
		}
	}
	return need
}

// pairNeighbours returns the pair neighbours byte of the cursor's current
// document, whose positions it must not have read yet, and its offset in
// c.pos. It leaves the cursor as it was: the document's positions are only
// skipped over once, when it turns out to be no candidate (passNeighbours).
func (c *cursor) pairNeighbours() (uint8, int) {
	i := skipVarints(c.pos, c.pi, c.skip+c.tf)
	return c.pos[i], i
}

// passNeighbours marks the current document's positions and pair neighbours
// byte, at offset i, as read, so that next moves on from i+1.
func (c *cursor) passNeighbours(i int) {
	c.pi, c.skip, c.tf = i+1, -c.trail, 0 // next adds the trail back
}
