package index

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"unicode/utf8"
)

// tokenizer turns batches of documents into encoded postings. One per Add
// worker: its dictionaries live across batches, so each distinct word is
// folded, stemmed and hashed into a string key once per worker, not once per
// occurrence (Zipf: a few thousand words make most of the text).
//
// The hot path is per token: fold the word into a fixed buffer while hashing
// it, find its local surface id in an open-addressing table (no allocation,
// keys packed in one byte slice so the table stays in cache), and append the
// term id to the field's token list. Postings are written once per distinct
// term per document (in flush), so the scattered writes into per-term
// buffers happen a few hundred times per article rather than once per word.
type tokenizer struct {
	// Surface dictionary: slots hold hash<<32 | (sid+1), 0 when empty.
	slots []uint64
	skeys []uint64 // by slot: a form of up to 8 bytes, zero-padded (no form holds a NUL); 0 for longer ones
	keys  []byte   // folded forms, concatenated
	koff  []uint32 // by sid: start of its form in keys; the end is koff[sid+1]
	// Dense per-surface data, indexed by sid, for the per-token loop.
	surfTerm  []uint32 // term id << 1 | isStem
	surfStamp []uint32 // field stamp of the last field the surface occurred in
	surfDF    []uint32 // fields seen in this batch
	surfGen   []int32  // batch the surface was last seen in
	surfIdx   []int32  // its index in batch.surfs
	surfForm  []string
	exact     []fieldBuf // by sid; only forms that differ from their stem use theirs
	terms     map[string]int32
	stems     []string // by term id
	stopIdx   []int16  // by term id: index in pairWords, -1 for other words, -2 for pair terms
	pairTid   []int32  // by stop index pair a*len(pairWords)+b: the pair's term id, -1 until seen
	// Per term and field (index [0] body, [1] title), in dense arrays that
	// stay in cache: the batch's postings so far. The postings themselves go
	// to sequential streams (recs, dstream, pstream) and are only sorted
	// into per-term runs by pack, which writes each byte once into the
	// exactly sized arena: no per-term buffer is read (its head would miss
	// the cache once per distinct term per document) and nothing is copied
	// twice.
	st [2]termStats
	// Per batch, in document order: one record per (document, term, field).
	recTid  []uint32                 // term id, | 1<<31 for the title
	recDLen []uint8                  // bytes of its document entry in dstream
	recPEnd []uint32                 // end of its positions in pstream
	dstream []byte                   // document entries: varint doc delta, varint tf<<1|flag
	pstream []byte                   // position deltas
	termGen []int32                  // batch the term was last seen in
	termIdx []int32                  // its index in batch.terms
	lbuf    [maxTokenBytes + 16]byte // folded ASCII word, with room for 8-byte stores
	sbuf    []byte                   // folded non-ASCII word
	// per batch
	batchTerms []int32
	batchSurfs []int32
	gen        int32
	// per field
	base     int      // byte offset in the field of the text being tokenized
	ck       []uint32 // byte offset of every ckEvery-th token (bodies only)
	stamp    uint32
	toks     []uint32 // term id of each token, in position order
	cnt      []uint32 // by term id: occurrences in the current field
	flg      []uint8  // by term id: the stem form itself occurred
	off      []uint32 // by term id: scatter cursor into posBuf
	posBuf   []uint32 // positions grouped by term
	docTerms []int32
	docSurfs []int32
}

// termStats are per-term counters of one field for the current batch.
type termStats struct {
	n          []uint32 // documents
	base, last []DocNum
	dlen, plen []uint32 // bytes of document entries and positions
	w, pw      []uint32 // pack's write offsets into the arena
}

func (s *termStats) add() {
	s.n = append(s.n, 0)
	s.base = append(s.base, 0)
	s.last = append(s.last, 0)
	s.dlen = append(s.dlen, 0)
	s.plen = append(s.plen, 0)
	s.w = append(s.w, 0)
	s.pw = append(s.pw, 0)
}

// fieldBuf accumulates one form's exact postings for the current batch.
type fieldBuf struct {
	docs []byte
	n    uint32
	base DocNum
	last DocNum
	_    [28]byte // pad to 64 bytes: one cache line per term
}

// Batch is a set of documents tokenized by a Builder, waiting to be merged
// into its Index. Its postings number the documents from 0; Merge relocates
// them.
type Batch struct {
	merged bool
	arena  []byte
	ck     []uint32 // body token checkpoints, docs in order
	docs   []batchDoc
	terms  []batchTerm
	surfs  []batchSurf
}

type batchDoc struct {
	doc       Doc
	published int64
	bodyLen   uint32
	titleLen  uint32
	nck       uint32 // checkpoints of this body in batch.ck
}

// pairWords are the twelve most frequent English words. Each adjacent pair
// of them is indexed as a term of its own (key "of the": see pairKey), with
// documents and counts but no positions. A two-word phrase of them otherwise
// intersects two position lists that cover nearly every document: tens of
// milliseconds at 100,000 articles. Few words keep the cost (memory, build
// time: one more posting per pair of them per document) small.
// Fixed, so that the index and queries agree without storing it.
var pairWords = []string{
	"a", "and", "for", "in", "is", "it", "of", "on", "that", "the", "to", "was",
}

// pairIndex maps the stem of each pair word to its index in pairWords.
var pairIndex = func() map[string]int16 {
	m := make(map[string]int16, len(pairWords))
	for i, w := range pairWords {
		m[stem(w)] = int16(i)
	}
	return m
}()

// pairKey is the term of two adjacent function words (by stem). Folded words
// never hold a space, so it cannot collide with a word's term.
func pairKey(a, b string) string { return stem(a) + " " + stem(b) }

// ckEvery is the token interval of body checkpoints: the byte offset of
// every 32nd token lets a snippet start tokenizing near its best window
// instead of at the top of the body, for 1/32 of a uint32 per token.
const ckEvery = 32

type batchTerm struct {
	stem        string
	body, title segment
}

type batchSurf struct {
	form   string
	isStem bool
	term   int32 // index into batch.terms
	exact  segment
	df     uint32
}

func newTokenizer() *tokenizer {
	return &tokenizer{
		slots: make([]uint64, 1<<12),
		skeys: make([]uint64, 1<<12),
		koff:  []uint32{0},
		terms: make(map[string]int32),
	}
}

// Hash constants (from splitmix64 / murmur3's finaliser): any good 64-bit
// multiplicative mix works; the table only needs the top 32 bits spread.
const (
	hashK0 = 0x9E3779B97F4A7C15
	hashK1 = 0xBF58476D1CE4E5B9
)

func hashMix(h, v uint64) uint64 {
	h = (h ^ v) * hashK1
	return h ^ h>>29
}

// hashBytes hashes a folded word exactly as the ASCII fast path in tokens
// does: 8-byte little-endian chunks, the last one zero-padded.
func hashBytes(b []byte) uint32 {
	h := uint64(len(b)) * hashK0
	for len(b) >= 8 {
		h = hashMix(h, binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	if len(b) > 0 {
		var v uint64
		for i, c := range b {
			v |= uint64(c) << (8 * i)
		}
		h = hashMix(h, v)
	}
	return uint32(h >> 32)
}

// lookup returns the local surface id of the folded word w with hash h,
// stemming it the first time this worker sees it. short is w zero-padded to
// 8 bytes when it fits (most words do): then one compare decides.
func (t *tokenizer) lookup(h uint32, w []byte, short uint64) uint32 {
	mask := uint32(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return t.insert(i, h, w, short)
		}
		if uint32(s>>32) == h {
			if len(w) <= 8 {
				if t.skeys[i] == short {
					return uint32(s) - 1
				}
				continue
			}
			sid := uint32(s) - 1
			if unsafeString(t.keys[t.koff[sid]:t.koff[sid+1]]) == unsafeString(w) {
				return sid
			}
		}
	}
}

func (t *tokenizer) insert(slot, h uint32, w []byte, short uint64) uint32 {
	sid := uint32(len(t.surfForm))
	t.slots[slot] = uint64(h)<<32 | uint64(sid+1)
	if len(w) <= 8 {
		t.skeys[slot] = short
	}
	t.keys = append(t.keys, w...)
	t.koff = append(t.koff, uint32(len(t.keys)))
	form := string(w)
	st := stem(form)
	tid := t.termID(st)
	isStem := form == st
	t.surfForm = append(t.surfForm, form)
	t.surfTerm = append(t.surfTerm, uint32(tid)<<1|uint32(b2u(isStem)))
	t.surfStamp = append(t.surfStamp, 0)
	t.surfDF = append(t.surfDF, 0)
	t.surfGen = append(t.surfGen, -1)
	t.surfIdx = append(t.surfIdx, 0)
	t.exact = append(t.exact, fieldBuf{})
	if len(t.surfForm)*2 > len(t.slots) {
		t.grow()
	}
	return sid
}

// termID returns the local id of the term st, adding it when new.
func (t *tokenizer) termID(st string) int32 {
	if tid, ok := t.terms[st]; ok {
		return tid
	}
	tid := int32(len(t.stems))
	t.terms[st] = tid
	t.stems = append(t.stems, st)
	si, ok := pairIndex[st]
	if !ok {
		si = -1
	}
	t.stopIdx = append(t.stopIdx, si)
	t.st[0].add()
	t.st[1].add()
	t.termGen = append(t.termGen, -1)
	t.termIdx = append(t.termIdx, 0)
	t.cnt = append(t.cnt, 0)
	t.flg = append(t.flg, 0)
	t.off = append(t.off, 0)
	return tid
}

// pairTerm returns the local term id of the pair of function words a b.
func (t *tokenizer) pairTerm(a, b int16) uint32 {
	if t.pairTid == nil {
		t.pairTid = make([]int32, len(pairWords)*len(pairWords))
		for i := range t.pairTid {
			t.pairTid[i] = -1
		}
	}
	i := int(a)*len(pairWords) + int(b)
	if t.pairTid[i] < 0 {
		tid := t.termID(pairKey(pairWords[a], pairWords[b]))
		t.stopIdx[tid] = -2
		t.pairTid[i] = tid
	}
	return uint32(t.pairTid[i])
}

// grow doubles the table, keeping it at most half full so probes stay short.
func (t *tokenizer) grow() {
	slots := make([]uint64, 2*len(t.slots))
	skeys := make([]uint64, len(slots))
	mask := uint32(len(slots) - 1)
	for j, s := range t.slots {
		if s == 0 {
			continue
		}
		i := uint32(s>>32) & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = s
		skeys[i] = t.skeys[j]
	}
	t.slots, t.skeys = slots, skeys
}

// batch tokenizes docs into a Batch, numbering them from 0.
func (t *tokenizer) batch(docs []Doc) *Batch {
	t.gen++
	t.batchTerms = t.batchTerms[:0]
	t.batchSurfs = t.batchSurfs[:0]
	b := &Batch{docs: make([]batchDoc, len(docs))}
	for i := range docs {
		d := &docs[i]
		n := DocNum(i)
		bd := &b.docs[i]
		bd.doc = *d
		if !d.Published.IsZero() {
			bd.published = d.Published.Unix()
		}
		bd.titleLen = t.field(n, d.Title, true)
		bd.bodyLen = t.field(n, d.Body, false)
		b.ck = append(b.ck, t.ck...)
		bd.nck = uint32(len(t.ck))
	}
	t.pack(b)
	return b
}

// field indexes one field of document n and returns its length in tokens.
func (t *tokenizer) field(n DocNum, text string, title bool) uint32 {
	t.toks = t.toks[:0]
	t.docTerms = t.docTerms[:0]
	t.docSurfs = t.docSurfs[:0]
	t.ck = t.ck[:0]
	t.stamp++
	if t.stamp == 0 { // wrapped: forget every stamp
		clear(t.surfStamp)
		t.stamp = 1
	}
	if title {
		t.base = -1 // no checkpoints
		t.tokens(text)
	} else {
		// Link targets are not text: "[talks](https://x/y)" indexes "talks" only.
		rest := text
		for {
			i := strings.Index(rest, "](")
			if i < 0 {
				break
			}
			t.base = len(text) - len(rest)
			t.tokens(rest[:i])
			j := strings.IndexByte(rest[i:], ')')
			if j < 0 || strings.IndexByte(rest[i:i+j], ' ') >= 0 {
				rest = rest[i+1:]
				continue
			}
			rest = rest[i+j+1:]
		}
		t.base = len(text) - len(rest)
		t.tokens(rest)
	}
	t.flush(n, title)
	return uint32(len(t.toks))
}

// tokens appends the tokens of s to the field. It splits words exactly as
// tokenize does (TestIndexTokensMatchTokenize holds it to that), with the
// common case inlined: an ASCII word is lower-cased eight bytes at a time
// (word bytes and apostrophes all have bit 0x20 set once lower-cased, so
// OR-ing 0x20 folds them) and hashed in the same pass.
func (t *tokenizer) tokens(s string) {
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			switch {
			case isCJK(r):
				t.mark(i)
				t.sbuf = utf8.AppendRune(t.sbuf[:0], r)
				t.add(t.sbuf)
				i += n
			case isWordRune(r):
				i = slowToken(s, i, &t.sbuf, t.addSlow)
			default:
				i += n
			}
			continue
		}
		if !asciiWord[c] {
			i++
			continue
		}
		start := i
		j := i + 1
		for j < len(s) {
			// Eight bytes at a time while they are all ASCII word bytes;
			// the first other byte is then handled below.
			if j+8 <= len(s) {
				if nw := nonWordBytes(load64(s, j)); nw == 0 {
					j += 8
					continue
				} else {
					j += bits.TrailingZeros64(nw) / 8
				}
			}
			c := s[j]
			if c < utf8.RuneSelf && asciiWord[c] {
				j++
				continue
			}
			if c == '\'' && j+1 < len(s) && s[j+1] < utf8.RuneSelf && asciiWord[s[j+1]] {
				j += 2
				continue
			}
			break
		}
		if j < len(s) && s[j] >= utf8.RuneSelf {
			r, _ := utf8.DecodeRuneInString(s[j:])
			if (isWordRune(r) && !isCJK(r)) || r == '’' {
				i = slowToken(s, start, &t.sbuf, t.addSlow)
				continue
			}
		}
		i = j
		t.mark(start)
		n := min(j-start, maxTokenBytes)
		w := s[start : start+n]
		h := uint64(n) * hashK0
		k := 0
		for ; k+8 <= n; k += 8 {
			v := load64(w, k) | 0x2020202020202020
			binary.LittleEndian.PutUint64(t.lbuf[k:], v)
			h = hashMix(h, v)
		}
		if k < n {
			var v uint64
			if start+k+8 <= len(s) {
				v = load64(s, start+k) & (1<<(8*(n-k)) - 1)
			} else {
				for x := k; x < n; x++ {
					v |= uint64(w[x]) << (8 * (x - k))
				}
			}
			v |= 0x2020202020202020 & (1<<(8*(n-k)) - 1)
			binary.LittleEndian.PutUint64(t.lbuf[k:], v)
			h = hashMix(h, v)
		}
		var short uint64
		if n <= 8 {
			short = binary.LittleEndian.Uint64(t.lbuf[:8]) // zero-padded by the tail store
		}
		t.addSID(t.lookup(uint32(h>>32), t.lbuf[:n], short))
	}
}

// load64 reads 8 bytes of s at i, little-endian (one load on amd64/arm64).
// nonWordBytes returns v with the high bit set in each byte that is not an
// ASCII letter or digit (asciiWord), and no other bit: SWAR range tests on
// the low seven bits (x + 0x80-lo has its high bit set iff x >= lo, with no
// carry out of the byte), letters compared after OR-ing 0x20, which maps
// exactly A-Z onto a-z; non-ASCII bytes (high bit set) are never word bytes.
func nonWordBytes(v uint64) uint64 {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	y := v &^ high
	l := y | 0x20*ones
	letter := (l + (0x80-'a')*ones) &^ (l + (0x80-'z'-1)*ones)
	digit := (y + (0x80-'0')*ones) &^ (y + (0x80-'9'-1)*ones)
	return ^((letter | digit) &^ v) & high
}

func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// mark records a checkpoint when the token starting at byte i of the text
// being tokenized is a multiple of ckEvery.
func (t *tokenizer) mark(i int) {
	if len(t.toks)%ckEvery == 0 && t.base >= 0 {
		t.ck = append(t.ck, uint32(t.base+i))
	}
}

func (t *tokenizer) addSlow(start, _ int, folded string) bool {
	t.mark(start)
	// folded views t.sbuf, where slowToken folded the word.
	t.add(t.sbuf)
	return true
}

func (t *tokenizer) add(w []byte) {
	var short uint64
	if len(w) <= 8 {
		for i, c := range w {
			short |= uint64(c) << (8 * i)
		}
	}
	t.addSID(t.lookup(hashBytes(w), w, short))
}

// addSID records one token of surface sid at the next position.
func (t *tokenizer) addSID(sid uint32) {
	if t.surfStamp[sid] != t.stamp {
		t.surfStamp[sid] = t.stamp
		t.docSurfs = append(t.docSurfs, int32(sid))
	}
	x := t.surfTerm[sid]
	tid := x >> 1
	if t.cnt[tid] == 0 {
		t.docTerms = append(t.docTerms, int32(tid))
	}
	t.cnt[tid]++
	t.flg[tid] |= uint8(x & 1)
	t.toks = append(t.toks, tid)
}

// flush writes the field's postings: per distinct term the document delta,
// tf<<1|hasStemForm, and the positions, grouped by a counting sort of the
// field's tokens by term.
func (t *tokenizer) flush(n DocNum, title bool) {
	// Adjacent function words also make a pair term (documents and counts,
	// no positions): a phrase like "of the" then reads one short list
	// instead of intersecting two position lists that cover every document.
	prev := int16(-1)
	for _, tid := range t.toks {
		si := t.stopIdx[tid]
		if si >= 0 && prev >= 0 {
			pt := t.pairTerm(prev, si)
			if t.cnt[pt] == 0 {
				t.docTerms = append(t.docTerms, int32(pt))
			}
			t.cnt[pt]++
		}
		prev = si
	}
	run := uint32(0)
	for _, tid := range t.docTerms {
		if t.stopIdx[tid] != -2 {
			t.off[tid] = run
			run += t.cnt[tid]
		}
	}
	if cap(t.posBuf) < len(t.toks) {
		t.posBuf = make([]uint32, len(t.toks)+len(t.toks)/2)
	}
	pb := t.posBuf[:len(t.toks)]
	off := t.off
	for p, tid := range t.toks {
		pb[off[tid]] = uint32(p)
		off[tid]++
	}
	f := b2u(title)
	st := &t.st[f]
	for _, tid := range t.docTerms {
		if t.termGen[tid] != t.gen {
			t.termGen[tid] = t.gen
			t.termIdx[tid] = int32(len(t.batchTerms))
			t.batchTerms = append(t.batchTerms, tid)
		}
		c := t.cnt[tid]
		if st.n[tid] == 0 {
			st.base[tid], st.last[tid] = n, n
		}
		d0 := len(t.dstream)
		t.dstream = appendUvarint(t.dstream, uint32(n-st.last[tid]))
		t.dstream = appendUvarint(t.dstream, c<<1|uint32(t.flg[tid]))
		dl := len(t.dstream) - d0
		st.last[tid] = n
		st.n[tid]++
		st.dlen[tid] += uint32(dl)
		t.recTid = append(t.recTid, uint32(tid)|f<<31)
		t.recDLen = append(t.recDLen, uint8(dl))
		t.cnt[tid], t.flg[tid] = 0, 0
		if t.stopIdx[tid] != -2 {
			p0 := len(t.pstream)
			end := t.off[tid]
			pos := t.pstream
			prev := uint32(0)
			for _, p := range pb[end-c : end] {
				pos = appendUvarint(pos, p-prev)
				prev = p
			}
			t.pstream = pos
			st.plen[tid] += uint32(len(pos) - p0)
		}
		t.recPEnd = append(t.recPEnd, uint32(len(t.pstream)))
	}
	for _, sid := range t.docSurfs {
		if t.surfGen[sid] != t.gen {
			t.surfGen[sid] = t.gen
			t.surfIdx[sid] = int32(len(t.batchSurfs))
			t.batchSurfs = append(t.batchSurfs, sid)
		}
		t.surfDF[sid]++ // per field: an estimate, only used to rank prefix expansions
		if t.surfTerm[sid]&1 == 0 {
			if e := &t.exact[sid]; e.n == 0 || e.last != n {
				e.addDoc(n, 0)
			}
		}
	}
}

func appendUvarint(b []byte, v uint32) []byte {
	if v < 0x80 {
		return append(b, byte(v))
	}
	return binary.AppendUvarint(b, uint64(v))
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// addDoc appends document n with payload (tf<<1|flag; none for exact-form
// postings, which pass 0 and are decoded without it).
func (fb *fieldBuf) addDoc(n DocNum, payload uint32) {
	if fb.n == 0 {
		fb.base, fb.last = n, n
	}
	fb.docs = appendUvarint(fb.docs, uint32(n-fb.last))
	if payload != 0 {
		fb.docs = appendUvarint(fb.docs, payload)
	}
	fb.last = n
	fb.n++
}

// pack lays the batch's postings out in one exactly sized arena: per term
// and field its document entries then its positions, filled by replaying
// the record streams in document order, so every term's run comes out in
// order and the per-term state touched is a few dense counters.
func (t *tokenizer) pack(b *Batch) {
	size := 0
	for _, tid := range t.batchTerms {
		for f := range t.st {
			size += int(t.st[f].dlen[tid] + t.st[f].plen[tid])
		}
	}
	for _, sid := range t.batchSurfs {
		size += len(t.exact[sid].docs)
	}
	arena := make([]byte, size)
	off := uint32(0)
	b.terms = make([]batchTerm, len(t.batchTerms))
	for i, tid := range t.batchTerms {
		bt := &b.terms[i]
		bt.stem = t.stems[tid]
		for f := range t.st {
			st := &t.st[f]
			if st.n[tid] == 0 {
				continue
			}
			sg := segment{base: st.base[tid], last: st.last[tid], n: st.n[tid], off: off,
				docLen: st.dlen[tid], posLen: st.plen[tid]}
			st.w[tid] = off
			st.pw[tid] = off + sg.docLen
			off += sg.docLen + sg.posLen
			if f == 0 {
				bt.body = sg
			} else {
				bt.title = sg
			}
			st.n[tid], st.dlen[tid], st.plen[tid] = 0, 0, 0
		}
	}
	dp, pp := 0, 0
	for i, x := range t.recTid {
		st := &t.st[x>>31]
		tid := x &^ (1 << 31)
		dl := int(t.recDLen[i])
		w := st.w[tid]
		copy(arena[w:w+uint32(dl)], t.dstream[dp:dp+dl])
		st.w[tid] = w + uint32(dl)
		dp += dl
		if pe := int(t.recPEnd[i]); pe > pp {
			pw := st.pw[tid]
			copy(arena[pw:pw+uint32(pe-pp)], t.pstream[pp:pe])
			st.pw[tid] = pw + uint32(pe-pp)
			pp = pe
		}
	}
	t.recTid, t.recDLen, t.recPEnd = t.recTid[:0], t.recDLen[:0], t.recPEnd[:0]
	t.dstream, t.pstream = t.dstream[:0], t.pstream[:0]
	b.surfs = make([]batchSurf, len(t.batchSurfs))
	for i, sid := range t.batchSurfs {
		x := t.surfTerm[sid]
		bs := &b.surfs[i]
		*bs = batchSurf{form: t.surfForm[sid], isStem: x&1 != 0, term: t.termIdx[x>>1], df: t.surfDF[sid]}
		t.surfDF[sid] = 0
		if e := &t.exact[sid]; e.n > 0 {
			bs.exact = segment{base: e.base, last: e.last, n: e.n, off: off, docLen: uint32(len(e.docs))}
			off += uint32(copy(arena[off:], e.docs))
			e.docs, e.n = e.docs[:0], 0
		}
	}
	b.arena = arena
}
