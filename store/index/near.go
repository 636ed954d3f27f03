package index

// Neighbour bits for the densest words. A phrase of two common words ("to
// more", "who of") has nearly every document as a candidate, and checking
// one means decoding both words' positions there: about 80 ns at 100,000
// articles, most of a 5 ms phrase. For each word in 70% or more of a
// batch's documents (pair words excepted: their phrases with each other
// have terms of their own), each document of the batch keeps one byte:
// bit h(w) for every word w right before one of the word's occurrences,
// and bit 4+h(w) for every word right after one, where h hashes a stem into
// 0..3. The tokenizer sets them as it goes, from each token and the one
// before it. A phrase led by such a word passes over a document whose byte
// lacks its neighbours' bits without reading any position.
//
// A byte only ever has too many bits, so no match is lost: the documents of
// a batch before the word was found to be that common in it have every bit
// set (nearAll), and a batch where it is not that common keeps no bytes
// for it (nil), read as all set.

// nearNum/nearDen is the share of a batch's documents that makes a word's
// neighbour bits worth keeping; below nearMinDocs documents into a batch
// no word is tracked yet.
const (
	nearNum, nearDen = 7, 10
	nearMinDocs      = 64
)

// useNear lets phrases use the neighbour bits; tests turn it off to
// compare.
var useNear = true

// nearAll is the byte of a document whose neighbours are unknown.
const nearAll = 0xff

// nearHash hashes a stem into 0..3, the same way when indexing and when
// searching (FNV-1a, top bits of a multiplicative mix).
func nearHash(stem string) uint8 {
	h := uint32(2166136261)
	for i := 0; i < len(stem); i++ {
		h = (h ^ uint32(stem[i])) * 16777619
	}
	return uint8((h * 0x9e3779b1) >> 30)
}

// trackNear starts keeping the neighbour bits of body term tid, now in
// enough of the batch's documents so far, at document n: the documents
// before it get nearAll.
func (t *tokenizer) trackNear(tid int32, n DocNum, bits uint8) {
	arr := make([]uint8, t.batchDocs)
	for i := range arr[:n] {
		arr[i] = nearAll
	}
	arr[n] = bits
	t.nearArr = append(t.nearArr, arr)
	t.nearAt[tid] = int32(len(t.nearArr))
}

// batchNear returns the neighbour bits of term tid for the batch when the
// term is in nearNum/nearDen of its documents (nil otherwise), and stops
// tracking it. Called by pack before the term's counts are reset.
func (t *tokenizer) batchNear(tid int32) []uint8 {
	at := t.nearAt[tid]
	if at == 0 {
		return nil
	}
	t.nearAt[tid] = 0
	arr := t.nearArr[at-1]
	t.nearArr[at-1] = nil
	if t.tt[tid].dn*nearDen < uint32(t.batchDocs)*nearNum {
		return nil
	}
	return arr
}

// addNear keeps a batch's neighbour bits of term tp alongside the body
// segment it just got, whose documents are first-based: each segment's
// bits are indexed from its own first document, and a segment without any
// (nil) has nearAll for all.
func (tp *termPostings) addNear(bits []uint8, first DocNum) {
	if bits == nil && tp.near == nil {
		return
	}
	for len(tp.near) < len(tp.body)-1 {
		tp.near = append(tp.near, nil) // earlier segments, not tracked
	}
	var seg []uint8
	if bits != nil {
		s := &tp.body[len(tp.body)-1]
		seg = bits[s.base-first : s.last-first+1]
	}
	tp.near = append(tp.near, seg)
}

// phraseNear is what phraseMatches needs of the neighbour bits: by word of
// the phrase, its term's bits by body segment (nil when untracked or not
// used), its hash, and for the neighbours varint (pairnear.go) its index in
// pairWords (-1 for other words).
type phraseNear struct {
	segs [][][]uint8
	hash []uint8
	pair []int16
}

// lead returns the bits by segment of the leading word and the bits that
// the phrase's words right before and after it need there; nil when it has
// none.
func (pn *phraseNear) lead(lead int, offs []uint32) ([][]uint8, uint8) {
	if pn == nil || pn.segs[lead] == nil {
		return nil, 0
	}
	var need uint8
	for i, o := range offs {
		switch {
		case o+1 == offs[lead]:
			need |= 1 << pn.hash[i]
		case o == offs[lead]+1:
			need |= 16 << pn.hash[i]
		}
	}
	return pn.segs[lead], need
}
