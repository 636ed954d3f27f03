package index

import (
	"encoding/binary"
	"strings"
)

// tokenizer turns batches of documents into encoded postings. One per Add
// worker: its dictionaries live across batches, so each distinct word is
// folded, stemmed and hashed into a string key once per worker, not once per
// occurrence (Zipf: a few thousand words make most of the text).
type tokenizer struct {
	buf   []byte
	surfs map[string]int32
	surf  []localSurf
	terms map[string]int32
	term  []localTerm
	// per batch
	batchTerms []int32
	batchSurfs []int32
	gen        int32
	// per document and field
	docTerms []int32
	docSurfs []int32
}

type localSurf struct {
	form     string
	term     int32
	isStem   bool
	exact    fieldBuf // only when !isStem
	gen      int32
	batchIdx int32
	df       uint32
}

type localTerm struct {
	stem        string
	body, title fieldBuf
	gen         int32
	batchIdx    int32
}

// fieldBuf accumulates one term's postings in one field for the current batch.
type fieldBuf struct {
	docs, pos []byte
	n         uint32
	base      DocNum
	last      DocNum
	inDoc     bool
	tf        uint32
	flag      bool
	lastPos   uint32
}

type batch struct {
	arena []byte
	docs  []batchDoc
	terms []batchTerm
	surfs []batchSurf
}

type batchDoc struct {
	doc       Doc
	published int64
	bodyLen   uint32
	titleLen  uint32
}

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
	return &tokenizer{surfs: make(map[string]int32), terms: make(map[string]int32)}
}

// lookup returns the local surface id of a folded word, stemming it the first
// time this worker sees it.
func (t *tokenizer) lookup(folded string) int32 {
	if id, ok := t.surfs[folded]; ok {
		return id
	}
	form := strings.Clone(folded)
	st := stem(form)
	tid, ok := t.terms[st]
	if !ok {
		tid = int32(len(t.term))
		t.terms[st] = tid
		t.term = append(t.term, localTerm{stem: st, gen: -1})
	}
	id := int32(len(t.surf))
	t.surfs[form] = id
	t.surf = append(t.surf, localSurf{form: form, term: tid, isStem: form == st, gen: -1})
	return id
}

func (t *tokenizer) batch(docs []Doc, first DocNum) *batch {
	t.gen++
	t.batchTerms = t.batchTerms[:0]
	t.batchSurfs = t.batchSurfs[:0]
	b := &batch{docs: make([]batchDoc, len(docs))}
	for i := range docs {
		d := &docs[i]
		n := first + DocNum(i)
		bd := &b.docs[i]
		bd.doc = *d
		if !d.Published.IsZero() {
			bd.published = d.Published.Unix()
		}
		bd.titleLen = t.field(n, d.Title, true)
		bd.bodyLen = t.field(n, d.Body, false)
	}
	t.pack(b)
	return b
}

// field indexes one field of document n and returns its length in tokens.
func (t *tokenizer) field(n DocNum, text string, title bool) uint32 {
	t.docTerms = t.docTerms[:0]
	t.docSurfs = t.docSurfs[:0]
	var pos uint32
	emit := func(_, _ int, folded string) bool {
		sid := t.lookup(folded)
		s := &t.surf[sid]
		if s.gen != t.gen {
			s.gen = t.gen
			s.batchIdx = int32(len(t.batchSurfs))
			t.batchSurfs = append(t.batchSurfs, sid)
		}
		lt := &t.term[s.term]
		if lt.gen != t.gen {
			lt.gen = t.gen
			lt.batchIdx = int32(len(t.batchTerms))
			t.batchTerms = append(t.batchTerms, s.term)
		}
		fb := &lt.body
		if title {
			fb = &lt.title
		}
		if !fb.inDoc {
			fb.inDoc = true
			fb.tf, fb.flag, fb.lastPos = 0, false, 0
			t.docTerms = append(t.docTerms, s.term)
		}
		fb.tf++
		fb.flag = fb.flag || s.isStem
		fb.pos = binary.AppendUvarint(fb.pos, uint64(pos-fb.lastPos))
		fb.lastPos = pos
		if !s.exact.inDoc {
			s.exact.inDoc = true
			t.docSurfs = append(t.docSurfs, sid)
		}
		pos++
		return true
	}
	if title {
		tokenize(text, &t.buf, emit)
	} else {
		// Link targets are not text: "[talks](https://x/y)" indexes "talks" only.
		rest := text
		for {
			i := strings.Index(rest, "](")
			if i < 0 {
				break
			}
			tokenize(rest[:i], &t.buf, emit)
			j := strings.IndexByte(rest[i:], ')')
			if j < 0 || strings.IndexByte(rest[i:i+j], ' ') >= 0 {
				rest = rest[i+1:]
				continue
			}
			rest = rest[i+j+1:]
		}
		tokenize(rest, &t.buf, emit)
	}
	for _, tid := range t.docTerms {
		lt := &t.term[tid]
		fb := &lt.body
		if title {
			fb = &lt.title
		}
		fb.inDoc = false
		fb.addDoc(n, fb.tf<<1|b2u(fb.flag))
	}
	for _, sid := range t.docSurfs {
		s := &t.surf[sid]
		s.exact.inDoc = false
		s.df++ // per field: an estimate, only used to rank prefix expansions
		if !s.isStem && (s.exact.n == 0 || s.exact.last != n) {
			s.exact.addDoc(n, 0)
		}
	}
	return pos
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
	fb.docs = binary.AppendUvarint(fb.docs, uint64(n-fb.last))
	if payload != 0 {
		fb.docs = binary.AppendUvarint(fb.docs, uint64(payload))
	}
	fb.last = n
	fb.n++
}

// pack copies the batch's postings into one exactly sized arena, so the
// workers' growable buffers are reused and the index holds no slack.
func (t *tokenizer) pack(b *batch) {
	size := 0
	for _, tid := range t.batchTerms {
		lt := &t.term[tid]
		size += len(lt.body.docs) + len(lt.body.pos) + len(lt.title.docs) + len(lt.title.pos)
	}
	for _, sid := range t.batchSurfs {
		size += len(t.surf[sid].exact.docs)
	}
	arena := make([]byte, 0, size)
	seg := func(fb *fieldBuf) segment {
		if fb.n == 0 {
			return segment{}
		}
		s := segment{base: fb.base, last: fb.last, n: fb.n, off: uint32(len(arena)),
			docLen: uint32(len(fb.docs)), posLen: uint32(len(fb.pos))}
		arena = append(arena, fb.docs...)
		arena = append(arena, fb.pos...)
		fb.docs, fb.pos, fb.n = fb.docs[:0], fb.pos[:0], 0
		return s
	}
	b.terms = make([]batchTerm, len(t.batchTerms))
	for i, tid := range t.batchTerms {
		lt := &t.term[tid]
		b.terms[i] = batchTerm{stem: lt.stem, body: seg(&lt.body), title: seg(&lt.title)}
	}
	b.surfs = make([]batchSurf, len(t.batchSurfs))
	for i, sid := range t.batchSurfs {
		s := &t.surf[sid]
		b.surfs[i] = batchSurf{form: s.form, isStem: s.isStem, term: t.term[s.term].batchIdx, exact: seg(&s.exact), df: s.df}
		s.df = 0
	}
	b.arena = arena
}
