// Package index is Tidings' full-text search engine: an in-memory inverted
// index over news articles with BM25 ranking, a forgiving query language,
// snippets and highlighting.
//
// Words are folded (lower case, no diacritics, ß -> ss), stemmed with the
// English Snowball stemmer, and indexed per field (title and body with
// positions, for phrases; source, section, author and tags as metadata
// values). Postings are delta- and varint-encoded in byte slices, one segment
// per term per batch of added documents, so a 100,000-article library costs a
// few bytes per word occurrence and building it allocates little. Adjacent
// pairs of the commonest words ("of the") are terms of their own, so that
// such phrases do not intersect lists covering every document; every 32nd
// body token's byte offset is kept, so that a snippet reads a few dozen
// tokens around its best window rather than the body up to it.
//
// CJK text is indexed one rune per token (unigrams); phrase queries over those
// positions match multi-character words.
//
// An Index is safe for concurrent use. Add tokenizes outside any lock and
// merges each batch under a short write lock, so searches keep running while
// articles are added or removed.
package index

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// DocNum is an internal document number, assigned by Add in order and never
// reused.
type DocNum uint32

// Doc is what the index needs of an article. The index keeps its title and
// body (sharing memory with the caller's strings) to build snippets; the
// rest is folded into per-document ids and times.
type Doc struct {
	Title, Source, Section, Author string
	Tags                           []string
	Body                           string // Markdown or plain text
	Published                      time.Time
}

// Index is an in-memory full-text index. The zero value is not usable; call
// New.
type Index struct {
	addMu sync.Mutex // serialises Add, so DocNums are handed out in merge order

	mu        sync.RWMutex
	docs      []docInfo
	published []int64     // by document, Unix seconds (0 unknown): dense for the ranking loop
	metaOf    [3][]uint32 // by document: value ids of source, section, author; dense for field filters
	deleted   []uint64    // bitset by document: tombstones, dense for the ranking loop
	live      int
	terms     map[string]uint32 // stem -> term id
	postings  []termPostings    // by term id
	surfs     map[string]uint32 // folded surface form -> surface id
	surfInfo  []surface         // by surface id
	sorted    []uint32          // surface ids ordered by form, for prefix search
	arenas    [][]byte          // encoded postings, one arena per merged batch
	bodyLens  []uint32          // tokens per document body, dense for BM25's inner loop
	ck        []uint32          // body checkpoints (byte offsets of every ckEvery-th token), docs in order
	ckAt      []uint32          // by document: its first checkpoint in ck; one extra entry at the end
	titleLens []uint32
	bodyLen   uint64 // token totals, for BM25's average field length
	titleLen  uint64
	meta      [4]metaField // source, section, author, tag
	minTime   int64
	maxTime   int64

	scratch sync.Pool // *evalScratch, sized to the index
	acc     *accel    // skip tables and bitsets derived at each merge (accel.go)
}

// docInfo is what the index keeps of each document beyond its postings:
// the text snippets are cut from, and its tags' value ids. (A whole Doc was
// 150 bytes a document, most of them copies of what the dense arrays hold.)
type docInfo struct {
	title, body string
	tags        []uint32
}

func (ix *Index) isDeleted(n DocNum) bool { return ix.deleted[n>>6]&(1<<(n&63)) != 0 }

// termPostings holds the segments of one stemmed term in the title and body.
type termPostings struct {
	body, title     []segment
	bodyDF, titleDF uint32
	surfaces        []uint32  // surface forms with this stem, for snippets
	near            [][]uint8 // by body segment: neighbour bits by document, for the densest words (near.go)
}

// surface is one folded word form. exact postings are kept only for forms
// that differ from their stem; for the others the tf flag in the stem's
// postings says whether the document has the form itself.
type surface struct {
	form   string
	term   uint32
	isStem bool
	exact  []segment
	df     uint32
}

// segment is the postings of one term in one merged batch. Documents are
// varint deltas from base, each followed by varint(tf<<1 | hasStemForm);
// positions are per document tf varint deltas, in a separate stream so
// that queries without phrases never read them, and for some words one more
// varint: the document's pair neighbours (pairnear.go).
type segment struct {
	base, last DocNum
	n          uint32 // documents
	arena      uint32
	off        uint32 // docs stream at arenas[arena][off:off+docLen]
	docLen     uint32
	posLen     uint32 // positions follow the docs stream; with pairNearFlag (see posBytes)
}

// metaField is a dictionary of folded metadata values.
type metaField struct {
	ids    map[string]uint32
	values []string          // folded words joined by spaces
	raw    map[string]uint32 // values as given (copied): most repeat, and folding costs more than a lookup
}

func (m *metaField) id(v string) uint32 {
	if id, ok := m.raw[v]; ok {
		return id
	}
	f := Fold(v)
	id, ok := m.ids[f]
	if !ok {
		id = uint32(len(m.values))
		m.ids[f] = id
		m.values = append(m.values, f)
	}
	if m.raw == nil {
		m.raw = make(map[string]uint32)
	}
	m.raw[strings.Clone(v)] = id
	return id
}

const (
	metaSource = iota
	metaSection
	metaAuthor
	metaTag
)

// New returns an empty index.
func New() *Index {
	ix := &Index{
		terms: make(map[string]uint32),
		surfs: make(map[string]uint32),
	}
	for i := range ix.meta {
		ix.meta[i].ids = make(map[string]uint32)
	}
	return ix
}

// Len returns the number of live (added and not removed) documents.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.live
}

// Remove tombstones document n: it no longer matches any query. Its postings
// stay (they are skipped) until the index is rebuilt; removing an unknown or
// removed document does nothing.
func (ix *Index) Remove(n DocNum) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if int(n) < len(ix.docs) && !ix.isDeleted(n) {
		ix.deleted[n>>6] |= 1 << (n & 63)
		ix.docs[n].title, ix.docs[n].body = "", "" // let the article's text be collected
		ix.live--
	}
}

// batchDocs is how many documents one worker tokenizes before its postings are
// packed and merged: big enough that a term has few segments, small enough
// that a write lock is held for milliseconds and both cores stay busy.
const batchDocs = 4096

// Add indexes docs and returns their numbers, in order. Big batches are
// tokenized by runtime.GOMAXPROCS workers, each with its own Builder; each
// batch is merged under a short write lock, so concurrent searches see the
// documents appear batch by batch.
func (ix *Index) Add(docs ...Doc) []DocNum {
	if len(docs) == 0 {
		return nil
	}
	ix.addMu.Lock()
	defer ix.addMu.Unlock()
	size := batchDocs
	workers := runtime.GOMAXPROCS(0)
	if len(docs) < size*workers {
		size = max(64, (len(docs)+workers-1)/workers)
	}
	nb := (len(docs) + size - 1) / size
	workers = min(workers, nb)
	results := make([]chan *Batch, nb)
	for i := range results {
		results[i] = make(chan *Batch, 1)
	}
	// Workers claim batches in order; a worker waits for no one, while the
	// merge below consumes batches in order so postings stay sorted.
	var next sync.Mutex
	claimed := 0
	for range workers {
		go func() {
			bld := ix.NewBuilder()
			for {
				next.Lock()
				b := claimed
				claimed++
				next.Unlock()
				if b >= nb {
					return
				}
				lo, hi := b*size, min((b+1)*size, len(docs))
				results[b] <- bld.Build(docs[lo:hi])
			}
		}()
	}
	nums := make([]DocNum, 0, len(docs))
	for _, ch := range results {
		nums = append(nums, ix.merge(<-ch)...)
	}
	return nums
}

// merge adds one tokenized batch to the index under the write lock, its
// documents numbered from the next free number, and returns their numbers.
// The caller holds addMu.
func (ix *Index) merge(b *Batch) []DocNum {
	if b.merged {
		panic("index: Batch merged twice")
	}
	b.merged = true
	ix.mu.Lock()
	defer ix.mu.Unlock()
	first := DocNum(len(ix.docs))
	nums := make([]DocNum, len(b.docs))
	for i := range nums {
		nums[i] = first + DocNum(i)
	}
	if len(b.docs) == 0 {
		return nums
	}
	// Postings were built with batch-local numbers: deltas stay valid, only
	// each segment's first and last document move.
	reloc := func(s *segment, arena uint32) {
		s.arena = arena
		s.base += first
		s.last += first
	}
	arena := uint32(len(ix.arenas))
	ix.arenas = append(ix.arenas, b.arena)
	if len(ix.ckAt) == 0 {
		ix.ckAt = append(ix.ckAt, 0)
	}
	// Per-document arrays grow by doubling: append's 1.25x steps for large
	// slices leave four to five times their final size as garbage over a
	// 100,000-article load, and that garbage is what peak memory is made of.
	n := len(b.docs)
	ix.docs = growDouble(ix.docs, n)
	ix.published = growDouble(ix.published, n)
	ix.bodyLens = growDouble(ix.bodyLens, n)
	ix.titleLens = growDouble(ix.titleLens, n)
	ix.ckAt = growDouble(ix.ckAt, n)
	for f := range ix.metaOf {
		ix.metaOf[f] = growDouble(ix.metaOf[f], n)
	}
	ix.ck = append(growDouble(ix.ck, len(b.ck)), b.ck...)
	for i := range b.docs {
		d := &b.docs[i]
		di := docInfo{title: d.doc.Title, body: d.doc.Body}
		ix.metaOf[metaSource] = append(ix.metaOf[metaSource], ix.meta[metaSource].id(d.doc.Source))
		ix.metaOf[metaSection] = append(ix.metaOf[metaSection], ix.meta[metaSection].id(d.doc.Section))
		ix.metaOf[metaAuthor] = append(ix.metaOf[metaAuthor], ix.meta[metaAuthor].id(d.doc.Author))
		for _, t := range d.doc.Tags {
			di.tags = append(di.tags, ix.meta[metaTag].id(t))
		}
		if d.published != 0 {
			if ix.minTime == 0 || d.published < ix.minTime {
				ix.minTime = d.published
			}
			ix.maxTime = max(ix.maxTime, d.published)
		}
		ix.bodyLen += uint64(d.bodyLen)
		ix.titleLen += uint64(d.titleLen)
		ix.docs = append(ix.docs, di)
		ix.published = append(ix.published, d.published)
		if len(ix.docs) > len(ix.deleted)*64 {
			ix.deleted = append(ix.deleted, 0)
		}
		ix.bodyLens = append(ix.bodyLens, d.bodyLen)
		ix.ckAt = append(ix.ckAt, ix.ckAt[len(ix.ckAt)-1]+d.nck)
		ix.titleLens = append(ix.titleLens, d.titleLen)
		ix.live++
	}
	termIDs := make([]uint32, len(b.terms))
	for i := range b.terms {
		bt := &b.terms[i]
		id, ok := ix.terms[bt.stem]
		if !ok {
			id = uint32(len(ix.postings))
			ix.terms[bt.stem] = id
			ix.postings = append(ix.postings, termPostings{})
		}
		termIDs[i] = id
		tp := &ix.postings[id]
		if bt.body.n > 0 {
			reloc(&bt.body, arena)
			tp.body = append(tp.body, bt.body)
			tp.bodyDF += bt.body.n
			tp.addNear(bt.near, first)
		}
		if bt.title.n > 0 {
			reloc(&bt.title, arena)
			tp.title = append(tp.title, bt.title)
			tp.titleDF += bt.title.n
		}
	}
	var fresh []uint32
	for i := range b.surfs {
		bs := &b.surfs[i]
		id, ok := ix.surfs[bs.form]
		if !ok {
			id = uint32(len(ix.surfInfo))
			ix.surfs[bs.form] = id
			term := termIDs[bs.term]
			ix.surfInfo = append(ix.surfInfo, surface{form: bs.form, term: term, isStem: bs.isStem})
			ix.postings[term].surfaces = append(ix.postings[term].surfaces, id)
			fresh = append(fresh, id)
		}
		s := &ix.surfInfo[id]
		s.df += bs.df
		if bs.exact.n > 0 {
			reloc(&bs.exact, arena)
			s.exact = append(s.exact, bs.exact)
		}
	}
	if len(fresh) > 0 {
		ix.sorted = mergeSorted(ix.sorted, fresh, func(a, b uint32) int {
			return strings.Compare(ix.surfInfo[a].form, ix.surfInfo[b].form)
		})
	}
	ix.accelMerged()
	b.recycle()
	return nums
}

// mergeSorted sorts fresh and merges it into sorted, which is kept in order
// so that prefix search is a binary search.
func mergeSorted(sorted, fresh []uint32, cmp func(a, b uint32) int) []uint32 {
	slices.SortFunc(fresh, cmp)
	out := make([]uint32, 0, len(sorted)+len(fresh))
	i, j := 0, 0
	for i < len(sorted) && j < len(fresh) {
		if cmp(sorted[i], fresh[j]) <= 0 {
			out = append(out, sorted[i])
			i++
		} else {
			out = append(out, fresh[j])
			j++
		}
	}
	out = append(out, sorted[i:]...)
	return append(out, fresh[j:]...)
}

// extendTo returns s lengthened to n elements, n >= len(s). When it must
// grow, its capacity becomes max(n, capHint). The elements past len(s) are
// zero provided s was never shortened: they are fresh memory or capacity
// never written.
func extendTo[T any](s []T, n, capHint int) []T {
	if n > cap(s) {
		grown := make([]T, len(s), max(n, capHint))
		copy(grown, s)
		s = grown
	}
	return s[:n]
}

// growDouble returns s with room for n more elements, doubling its capacity
// when it must grow.
func growDouble[T any](s []T, n int) []T {
	if len(s)+n <= cap(s) {
		return s
	}
	c := max(2*cap(s), len(s)+n)
	return append(make([]T, 0, c), s...)
}
