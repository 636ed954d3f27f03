package index

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// tokenizer turns batches of documents into encoded postings. One per
// Builder: its dictionaries live across batches, so each distinct word is
// folded, stemmed and hashed into a string key once per builder, not once
// per occurrence (Zipf: a few thousand words make most of the text).
//
// The hot path is per token, in one pass: fold the word into a fixed buffer
// while hashing it, find its local surface id in an open-addressing table
// (no allocation, keys packed in one byte slice so the table stays in
// cache), then append the position delta straight to the term's chain of
// position blocks in pool (see chain), count the term and spot pairs of
// function words. Document entries are written once per distinct term per
// field (flush). pack then lays each term's chains out in the exactly
// sized arena with a few large copies; nothing is sorted or replayed.
type tokenizer struct {
	// Surface dictionary: slots hold sid+1, 0 when empty; the hash and key
	// to compare are in surf[sid], which the token needs next anyway.
	slots []uint32
	keys  []byte   // folded forms, concatenated
	koff  []uint32 // by sid: start of its form in keys; the end is koff[sid+1]
	// Dense per-surface data, indexed by sid, for the per-token loop.
	surf     []surfTok
	surfB    []surfBatch
	surfForm []string
	exact    []fieldBuf // by sid; only forms that differ from their stem use theirs
	terms    map[string]int32
	stems    []string                 // by term id
	tt       []termTok                // by term id: per-token state
	tf       []termField              // by term id*2 + field (0 body, 1 title): the batch's postings
	termIdx  []int32                  // by term id: its index in batch.terms
	pairTid  []int32                  // by stop index pair a*len(pairWords)+b: the pair's term id, -1 until seen
	pool     []byte                   // the batch's postings in chains of blocks, reused batch after batch
	lbuf     [maxTokenBytes + 16]byte // folded ASCII word, with room for 8-byte stores
	sbuf     []byte                   // folded non-ASCII word
	// per batch
	batchTerms []int32
	batchSurfs []int32
	gen        int32
	tgen       uint16 // gen for terms, kept in termTok: wraps, then every term's is reset
	// per field
	fld      uint32 // 0 body, 1 title
	npos     uint32 // tokens so far: the next token's position
	prevStop int8   // pair index of the previous token, -1 when it is no pair word
	base     int    // byte offset in the field of the text being tokenized
	ck       []uint32
	stamp    uint32
	// Distinct terms and surfaces in order of first occurrence: the first
	// nterm and nsurf entries. Every token stores its id at the end and
	// counts it only when new, without a branch to mispredict; there is
	// room for one id per token of the field (room).
	docTerms []int32
	docSurfs []int32
	nterm    uint32
	nsurf    uint32
	room     uint32
	// Pairs of function words, by (prevStop+1)*pairSlots + stop+1: counts
	// in the current field, and the distinct ones in order of first
	// occurrence (a 0 in either place is no pair: counted, then ignored).
	pairCnt  [pairSlots * pairSlots]uint32
	pairList [pairSlots*pairSlots + 1]uint16
	npair    uint32
	// keepToks makes tokens record every token's term id in toks (tests).
	keepToks bool
	toks     []uint32
	// Neighbour bits (near.go), by term id: the stem's hash, the bits of
	// the current field (the low byte; the high one, its pair neighbours:
	// pairnear.go), and for the terms tracked in this batch 1 + the index of
	// their bits by document in nearArr (0 for the others). prevTid is the
	// field's previous token's term, -1 at its start. pairNear is, by term
	// id, whether its body postings in this batch end each document's
	// positions with its pair neighbours.
	thash     []uint8
	nbits     []uint16
	pairNear  []bool
	nearAt    []int32
	nearArr   [][]uint8
	prevTid   int32
	prevHash  uint8
	batchDocs int
}

// surfBatch is a surface's state for the current batch, touched once per
// field it occurs in.
type surfBatch struct {
	gen int32  // batch the surface was last seen in
	df  uint32 // fields seen in this batch
}

// surfTok is a surface's state touched by every token, with its key: the
// lookup that finds it brings the rest into the cache.
type surfTok struct {
	key   uint64 // the form zero-padded when it has up to 8 bytes (no form holds a NUL), else 0
	hash  uint32
	term  uint32 // term id << 1 | isStem
	stamp uint32 // field stamp of the last field the surface occurred in
	near  uint8  // nearHash of the term's stem (near.go)
	_     [3]uint8
}

// pairSlots is the number of pair-word indexes plus one for "none".
const pairSlots = uint32(len(pairWords) + 1)

// termTok is a term's state touched by every token and by its document
// entries, 32 bytes: the write windows of its body chains are here, where
// flush finds them in the cache; titles (a few tokens each) keep theirs in
// the term's termField. A window (cur, left) is the next byte to write in
// pool and the bytes left in that block; (0, 0) when there is no block yet.
type termTok struct {
	cnt     uint32 // occurrences in the current field
	lastPos uint32 // position of the last of them; 0 between fields
	pcur    uint32 // body positions window
	pleft   uint16
	flg     uint8  // the stem form itself occurred in the current field
	stop    int8   // index in pairWords, -1 for other words, -2 for pair terms
	dcur    uint32 // body document entries window
	dleft   uint16
	tgen    uint16 // tokenizer.tgen of the last batch the term was in
	dlast   DocNum // last document of the body postings in this batch
	dn      uint32 // documents of the body postings in this batch
}

// termField is a term's postings in one field for the current batch. For
// the body, n, last and the windows of the chains live in termTok.
type termField struct {
	n          uint32 // documents
	base, last DocNum
	docs       chain
	pos        chain // for the body, cur and end live in termTok
}

// chain is a byte stream written in blocks of pool, so that every term's
// postings grow where they are without being copied: block k holds
// blockPayload(k) bytes and then the little-endian pool offset of block k+1.
// Small first blocks keep rare terms cheap; doubling ones keep common terms
// in few blocks.
type chain struct {
	head     uint32 // first block
	cur, end uint32 // write cursor and end of the current block's payload; end 0: no block yet
	full     uint32 // bytes in the blocks before the current one
	lvl      uint32 // index of the current block
}

const maxBlockLvl = 8

// blockPayload is the payload of block k of a chain: 12 bytes, doubling up
// to 4 KiB blocks.
func blockPayload(k uint32) uint32 { return 16<<min(k, maxBlockLvl) - 4 }

// chainLen is the number of bytes written to a chain whose current block
// ends at end and is written up to cur.
func chainLen(c *chain, cur, end uint32) uint32 {
	if end == 0 {
		return 0
	}
	return c.full + cur - (end - blockPayload(c.lvl))
}

// poolPerText8 is the eighths of a batch's text bytes its pool is sized
// to: 4,096 synthetic articles, 17.6 MB of text, need 10.7 MB of chains.
const poolPerText8 = 5

// alloc appends a block of level k to pool and returns its offset.
func (t *tokenizer) alloc(k uint32) uint32 {
	off := len(t.pool)
	n := off + int(blockPayload(k)) + 4
	if n > cap(t.pool) {
		// Doubling up to 1 MiB, then a quarter more at a time: the pool is
		// kept for every later batch, and doubling left a 4,096-document
		// batch's 10.7 MB in 16.8 MB (11.6 MB now), per worker, until the
		// end of the load, where memory peaks.
		grow := cap(t.pool)
		if grow > 1<<20 {
			grow /= 4
		}
		p := make([]byte, off, max(cap(t.pool)+grow, n, 1<<16))
		copy(p, t.pool)
		t.pool = p
	}
	t.pool = t.pool[:n]
	return uint32(off)
}

// nextBlock moves a full (or not yet started) chain to a new block.
func (t *tokenizer) nextBlock(c *chain, cur, end *uint32) {
	if *end == 0 {
		s := t.alloc(0)
		c.head, c.full, c.lvl = s, 0, 0
		*cur, *end = s, s+blockPayload(0)
		return
	}
	c.full += blockPayload(c.lvl)
	c.lvl++
	s := t.alloc(c.lvl)
	binary.LittleEndian.PutUint32(t.pool[*end:], s)
	*cur, *end = s, s+blockPayload(c.lvl)
}

// put appends the bytes of b to a chain.
func (t *tokenizer) put(c *chain, cur, end *uint32, b []byte) {
	for len(b) > 0 {
		if *cur == *end {
			t.nextBlock(c, cur, end)
		}
		k := copy(t.pool[*cur:*end], b)
		*cur += uint32(k)
		b = b[k:]
	}
}

// copyChain copies the first n bytes of a chain to dst.
func (t *tokenizer) copyChain(dst []byte, c *chain, n uint32) {
	addr := c.head
	for k := uint32(0); ; k++ {
		p := blockPayload(k)
		if n <= p {
			copy(dst[:n], t.pool[addr:addr+n])
			return
		}
		copy(dst[:p], t.pool[addr:addr+p])
		dst = dst[p:]
		n -= p
		addr = binary.LittleEndian.Uint32(t.pool[addr+p:])
	}
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

// batchSpare holds the slices of a merged Batch for the next one to reuse:
// a batch's documents, checkpoints, terms and surfaces are garbage once
// merged, and at 100,000 articles they were about 90 MB of the load's
// allocations, which is what the heap peaks on between collections.
type batchSpare struct {
	docs  []batchDoc
	ck    []uint32
	terms []batchTerm
	surfs []batchSurf
}

// batchSpares holds *batchSpare: merge puts back, tokenizer.batch takes.
var batchSpares sync.Pool

// recycle gives a merged batch's slices to the next batch, cleared so that
// they hold on to no text.
func (b *Batch) recycle() {
	clear(b.docs)
	clear(b.terms)
	clear(b.surfs)
	batchSpares.Put(&batchSpare{docs: b.docs[:0], ck: b.ck[:0], terms: b.terms[:0], surfs: b.surfs[:0]})
	b.docs, b.ck, b.terms, b.surfs = nil, nil, nil, nil
}

type batchDoc struct {
	doc       Doc
	published int64
	bodyLen   uint32
	titleLen  uint32
	nck       uint32 // checkpoints of this body in batch.ck
}

// pairWords are the 24 most frequent English words, in the order of the
// Brown corpus ranking (Kucera and Francis), which they lead with function
// words only. Each adjacent pair of them is indexed as a term of its own
// (key "of the": see pairKey), with documents and counts but no positions,
// as Lucene's CommonGrams does. A two-word phrase of them otherwise
// intersects two position lists that cover nearly every document:
// milliseconds at 100,000 articles. A pair is found from a dense table by
// the two words' indexes, so a token costs the same whatever the list's
// length (at most 127: see tokenizer.prevStop); what grows is one posting
// per distinct pair per document: 12 words cost about 43 per synthetic
// article, 24 about 74 (+11 MB at 100,000 articles), the 67 function words
// of the top hundred about 140 (+28 MB).
// Fixed, so that the index and queries agree without storing it.
var pairWords = [...]string{
	"the", "of", "and", "to", "a", "in", "that", "is", "was", "he",
	"for", "it", "with", "as", "his", "on", "be", "at", "by", "i",
	"this", "had", "not", "are",
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
	near        []uint8 // neighbour bits by document, for a tracked term (near.go)
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
		slots:    make([]uint32, 1<<12),
		koff:     []uint32{0},
		terms:    make(map[string]int32),
		prevStop: -1,
		prevTid:  -1,
		keepToks: true,
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
		sf := &t.surf[s-1]
		if len(w) <= 8 {
			// The whole form is in the key, and no short form has key 0.
			if sf.key == short {
				return s - 1
			}
			continue
		}
		if sf.hash == h && unsafeString(t.keys[t.koff[s-1]:t.koff[s]]) == unsafeString(w) {
			return s - 1
		}
	}
}

func (t *tokenizer) insert(slot, h uint32, w []byte, short uint64) uint32 {
	sid := uint32(len(t.surfForm))
	t.slots[slot] = sid + 1
	t.keys = append(t.keys, w...)
	t.koff = append(t.koff, uint32(len(t.keys)))
	form := string(w)
	st := stem(form)
	tid := t.termID(st)
	isStem := form == st
	t.surfForm = append(t.surfForm, form)
	sf := surfTok{hash: h, term: uint32(tid)<<1 | uint32(b2u(isStem)), near: t.thash[tid]}
	if len(w) <= 8 {
		sf.key = short
	}
	t.surf = append(t.surf, sf)
	t.surfB = append(t.surfB, surfBatch{gen: -1})
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
	t.tt = append(t.tt, termTok{stop: int8(si)})
	t.thash = append(t.thash, nearHash(st))
	t.nbits = append(t.nbits, 0)
	t.pairNear = append(t.pairNear, false)
	t.nearAt = append(t.nearAt, 0)
	t.tf = append(t.tf, termField{}, termField{})
	t.termIdx = append(t.termIdx, 0)
	return tid
}

// pairTerm returns the local term id of the pair of function words a b.
func (t *tokenizer) pairTerm(a, b int8) uint32 {
	if t.pairTid == nil {
		t.pairTid = make([]int32, len(pairWords)*len(pairWords))
		for i := range t.pairTid {
			t.pairTid[i] = -1
		}
	}
	i := int(a)*len(pairWords) + int(b)
	if t.pairTid[i] < 0 {
		tid := t.termID(pairKey(pairWords[a], pairWords[b]))
		t.tt[tid].stop = -2
		t.pairTid[i] = tid
	}
	return uint32(t.pairTid[i])
}

// grow doubles the table, keeping it at most half full so probes stay short.
func (t *tokenizer) grow() {
	slots := make([]uint32, 2*len(t.slots))
	mask := uint32(len(slots) - 1)
	for _, s := range t.slots {
		if s == 0 {
			continue
		}
		i := t.surf[s-1].hash & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = s
	}
	t.slots = slots
}

// batch tokenizes docs into a Batch, numbering them from 0.
func (t *tokenizer) batch(docs []Doc) *Batch {
	t.keepToks = false
	t.gen++
	if t.tgen++; t.tgen == 0 { // wrapped: forget every term's
		for i := range t.tt {
			t.tt[i].tgen = 0
		}
		t.tgen = 1
	}
	t.batchTerms = t.batchTerms[:0]
	t.batchSurfs = t.batchSurfs[:0]
	t.batchDocs = len(docs)
	// The pool is empty between batches. Sized up front from the batch's
	// text, it is not grown a quarter at a time within a batch, which
	// copied it over and over (106 MB allocated at 100,000 articles); a
	// batch bigger than any before still allocates a new pool (75 MB in
	// all, as the loader's first runs are short).
	text := 0
	for i := range docs {
		text += len(docs[i].Title) + len(docs[i].Body)
	}
	if want := text / 8 * poolPerText8; cap(t.pool) < want {
		t.pool = make([]byte, 0, want)
	}
	spare, _ := batchSpares.Get().(*batchSpare)
	if spare == nil {
		spare = &batchSpare{}
	}
	b := &Batch{docs: slices.Grow(spare.docs[:0], len(docs))[:len(docs)], ck: spare.ck[:0]}
	b.terms, b.surfs = spare.terms[:0], spare.surfs[:0]
	for i := range docs {
		d := &docs[i]
		n := DocNum(i)
		bd := &b.docs[i]
		*bd = batchDoc{doc: *d}
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
	t.nterm, t.nsurf, t.npair = 0, 0, 0
	t.ck = t.ck[:0]
	t.npos = 0
	t.prevStop = -1
	t.prevTid = -1
	t.fld = b2u(title)
	t.stamp++
	if t.stamp == 0 { // wrapped: forget every stamp
		for i := range t.surf {
			t.surf[i].stamp = 0
		}
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
	t.flush(n)
	return t.npos
}

// tokens adds the tokens of s to the field. It splits words exactly as
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
		if i+8 <= len(s) {
			// Most words are shorter than eight bytes and end in an ASCII
			// byte other than an apostrophe: one load finds the end, folds
			// the word and hashes it (as below, in one partial chunk).
			v := load64(s, i)
			if nw := nonWordBytes(v); nw != 0 {
				n := bits.TrailingZeros64(nw) / 8 // >= 1: s[i] is a word byte
				if e := s[i+n]; e != '\'' && e < utf8.RuneSelf {
					key := (v | 0x2020202020202020) & (1<<(uint(8*n)&63) - 1)
					binary.LittleEndian.PutUint64(t.lbuf[:8], key)
					t.mark(i)
					i += n + 1 // s[i+n] is no word byte
					t.addSID(t.lookup(uint32(hashMix(uint64(n)*hashK0, key)>>32), t.lbuf[:n], key))
					continue
				}
			}
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
			mask := uint64(1)<<(uint(8*(n-k))&63) - 1 // n-k < 8
			if start+k+8 <= len(s) {
				v = load64(s, start+k) & mask
			} else {
				for x := k; x < n; x++ {
					v |= uint64(w[x]) << (uint(8*(x-k)) & 63)
				}
			}
			v |= 0x2020202020202020 & mask
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
	if t.npos%ckEvery == 0 && t.base >= 0 {
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

// addSID records one token of surface sid at the next position: its
// position delta goes straight to the term's position chain, and a pair of
// function words also counts for the pair's term (documents and counts, no
// positions): a phrase like "of the" then reads one short list instead of
// intersecting two position lists that cover every document. Whether a
// surface, term or pair is new in the field is close to a coin toss, so
// those are counted without branches.
func (t *tokenizer) addSID(sid uint32) {
	p := t.npos
	if p >= t.room {
		t.growRoom()
	}
	t.npos = p + 1
	sf := &t.surf[sid]
	ns := t.nsurf
	t.docSurfs[ns] = int32(sid)
	t.nsurf = ns + b2u(sf.stamp != t.stamp)
	sf.stamp = t.stamp
	x := sf.term
	tid := x >> 1
	tt := &t.tt[tid]
	nt := t.nterm
	t.docTerms[nt] = int32(tid)
	t.nterm = nt + b2u(tt.cnt == 0)
	tt.cnt++
	tt.flg |= uint8(x & 1)
	d := p - tt.lastPos
	tt.lastPos = p
	if pt := t.prevTid; pt >= 0 {
		t.nbits[tid] |= 1<<t.prevHash | uint16(pairBefore[(t.prevStop+1)&31])<<8
		t.nbits[pt] |= 16<<sf.near | uint16(pairAfter[(tt.stop+1)&31])<<8
	}
	t.prevTid, t.prevHash = int32(tid), sf.near
	if si := tt.stop; si >= -1 {
		pi := uint32(t.prevStop+1)*pairSlots + uint32(si+1)
		if pi < uint32(len(t.pairCnt)) {
			t.pairList[t.npair] = uint16(pi)
			t.npair += b2u(t.pairCnt[pi] == 0)
			t.pairCnt[pi]++
		}
		t.prevStop = si
	}
	if cur := tt.pcur; t.fld == 0 && tt.pleft >= 2 && d < 0x4000 {
		// One or two varint bytes in one store; a second byte that is
		// not part of it is overwritten by the next write.
		big := b2u(d >= 0x80)
		binary.LittleEndian.PutUint16(t.pool[cur:], uint16(d&0x7f|big<<7|d>>7<<8))
		tt.pcur = cur + 1 + big
		tt.pleft -= uint16(1 + big)
	} else {
		t.putPos(tid, d)
	}
	if t.keepToks {
		t.toks = append(t.toks, tid)
	}
}

// growRoom makes room for the ids of more tokens of the field.
func (t *tokenizer) growRoom() {
	n := max(2*len(t.docTerms), 1024)
	t.docTerms = append(t.docTerms[:len(t.docTerms)], make([]int32, n-len(t.docTerms))...)
	t.docSurfs = append(t.docSurfs[:len(t.docSurfs)], make([]int32, n-len(t.docSurfs))...)
	t.room = uint32(n)
}

// putUvarint writes v to b, which has room for any uint32, and returns its
// length.
func putUvarint(b []byte, v uint32) uint32 {
	_ = b[binary.MaxVarintLen32-1]
	if v < 0x80 {
		b[0] = byte(v)
		return 1
	}
	if v < 0x4000 {
		b[0] = byte(v) | 0x80
		b[1] = byte(v >> 7)
		return 2
	}
	return uint32(binary.PutUvarint(b, uint64(v)))
}

// putPairNear ends the positions of body term tid in the current document
// with its neighbours varint (pairnear.go), made from the term's neighbour
// bits nb of the document.
func (t *tokenizer) putPairNear(tid int32, nb uint16) {
	v := neighboursOf(nb)
	tt := &t.tt[tid]
	if cur := tt.pcur; tt.pleft >= 2 {
		// As in addSID: one store; a second byte that is not part of the
		// varint is overwritten by the next write.
		big := b2u(v >= 0x80)
		binary.LittleEndian.PutUint16(t.pool[cur:], uint16(v&0x7f|big<<7|v>>7<<8))
		tt.pcur = cur + 1 + big
		tt.pleft -= uint16(1 + big)
		return
	}
	var tmp [binary.MaxVarintLen32]byte
	t.putWin(&t.tf[2*tid].pos, &tt.pcur, &tt.pleft, tmp[:putUvarint(tmp[:], v)])
}

// putPos appends a position delta to the current field's chain of term
// tid, where the fast path in addSID cannot: in titles, near the end of a
// block, and for deltas of 16384 or more.
func (t *tokenizer) putPos(tid, d uint32) {
	var tmp [binary.MaxVarintLen32]byte
	b := tmp[:putUvarint(tmp[:], d)]
	if t.fld != 0 {
		c := &t.tf[2*tid+1].pos
		t.put(c, &c.cur, &c.end, b)
		return
	}
	tt := &t.tt[tid]
	t.putWin(&t.tf[2*tid].pos, &tt.pcur, &tt.pleft, b)
}

// winEnd is the end of a window's block, in the form chainLen takes.
func winEnd(cur uint32, left uint16) uint32 {
	if cur == 0 && left == 0 {
		return 0
	}
	return cur + uint32(left)
}

// putWin appends b to a chain whose write position is a window.
func (t *tokenizer) putWin(c *chain, cur *uint32, left *uint16, b []byte) {
	end := winEnd(*cur, *left)
	t.put(c, cur, &end, b)
	*left = uint16(end - *cur)
}

// flush writes the field's document entries, per distinct term the
// document delta and tf<<1|hasStemForm (its positions are written), and
// notes its surfaces.
func (t *tokenizer) flush(n DocNum) {
	t.flushTerms(t.docTerms[:t.nterm], n)
	// Pair terms come after the field's words, in order of first occurrence.
	k := 0
	for _, pi := range t.pairList[:t.npair] {
		c := t.pairCnt[pi]
		t.pairCnt[pi] = 0
		a, b := int8(uint32(pi)/pairSlots)-1, int8(uint32(pi)%pairSlots)-1
		if a < 0 || b < 0 {
			continue
		}
		pt := t.pairTerm(a, b)
		t.tt[pt].cnt = c
		t.docTerms[k] = int32(pt) // room for npair <= tokens
		k++
	}
	t.flushTerms(t.docTerms[:k], n)
	for _, sid := range t.docSurfs[:t.nsurf] {
		sb := &t.surfB[sid]
		if sb.gen != t.gen {
			sb.gen = t.gen
			t.batchSurfs = append(t.batchSurfs, sid)
		}
		sb.df++ // per field: an estimate, only used to rank prefix expansions
		if t.surf[sid].term&1 == 0 {
			if e := &t.exact[sid]; e.n == 0 || e.last != n {
				e.addDoc(n, 0)
			}
		}
	}
}

func (t *tokenizer) flushTerms(tids []int32, n DocNum) {
	f := t.fld & 1
	for _, tid := range tids {
		tt := &t.tt[tid]
		if tt.tgen != t.tgen {
			tt.tgen = t.tgen
			t.termIdx[tid] = int32(len(t.batchTerms))
			t.batchTerms = append(t.batchTerms, tid)
		}
		payload := tt.cnt<<1 | uint32(tt.flg)
		tt.cnt, tt.flg, tt.lastPos = 0, 0, 0
		nb := t.nbits[tid]
		t.nbits[tid] = 0
		if f == 0 {
			if t.pairNear[tid] {
				t.putPairNear(tid, nb)
			}
			bits := uint8(nb)
			if at := t.nearAt[tid]; at > 0 {
				t.nearArr[at-1][n] = bits
			} else if tt.stop == -1 && uint32(n)+1 >= nearMinDocs && (tt.dn+1)*nearDen >= (uint32(n)+1)*nearNum {
				t.trackNear(tid, n, bits)
			}
			if tt.dn == 0 {
				t.tf[2*uint32(tid)].base, tt.dlast = n, n
			}
			delta := uint32(n - tt.dlast)
			tt.dlast = n
			tt.dn++
			if cur := tt.dcur; tt.dleft >= 2*binary.MaxVarintLen32 {
				b := t.pool[cur : cur+2*binary.MaxVarintLen32]
				k := putUvarint(b, delta)
				k += putUvarint(b[k:], payload)
				tt.dcur, tt.dleft = cur+k, tt.dleft-uint16(k)
				continue
			}
			var tmp [2 * binary.MaxVarintLen32]byte
			k := putUvarint(tmp[:], delta)
			k += putUvarint(tmp[k:], payload)
			t.putWin(&t.tf[2*uint32(tid)].docs, &tt.dcur, &tt.dleft, tmp[:k])
			continue
		}
		tf := &t.tf[2*uint32(tid)+1]
		if tf.n == 0 {
			tf.base, tf.last = n, n
		}
		var tmp [2 * binary.MaxVarintLen32]byte
		k := putUvarint(tmp[:], uint32(n-tf.last))
		k += putUvarint(tmp[k:], payload)
		t.put(&tf.docs, &tf.docs.cur, &tf.docs.end, tmp[:k])
		tf.last = n
		tf.n++
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

// seg returns the segment of term tid in field f (n 0: none), placed at
// off, and resets the field's state for the next batch.
func (t *tokenizer) seg(tid int32, f int, off uint32) segment {
	tf := &t.tf[2*int(tid)+f]
	if f == 1 {
		sg := segment{base: tf.base, last: tf.last, n: tf.n, off: off,
			docLen: chainLen(&tf.docs, tf.docs.cur, tf.docs.end),
			posLen: chainLen(&tf.pos, tf.pos.cur, tf.pos.end)}
		return sg
	}
	tt := &t.tt[tid]
	sg := segment{base: tf.base, last: tt.dlast, n: tt.dn, off: off,
		docLen: chainLen(&tf.docs, tt.dcur, winEnd(tt.dcur, tt.dleft)),
		posLen: chainLen(&tf.pos, tt.pcur, winEnd(tt.pcur, tt.pleft))}
	if t.pairNear[tid] {
		sg.posLen |= pairNearFlag
	}
	return sg
}

// pack lays the batch's postings out in one exactly sized arena: per term
// and field its document entries then its positions, copied from their
// chains, then the exact-form postings.
func (t *tokenizer) pack(b *Batch) {
	size := 0
	for _, tid := range t.batchTerms {
		for f := range 2 {
			sg := t.seg(tid, f, 0)
			size += int(sg.docLen + sg.posBytes())
		}
	}
	for _, sid := range t.batchSurfs {
		size += len(t.exact[sid].docs)
	}
	arena := make([]byte, size)
	off := uint32(0)
	b.terms = slices.Grow(b.terms[:0], len(t.batchTerms))[:len(t.batchTerms)]
	clear(b.terms) // a spare's: only some fields are set below
	for i, tid := range t.batchTerms {
		bt := &b.terms[i]
		bt.stem = t.stems[tid]
		for f := range 2 {
			sg := t.seg(tid, f, off)
			if sg.n == 0 {
				continue
			}
			tf := &t.tf[2*int(tid)+f]
			t.copyChain(arena[off:], &tf.docs, sg.docLen)
			off += sg.docLen
			if n := sg.posBytes(); n > 0 {
				t.copyChain(arena[off:], &tf.pos, n)
				off += n
			}
			if f == 0 {
				bt.body = sg
				bt.near = t.batchNear(tid)
				tt := &t.tt[tid]
				t.pairNear[tid] = tt.stop == -1 && tt.dn*pairNearMinDen >= uint32(t.batchDocs) && tt.dn*pairNearMaxDen < uint32(t.batchDocs)
				tt.pcur, tt.pleft, tt.dcur, tt.dleft, tt.dn = 0, 0, 0, 0, 0
			} else {
				bt.title = sg
			}
			*tf = termField{}
		}
	}
	t.pool = t.pool[:0]
	t.nearArr = t.nearArr[:0]
	b.surfs = slices.Grow(b.surfs[:0], len(t.batchSurfs))[:len(t.batchSurfs)]
	for i, sid := range t.batchSurfs {
		x := t.surf[sid].term
		bs := &b.surfs[i]
		*bs = batchSurf{form: t.surfForm[sid], isStem: x&1 != 0, term: t.termIdx[x>>1], df: t.surfB[sid].df}
		t.surfB[sid].df = 0
		if e := &t.exact[sid]; e.n > 0 {
			bs.exact = segment{base: e.base, last: e.last, n: e.n, off: off, docLen: uint32(len(e.docs))}
			off += uint32(copy(arena[off:], e.docs))
			e.docs, e.n = e.docs[:0], 0
		}
	}
	b.arena = arena
}
