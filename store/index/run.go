package index

import (
	"math"
	"runtime"
	"slices"
)

// Search returns the documents matching q, best first, with snippets for the
// returned hits. An empty query (or one with only exclusions and filters)
// matches every live document; by relevance those come newest first, and
// Total is then Len minus what was excluded or filtered.
func (ix *Index) Search(q Query, opts SearchOptions) Results {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := len(ix.docs)
	if n == 0 || ix.live == 0 {
		return Results{}
	}
	sc := ix.getScratch(n)
	defer ix.putScratch(sc)
	if opts.Below > 0 {
		for d := opts.Below; int(d) < n; d++ {
			sc.excl[d>>6] |= 1 << (d & 63)
		}
	}
	e := &eval{ix: ix, acc: accelOf(ix), sc: sc, n: float64(ix.live),
		avgBody: float64(ix.bodyLen) / float64(n), avgTitle: float64(ix.titleLen) / float64(n)}

	var scoring, preds, negs []group
	for _, g := range q.groups {
		switch {
		case g.neg:
			negs = append(negs, g)
		case g.textOnly():
			scoring = append(scoring, g)
		default:
			preds = append(preds, g)
		}
	}
	var negPreds []group
	for _, g := range negs {
		if g.textOnly() {
			e.neg = true
			e.atom(g.atoms[0])
		} else {
			negPreds = append(negPreds, g)
		}
	}
	e.neg = false
	slices.SortStableFunc(scoring, func(a, b group) int {
		ca, cb := ix.cost(a), ix.cost(b)
		switch {
		case ca < cb:
			return -1
		case ca > cb:
			return 1
		}
		return 0
	})
	span := float64(ix.maxTime - ix.minTime)
	top := &hitHeap{order: opts.Sort}
	limit := opts.Limit
	total := 0
	// The fast paths take metadata, date and the caller's filters as a
	// test per document; groups mixing words and metadata need the general
	// path.
	fast := limit > 0 && opts.Sort == SortRelevance && len(scoring) > 0
	for _, g := range preds {
		for _, a := range g.atoms {
			fast = fast && a.field != FieldAny && a.field != FieldTitle
		}
	}
	if fast {
		tk := &topK{ix: ix, top: top, limit: limit, bar: math.Inf(-1), span: span,
			keep: ix.keepFunc(preds, negPreds, opts.Filter)}
		if len(scoring) == 1 && len(scoring[0].atoms) == 1 {
			if a := scoring[0].atoms[0]; len(a.words) <= 2 {
				if n, ok := ix.searchTerm(e, a, tk); ok {
					return ix.results(q, opts, top, n)
				}
			}
		} else if n, ok := ix.searchAnd(e, scoring, tk); ok {
			return ix.results(q, opts, top, n)
		}
	}
	plain := len(preds) == 0 && len(negPreds) == 0 && opts.Filter == nil
	for gi, g := range scoring {
		e.gi = uint8(gi)
		for _, a := range g.atoms {
			e.atom(a)
		}
		if gi == 0 {
			if len(sc.touched) == 0 {
				return Results{}
			}
			if len(sc.touched) < n/8 {
				for _, d := range sc.touched {
					sc.blocks[d>>blockShift]++
				}
				e.narrow = true
			}
		}
	}
	// Mixed groups ("peace OR source:bbc") need their text atoms' documents.
	mixed := make([]map[DocNum]float32, len(preds))
	for i, g := range preds {
		for _, a := range g.atoms {
			if a.field == FieldAny || a.field == FieldTitle {
				if mixed[i] == nil {
					mixed[i] = map[DocNum]float32{}
				}
				ix.collect(e, a, mixed[i])
			}
		}
	}
	predMatch := make([]predicate, len(preds))
	for i, g := range preds {
		predMatch[i] = ix.predicate(g)
	}
	negMatch := make([]predicate, len(negPreds))
	for i, g := range negPreds {
		negMatch[i] = ix.predicate(g)
	}

	// consider reads only dense arrays (tombstones, exclusions, dates): it
	// runs for every match, and a docInfo per match would miss the cache.
	deleted, excl, published := ix.deleted, sc.excl, ix.published
	consider := func(d DocNum, score float32) {
		if (deleted[d>>6]|excl[d>>6])&(1<<(d&63)) != 0 {
			return
		}
		for i := range predMatch {
			ok := predMatch[i](d)
			if !ok && mixed[i] != nil {
				if s, hit := mixed[i][d]; hit {
					ok = true
					score += s
				}
			}
			if !ok {
				return
			}
		}
		for i := range negMatch {
			if negMatch[i](d) {
				return
			}
		}
		if opts.Filter != nil && !opts.Filter(d) {
			return
		}
		total++
		s := float64(score)
		pub := published[d]
		if span > 0 && pub != 0 {
			s *= 1 + recencyBoost*float64(pub-ix.minTime)/span
		}
		h := scored{doc: d, score: s, published: pub}
		if limit <= 0 || len(top.items) < limit {
			top.push(h)
		} else if top.less(top.items[0], h) {
			top.items[0] = h
			top.down(0)
		}
	}
	switch {
	case len(scoring) > 0 && plain && limit > 0 && opts.Sort == SortRelevance:
		// The common case, inlined: every candidate counts; the recency
		// factor and the heap are only needed for a score that can still
		// enter the top hits (the factor is at most 1+recencyBoost).
		want := uint8(len(scoring))
		cnt, scores := sc.cnt, sc.score
		bar := math.Inf(-1) // raw scores below it cannot enter the full heap
		// The accumulators are reset as they are read (their lines are in
		// cache now), which spares putScratch a second pass over touched.
		for _, d := range sc.touched {
			c, s := cnt[d], float64(scores[d])
			cnt[d], scores[d] = 0, 0
			if c != want || (deleted[d>>6]|excl[d>>6])&(1<<(d&63)) != 0 {
				continue
			}
			total++
			if s < bar {
				continue
			}
			pub := published[d]
			if span > 0 && pub != 0 {
				s *= 1 + recencyBoost*float64(pub-ix.minTime)/span
			}
			h := scored{doc: DocNum(d), score: s, published: pub}
			if len(top.items) < limit {
				top.push(h)
			} else if top.less(top.items[0], h) {
				top.items[0] = h
				top.down(0)
			} else {
				continue
			}
			if len(top.items) == limit {
				bar = rawBar(top.items[0].score)
			}
		}
		sc.touched = sc.touched[:0]
	case len(scoring) > 0:
		want := uint8(len(scoring))
		for _, d := range sc.touched {
			if sc.cnt[d] == want {
				consider(DocNum(d), sc.score[d])
			}
		}
	default:
		for d := range n {
			consider(DocNum(d), 0)
		}
	}
	return ix.results(q, opts, top, total)
}

// results turns the heap into hits with snippets, best first.
func (ix *Index) results(q Query, opts SearchOptions, top *hitHeap, total int) Results {
	hits := make([]scored, len(top.items))
	for i := len(hits) - 1; i >= 0; i-- {
		hits[i] = top.pop()
	}
	res := Results{Total: total, Hits: make([]Hit, len(hits))}
	sn := ix.newSnippeter(q, opts.SnippetRunes)
	order := make([]int, len(hits))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return int(hits[a].doc) - int(hits[b].doc) })
	parts := 1
	if len(sn.m.phrases) > 0 && len(order) >= snippetPartHits {
		parts = min(len(order)/(snippetPartHits/2), snippetParts)
	}
	if workers := min(runtime.GOMAXPROCS(0), 2); parts > 1 && workers > 1 {
		// Each part's hits are in document order, and each goroutine takes
		// its parts in increasing order: its cursors only move forward.
		inParts(parts, workers, sn, func() *snippeter { return ix.newSnippeter(q, opts.SnippetRunes) }, func(sn *snippeter, p int) {
			ix.snippets(sn, hits, order[p*len(order)/parts:(p+1)*len(order)/parts], res.Hits)
		})
	} else {
		ix.snippets(sn, hits, order, res.Hits)
	}
	return res
}

// snippetPartHits and snippetParts decide when a query's snippets are made
// on two cores: those of a phrase read its common words' positions and read
// on in the body until a phrase ends, 3-5 µs a hit at 100,000 articles
// (timed inside the search), against 45 µs for a helper to start (see
// onCores). From snippetPartHits hits they are cut into parts of at least
// half that many hits, snippetParts at most, which the calling goroutine
// and one helper take in turn. Phrase p50 0.45-0.47 -> 0.41-0.43 ms, for
// the same CPU (measured A/B). Other queries' snippets cost about half as
// much: sharing them out was measured to cost field queries 6-12% and
// two-word ones 18-27% more CPU.
const (
	snippetPartHits = 32
	snippetParts    = 4
)

// snippets fills out[i] for each hit index i of order, which is sorted by
// document: its document, score, snippet and highlight spans.
func (ix *Index) snippets(sn *snippeter, hits []scored, order []int, out []Hit) {
	// Where each snippet starts comes from the postings (locate); the
	// bodies are then read once for all hits before any is rendered: the
	// text of a library is far larger than the caches, and these reads,
	// independent of each other, wait for memory together rather than one
	// after another inside each snippet.
	type located struct{ from, maxToks int }
	locs := make([]located, len(order))
	nk := sn.m.nkeys
	present := make([]bool, len(order)*nk) // by hit, the matcher's present
	for k, i := range order {
		sn.locate(ix, hits[i].doc)
		locs[k] = located{sn.from, sn.maxToks}
		copy(present[k*nk:], sn.m.present)
	}
	var sink byte
	for k, i := range order {
		body := ix.docs[hits[i].doc].body
		for o := locs[k].from; o < min(len(body), locs[k].from+touchBytes); o += 64 {
			sink += body[o]
		}
	}
	sn.sink = sink
	for k, i := range order {
		h := hits[i]
		doc := &ix.docs[h.doc]
		sn.from, sn.maxToks = locs[k].from, locs[k].maxToks
		copy(sn.m.present, present[k*nk:(k+1)*nk])
		text, spans := sn.snippet(doc.title, doc.body)
		out[i] = Hit{Doc: h.doc, Score: h.score, Snippet: text, Spans: spans}
	}
}

// touchBytes is how much of each hit's body, from where its snippet starts
// to read, results loads ahead of rendering.
const touchBytes = 384

// keepFunc returns the test a document must pass besides the words: the
// metadata and date groups, the negated ones, the caller's filter; nil when
// there are none. It runs for every posting a fast path reads, so the
// groups are flattened into one loop rather than nested closures.
func (ix *Index) keepFunc(preds, negPreds []group, filter func(DocNum) bool) func(DocNum) bool {
	if len(preds) == 0 && len(negPreds) == 0 && filter == nil {
		return nil
	}
	k := &keeper{ix: ix, filter: filter}
	for _, g := range preds {
		k.groups = append(k.groups, ix.keepAtoms(g, false))
	}
	for _, g := range negPreds {
		k.groups = append(k.groups, ix.keepAtoms(g, true))
	}
	return k.keep
}

// keepAtom is one metadata or date atom of a keeper.
type keepAtom struct {
	field Field
	vals  []uint32 // value id by document (source, section, author)
	ok    []bool   // by value id: the value matches
	date  int64
}

// keepGroup is a disjunction of atoms, negated for an exclusion.
type keepGroup struct {
	neg   bool
	atoms []keepAtom
}

type keeper struct {
	ix     *Index
	groups []keepGroup
	filter func(DocNum) bool
}

func (ix *Index) keepAtoms(g group, neg bool) keepGroup {
	kg := keepGroup{neg: neg}
	for _, a := range g.atoms {
		ka := keepAtom{field: a.field, date: a.date}
		if a.field.keyword() {
			mf := int(a.field - FieldSource)
			ka.ok = make([]bool, len(ix.meta[mf].values))
			for i, v := range ix.meta[mf].values {
				ka.ok[i] = valueMatches(v, a.words)
			}
			if a.field != FieldTag {
				ka.vals = ix.metaOf[mf]
			}
		}
		kg.atoms = append(kg.atoms, ka)
	}
	return kg
}

// keep is predicate's test for every group, inlined.
func (k *keeper) keep(d DocNum) bool {
	for gi := range k.groups {
		g := &k.groups[gi]
		hit := false
		for ai := range g.atoms {
			a := &g.atoms[ai]
			switch a.field {
			case fieldAfter:
				p := k.ix.published[d]
				hit = p != 0 && p >= a.date
			case fieldBefore:
				p := k.ix.published[d]
				hit = p != 0 && p < a.date
			case FieldTag:
				for _, t := range k.ix.docs[d].tags {
					if a.ok[t] {
						hit = true
						break
					}
				}
			default:
				hit = a.vals != nil && a.ok[a.vals[d]]
			}
			if hit {
				break
			}
		}
		if hit == g.neg {
			return false
		}
	}
	return k.filter == nil || k.filter(d)
}

// rawBar is the raw score below which a hit cannot enter a full heap whose
// worst kept score is worst. The recency factor is between 1 and
// 1+recencyBoost: it lifts a positive score by at most that, and a negative
// one (idf goes below zero when tombstoned documents still count in a
// word's document frequency) not at all. The margins absorb rounding.
func rawBar(worst float64) float64 {
	if worst >= 0 {
		return worst / (1 + recencyBoost) * (1 - 1e-9)
	}
	return worst * (1 + 1e-9)
}

// collect evaluates a text atom into m, outside the AND counting.
func (ix *Index) collect(parent *eval, a atom, m map[DocNum]float32) {
	sc := &evalScratch{score: make([]float32, len(ix.docs)), cnt: make([]uint8, len(ix.docs))}
	e := &eval{ix: ix, acc: parent.acc, sc: sc, n: parent.n, avgBody: parent.avgBody, avgTitle: parent.avgTitle}
	e.atom(a)
	for _, d := range sc.touched {
		m[DocNum(d)] += sc.score[d]
	}
}

type predicate func(DocNum) bool

// predicate builds the test for a group with metadata or date atoms.
func (ix *Index) predicate(g group) predicate {
	var tests []predicate
	for _, a := range g.atoms {
		switch {
		case a.field == fieldAfter:
			t := a.date
			tests = append(tests, func(d DocNum) bool { p := ix.published[d]; return p != 0 && p >= t })
		case a.field == fieldBefore:
			t := a.date
			tests = append(tests, func(d DocNum) bool { p := ix.published[d]; return p != 0 && p < t })
		case a.field.keyword():
			mf := int(a.field - FieldSource)
			ok := make([]bool, len(ix.meta[mf].values))
			for i, v := range ix.meta[mf].values {
				ok[i] = valueMatches(v, a.words)
			}
			if a.field == FieldTag {
				tests = append(tests, func(d DocNum) bool {
					for _, t := range ix.docs[d].tags {
						if ok[t] {
							return true
						}
					}
					return false
				})
			} else {
				vals := ix.metaOf[mf]
				tests = append(tests, func(d DocNum) bool { return ok[vals[d]] })
			}
		}
	}
	return func(d DocNum) bool {
		for _, t := range tests {
			if t(d) {
				return true
			}
		}
		return false
	}
}

// valueMatches reports whether the folded words occur as consecutive whole
// words of the folded value: source:bbc matches "bbc news", section:world
// matches "world europe" (folded from "world/europe").
func valueMatches(value string, words []string) bool {
	vw := splitSpaces(value)
	for i := 0; i+len(words) <= len(vw); i++ {
		if slices.Equal(vw[i:i+len(words)], words) {
			return true
		}
	}
	return false
}

func splitSpaces(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

type scored struct {
	doc       DocNum
	score     float64
	published int64
}

// hitHeap is a min-heap on rank: its root is the worst hit kept.
type hitHeap struct {
	items []scored
	order SortOrder
}

// less reports whether a ranks below b.
func (h *hitHeap) less(a, b scored) bool {
	switch h.order {
	case SortNewest:
		if a.published != b.published {
			return a.published < b.published
		}
	case SortOldest:
		if a.published != b.published {
			return a.published > b.published
		}
	default:
		if a.score != b.score {
			return a.score < b.score
		}
		if a.published != b.published {
			return a.published < b.published
		}
	}
	return a.doc > b.doc
}

// push, pop and down are container/heap's algorithms on the typed slice:
// the interface version boxes every pushed hit.
func (h *hitHeap) push(x scored) {
	h.items = append(h.items, x)
	for j := len(h.items) - 1; j > 0; {
		i := (j - 1) / 2
		if !h.less(h.items[j], h.items[i]) {
			break
		}
		h.items[i], h.items[j] = h.items[j], h.items[i]
		j = i
	}
}

func (h *hitHeap) pop() scored {
	n := len(h.items) - 1
	h.items[0], h.items[n] = h.items[n], h.items[0]
	x := h.items[n]
	h.items = h.items[:n]
	h.down(0)
	return x
}

func (h *hitHeap) down(i int) {
	n := len(h.items)
	for {
		j := 2*i + 1
		if j >= n {
			return
		}
		if j+1 < n && h.less(h.items[j+1], h.items[j]) {
			j++
		}
		if !h.less(h.items[j], h.items[i]) {
			return
		}
		h.items[i], h.items[j] = h.items[j], h.items[i]
		i = j
	}
}
