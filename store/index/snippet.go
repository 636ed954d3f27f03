package index

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// defaultSnippetRunes is the snippet length when SearchOptions leaves it 0.
const defaultSnippetRunes = 160

// maxSnippetMatches bounds the matches considered for the best window.
const maxSnippetMatches = 256

// matcher recognises, token by token, the words of a query's positive atoms.
// Each distinct stem or prefix is a key; phrases are key sequences.
type matcher struct {
	surfaces map[string]int // index mode: every indexed form of a query stem
	stems    map[string]int // text mode: stem -> key
	cache    map[string]int // text mode: form -> key or -1, stems each word once
	prefixes []string
	prefKeys []int
	singles  []bool // by key: matches on its own, not only inside a phrase
	phrases  [][]int
	nkeys    int
	keyTerms []int64    // index mode: term id of each stem key, -1 for prefixes and unknown stems
	keyIDs   [][]uint32 // index mode: terms whose body positions locate each key
	keyExact []bool     // index mode: keyIDs cover every form the key matches
	present  []bool     // per hit: keys whose term the body has (from the postings)
	first    [256]bool  // first bytes of possible matches: most tokens are rejected here
	anyFirst bool       // a non-ASCII first byte is possible
}

func newMatcher(q Query, ix *Index) *matcher {
	m := &matcher{stems: map[string]int{}}
	if ix != nil {
		m.surfaces = map[string]int{}
	} else {
		m.cache = map[string]int{}
	}
	keyOf := func(w string) int {
		st := stem(w)
		if k, ok := m.stems[st]; ok {
			return k
		}
		k := m.nkeys
		m.nkeys++
		m.stems[st] = k
		m.singles = append(m.singles, false)
		m.keyTerms = append(m.keyTerms, -1)
		m.keyIDs = append(m.keyIDs, nil)
		m.keyExact = append(m.keyExact, true)
		m.mark(st)
		if ix != nil {
			m.surfaces[w] = k
			if id, ok := ix.terms[st]; ok {
				m.keyTerms[k] = int64(id)
				m.keyIDs[k] = []uint32{id}
				for _, sid := range ix.postings[id].surfaces {
					m.surfaces[ix.surfInfo[sid].form] = k
					m.mark(ix.surfInfo[sid].form)
				}
			}
		}
		m.mark(w)
		return k
	}
	for _, g := range q.groups {
		if g.neg {
			continue
		}
		for _, a := range g.atoms {
			if a.field != FieldAny && a.field != FieldTitle {
				continue
			}
			switch {
			case a.prefix:
				m.prefixes = append(m.prefixes, a.words[0])
				m.prefKeys = append(m.prefKeys, m.nkeys)
				m.singles = append(m.singles, true)
				m.keyTerms = append(m.keyTerms, -1)
				ids, exact := prefixTerms(ix, a.words[0])
				k := m.nkeys
				m.nkeys++
				m.mark(a.words[0])
				// As in the search, the word typed also matches its stem.
				if st := stem(a.words[0]); !hasKey(m.stems, st) {
					m.stems[st] = k
					m.mark(st)
					if ix != nil {
						if id, ok := ix.terms[st]; ok {
							if !slices.Contains(ids, id) {
								ids = append(ids, id)
							}
							for _, sid := range ix.postings[id].surfaces {
								m.surfaces[ix.surfInfo[sid].form] = k
								m.mark(ix.surfInfo[sid].form)
							}
						}
					}
				}
				m.keyIDs = append(m.keyIDs, ids)
				m.keyExact = append(m.keyExact, exact)
			case len(a.words) == 1:
				m.singles[keyOf(a.words[0])] = true
			default:
				seq := make([]int, len(a.words))
				for i, w := range a.words {
					seq[i] = keyOf(w)
				}
				m.phrases = append(m.phrases, seq)
			}
		}
	}
	return m
}

// maxPrefixTerms bounds the terms whose positions locate a prefix key in a
// hit's body: each is a cursor walked over the hits.
const maxPrefixTerms = 8

// prefixTerms returns the terms of the surface forms starting with prefix,
// and whether they are all of them.
func prefixTerms(ix *Index, prefix string) ([]uint32, bool) {
	if ix == nil {
		return nil, false
	}
	sids := ix.prefixSurfaces(prefix)
	exact := len(sids) < maxExpansion
	var ids []uint32
	for _, sid := range sids {
		t := ix.surfInfo[sid].term
		if slices.Contains(ids, t) {
			continue
		}
		if len(ids) == maxPrefixTerms {
			return ids, false
		}
		ids = append(ids, t)
	}
	return ids, exact
}

func hasKey(m map[string]int, k string) bool { _, ok := m[k]; return ok }

func (m *matcher) mark(w string) {
	if w == "" {
		return
	}
	m.first[w[0]] = true
	if w[0] >= utf8.RuneSelf {
		m.anyFirst = true
	}
}

// key returns the key a folded token matches, or -1.
func (m *matcher) key(tok string) int {
	if !m.first[tok[0]] {
		return -1
	}
	for i, p := range m.prefixes {
		if strings.HasPrefix(tok, p) {
			return m.prefKeys[i]
		}
	}
	if m.surfaces != nil {
		if k, ok := m.surfaces[tok]; ok {
			return k
		}
		if m.cache == nil {
			return -1 // every indexed form is known; an unknown one cannot match
		}
	}
	if k, ok := m.cache[tok]; ok {
		return k
	}
	k, ok := m.stems[stem(tok)]
	if !ok {
		k = -1
	}
	m.cache[strings.Clone(tok)] = k
	return k
}

type tokMatch struct {
	start, end int
	key        int
}

// spans turns matched tokens (all tokens of the text, -1 for no match) into
// highlight spans: single words, and whole phrases where their words follow
// each other.
func (m *matcher) spans(toks []tokMatch) []Span {
	var out []Span
	for i, t := range toks {
		if t.key < 0 {
			continue
		}
		if m.singles[t.key] {
			out = append(out, Span{t.start, t.end})
		}
		if n := m.phraseAt(toks, i); n > 0 {
			out = append(out, Span{t.start, toks[i+n-1].end})
		}
	}
	return mergeSpans(out)
}

// phraseAt returns the length in tokens of the longest phrase of the query
// that starts at toks[i], 0 when none does. Consecutive entries are
// consecutive tokens from a match on: the token after each match is kept
// (bodyMatches), or every token is (spans' callers).
func (m *matcher) phraseAt(toks []tokMatch, i int) int {
	n := 0
	for _, ph := range m.phrases {
		if len(ph) <= n || i+len(ph) > len(toks) {
			continue
		}
		ok := true
		for j, k := range ph {
			ok = ok && toks[i+j].key == k
		}
		if ok {
			n = len(ph)
		}
	}
	return n
}

// phraseEnds reports whether a phrase of the query ends at the last of
// toks.
func (m *matcher) phraseEnds(toks []tokMatch) bool {
	for _, ph := range m.phrases {
		if i := len(toks) - len(ph); i >= 0 && m.phraseAt(toks[i:], 0) == len(ph) {
			return true
		}
	}
	return false
}

// phraseAtPos reports whether a phrase of the query starts at the position
// of ms[i], from ms: position<<32 | key entries, sorted. A phrase's words
// are the entries at that position and the next ones, so they are found by
// reading on from the first entry at that position.
func (m *matcher) phraseAtPos(ms []uint64, i int) bool {
	p := uint32(ms[i] >> 32)
	for i > 0 && uint32(ms[i-1]>>32) == p {
		i--
	}
	for _, ph := range m.phrases {
		ok := true
		for j, k := range ph {
			want := uint64(p+uint32(j))<<32 | uint64(k)
			x := i
			for x < len(ms) && ms[x] < want {
				x++
			}
			if x == len(ms) || ms[x] != want {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// mergeMatches appends the merge of the sorted a and b to dst.
func mergeMatches(dst, a, b []uint64) []uint64 {
	for len(a) > 0 && len(b) > 0 {
		if a[0] <= b[0] {
			dst, a = append(dst, a[0]), a[1:]
		} else {
			dst, b = append(dst, b[0]), b[1:]
		}
	}
	return append(append(dst, a...), b...)
}

func mergeSpans(s []Span) []Span {
	if len(s) < 2 {
		return s
	}
	slices.SortFunc(s, func(a, b Span) int { return a.Start - b.Start })
	out := s[:1]
	for _, x := range s[1:] {
		last := &out[len(out)-1]
		if x.Start <= last.End {
			last.End = max(last.End, x.End)
		} else {
			out = append(out, x)
		}
	}
	return out
}

// Highlight returns the byte spans of text where the query's positive words
// and phrases occur, compared folded and stemmed (a search for "withdrawal"
// highlights "Withdrawing"). Spans are sorted and do not overlap; the reader
// uses them to highlight and to jump between matches.
func (q Query) Highlight(text string) []Span {
	m := newMatcher(q, nil)
	if m.nkeys == 0 {
		return nil
	}
	var toks []tokMatch
	var buf []byte
	tokenize(text, &buf, func(s, e int, f string) bool {
		toks = append(toks, tokMatch{s, e, m.key(f)})
		return true
	})
	return m.spans(toks)
}

type snippeter struct {
	m     *matcher
	acc   *accel
	runes int
	buf   []byte
	// Per hit, from locate: where in the body to start tokenizing and how
	// many tokens to read at most (0: the whole body).
	from, maxToks int
	curs          []cursor // one per (key, term) of keyIDs
	cursKey       []int
	cursPos       []*posIndex // by cursor: its term's, to move by at; nil to seek
	matches       []uint64    // position<<32 | key, sorted as plain integers
	merged        []uint64    // scratch for merging each cursor's matches in
	pos           []uint32
	// Reused from hit to hit: a search makes a snippet per hit, and in the
	// heap of a loaded library a fresh allocation is cold memory. Reusing
	// them made snippets 8-15% faster at 100,000 articles.
	toks, kept, mapped []tokMatch
	text               []byte
	spans              []Span
	seenKey, starts    []bool
	seenAt, counts     []int
	sink               byte // keeps results' early reads of the bodies
}

// keyCounts returns sn.counts cleared, one count per key.
func (sn *snippeter) keyCounts() []int {
	sn.counts = slices.Grow(sn.counts[:0], sn.m.nkeys)[:sn.m.nkeys]
	clear(sn.counts)
	return sn.counts
}

// seen returns sn.seenKey cleared, one flag per key.
func (sn *snippeter) seen() []bool {
	sn.seenKey = slices.Grow(sn.seenKey[:0], sn.m.nkeys)[:sn.m.nkeys]
	clear(sn.seenKey)
	return sn.seenKey
}

func (ix *Index) newSnippeter(q Query, runes int) *snippeter {
	if runes <= 0 {
		runes = defaultSnippetRunes
	}
	return &snippeter{m: newMatcher(q, ix), acc: accelOf(ix), runes: runes}
}

// snippet picks the window of the body with the most distinct query words and
// renders it as plain text; without a body match it falls back to the title.
func (sn *snippeter) snippet(title, body string) (string, []Span) {
	m := sn.m
	if m.nkeys == 0 {
		sn.text, _ = renderPlain(sn.text, nil, body, 0, sn.runes, nil)
		return string(sn.text), nil
	}
	var toks []tokMatch
	if sn.bodyHasMatch() {
		toks = sn.bodyMatches(body, sn.from, sn.maxToks)
	}
	if len(toks) == 0 {
		var tt []tokMatch
		tokenize(title, &sn.buf, func(s, e int, f string) bool { tt = append(tt, tokMatch{s, e, m.key(f)}); return true })
		return title, m.spans(tt)
	}
	// Best window: most phrases, then one that starts with a phrase, then
	// most distinct keys, then most matches, earliest first. (A phrase of
	// common words has both words in nearly every window; only the phrase
	// itself says which to show.)
	width := sn.runes // bytes ~ runes for the text we index; refined while rendering
	best, bestP, bestD, bestN, bestLead := 0, -1, -1, -1, false
	seen := sn.seen()
	for i := range toks {
		lead := len(m.phrases) > 0 && m.phraseAt(toks, i) > 0
		clear(seen)
		ph, d, n := 0, 0, 0
		for j := i; j < len(toks) && toks[j].end-toks[i].start <= width*3/4; j++ {
			if k := toks[j].key; k >= 0 {
				n++
				if !seen[k] {
					seen[k] = true
					d++
				}
				if len(m.phrases) > 0 && m.phraseAt(toks, j) > 0 {
					ph++
				}
			}
		}
		if ph > bestP || ph == bestP && (lead && !bestLead || lead == bestLead && (d > bestD || d == bestD && n > bestN)) {
			best, bestP, bestD, bestN, bestLead = i, ph, d, n, lead
		}
	}
	// Start a little before the match, at a word start.
	start := toks[best].start
	for back := 0; start > 0 && back < sn.runes/5; back++ {
		_, sz := utf8.DecodeLastRuneInString(body[:start])
		start -= sz
	}
	if start > 0 {
		if sp := strings.IndexAny(body[start:toks[best].start], " \n\t"); sp >= 0 {
			start += sp + 1
		} else {
			start = toks[best].start
		}
	}
	ms := sn.kept[:0]
	for _, t := range toks {
		if t.start >= start {
			ms = append(ms, t)
		}
	}
	sn.kept = ms
	var mapped []Span
	sn.text, mapped = renderPlain(sn.text, sn.spans, body, start, sn.runes, ms)
	sn.spans = mapped
	// Spans for words, then phrases, in output coordinates.
	out := sn.mapped[:0]
	for i, t := range ms {
		if mapped[i].Start >= 0 {
			out = append(out, tokMatch{mapped[i].Start, mapped[i].End, t.key})
		} else if i > 0 && mapped[i-1].Start >= 0 {
			break
		}
	}
	sn.mapped = out
	return string(sn.text), m.spans(out)
}

// bodyMatches tokenizes the body (skipping link targets) and returns its
// tokens that match, plus the tokens right after them so phrases can be
// recognised; it stops once a window holding every key has been seen, or
// after maxToks tokens (when > 0). It starts at byte from, a token start.
func (sn *snippeter) bodyMatches(body string, from, maxToks int) []tokMatch {
	m := sn.m
	toks := sn.toks[:0]
	ntok := 0
	sn.seenAt = slices.Grow(sn.seenAt[:0], m.nkeys)[:m.nkeys]
	seen := sn.seenAt // last byte offset each key was seen at
	for i := range seen {
		seen[i] = -1 << 30
	}
	prevMatched := false
	done, phraseSeen := false, false
	emit := func(s, e int, f string) bool {
		if done {
			return false
		}
		if ntok++; maxToks > 0 && ntok > maxToks {
			done = true
			return false
		}
		k := -1
		if m.first[f[0]] || f[0] >= utf8.RuneSelf && m.anyFirst {
			k = m.key(f)
		}
		if k < 0 && !prevMatched {
			return true
		}
		prevMatched = k >= 0
		toks = append(toks, tokMatch{s, e, k})
		if k >= 0 {
			seen[k] = s
			all := true
			for key, at := range seen {
				all = all && (s-at < sn.runes/2 || m.present != nil && !m.present[key])
			}
			// A query with phrases reads on until one ends here: its
			// words alone are in most windows when they are common.
			if len(m.phrases) > 0 && !phraseSeen {
				phraseSeen = m.phraseEnds(toks)
			}
			done = len(toks) >= maxSnippetMatches || all && (phraseSeen || len(m.phrases) == 0)
		}
		return !done
	}
	rest := body[from:]
	off := from
	for !done {
		// Look for a link target only in the next chunk: the tokens
		// wanted are usually a few dozen, and the body may be long. A chunk
		// ends at a space, where no token and no "](" can straddle it (a
		// chunk without one is the whole rest).
		chunk := rest
		if len(rest) > snippetChunk {
			if k := strings.LastIndexByte(rest[:snippetChunk], ' '); k > 0 {
				chunk = rest[:k]
			}
		}
		i := strings.Index(chunk, "](")
		j := -1
		if i >= 0 {
			j = strings.IndexByte(rest[i:], ')')
		}
		if i < 0 || j < 0 {
			if len(chunk) < len(rest) && i < 0 {
				tokenizeAt(chunk, off, &sn.buf, emit)
				off += len(chunk)
				rest = rest[len(chunk):]
				continue
			}
			tokenizeAt(rest, off, &sn.buf, emit)
			break
		}
		tokenizeAt(rest[:i], off, &sn.buf, emit)
		off += i + j + 1
		rest = rest[i+j+1:]
	}
	// Trailing non-matching tokens only served phrase detection.
	for len(toks) > 0 && toks[len(toks)-1].key < 0 {
		toks = toks[:len(toks)-1]
	}
	sn.toks = toks
	return toks
}

// bodyHasMatch reports whether the postings say the current document's body
// may hold a query word; scanning a 4 KB body that matched only by its title
// would dominate the search time.
func (sn *snippeter) bodyHasMatch() bool {
	if sn.m.present == nil {
		return true
	}
	for k, p := range sn.m.present {
		if p || !sn.m.keyExact[k] {
			return true
		}
	}
	return false
}

// locate fills present for document d from the postings, and picks where
// to read the body: the query words' positions give the best window in
// tokens (most distinct keys, then most matches, earliest first), and the
// body checkpoints turn its start into a byte offset, so a snippet reads a
// few dozen tokens instead of the body up to its match. Hits are visited in
// document order, so each cursor only moves forward.
func (sn *snippeter) locate(ix *Index, d DocNum) {
	m := sn.m
	if m.present == nil {
		m.present = make([]bool, m.nkeys)
		for k, ids := range m.keyIDs {
			for _, id := range ids {
				sn.curs = append(sn.curs, ix.termCursor(sn.acc, id, false))
				sn.cursKey = append(sn.cursKey, k)
				// A common word's cursor would count the positions of
				// every document between two hits to skip them.
				sn.cursPos = append(sn.cursPos, sn.acc.posFor(id, &ix.postings[id]))
			}
		}
	}
	clear(m.present)
	sn.matches = sn.matches[:0]
	for i := range sn.curs {
		c := &sn.curs[i]
		if x := sn.cursPos[i]; x != nil {
			if !c.at(x, d) {
				continue
			}
		} else if !c.seek(d) || c.doc != d {
			continue
		}
		k := sn.cursKey[i]
		m.present[k] = true
		sn.pos = c.positions(sn.pos)
		// Each cursor's positions are sorted: merged into the others',
		// the matches stay sorted by position, then key.
		n := len(sn.matches)
		for _, p := range sn.pos[:min(len(sn.pos), 128)] {
			sn.matches = append(sn.matches, uint64(p)<<32|uint64(k))
		}
		if n > 0 {
			sn.merged = mergeMatches(sn.merged[:0], sn.matches[:n], sn.matches[n:])
			sn.matches, sn.merged = sn.merged, sn.matches // the old buffer is the next scratch
		}
	}
	sn.from, sn.maxToks = 0, 0
	ms := sn.matches
	lo, hi := ix.ckAt[d], ix.ckAt[d+1]
	if len(ms) == 0 || hi == lo {
		return
	}

	width := uint32(max(4, sn.runes*3/4/6)) // tokens of ~6 bytes with their space
	// starts[j]: a phrase starts at entry j's position.
	starts := sn.starts[:0]
	if len(m.phrases) > 0 {
		for i := range ms {
			starts = append(starts, m.phraseAtPos(ms, i))
		}
	}
	sn.starts = starts
	// The window of each entry i holds the entries from i on less than
	// width tokens after it. It slides: entries join at its end as i
	// moves on and leave at its start, counted by key.
	inWindow := sn.keyCounts()
	j, ph, dk := 0, 0, 0
	best, bestP, bestD, bestN, bestLead := 0, -1, -1, -1, false
	for i := range ms {
		for ; j < len(ms) && uint32(ms[j]>>32)-uint32(ms[i]>>32) < width; j++ {
			if k := uint32(ms[j]); inWindow[k] == 0 {
				dk++
			}
			inWindow[uint32(ms[j])]++
			if len(starts) > 0 && starts[j] {
				ph++
			}
		}
		n := j - i
		lead := len(starts) > 0 && starts[i]
		if ph > bestP || ph == bestP && (lead && !bestLead || lead == bestLead && (dk > bestD || dk == bestD && n > bestN)) {
			best, bestP, bestD, bestN, bestLead = i, ph, dk, n, lead
		}
		if k := uint32(ms[i]); inWindow[k] == 1 {
			dk--
		}
		inWindow[uint32(ms[i])]--
		if lead {
			ph--
		}
	}
	p0 := uint32(ms[best] >> 32)
	c := min(p0/ckEvery, hi-lo-1)
	sn.from = int(ix.ck[lo+c])
	sn.maxToks = int(p0-c*ckEvery) + int(width) + 8
}

// snippetChunk is how many body bytes bodyMatches searches for a link
// target at a time.
const snippetChunk = 512

func tokenizeAt(s string, off int, buf *[]byte, fn func(s, e int, f string) bool) {
	tokenize(s, buf, func(a, b int, f string) bool { return fn(a+off, b+off, f) })
}

// renderPlain renders body from byte start as plain text of at most runes
// runes, cut at a word boundary, with "…" where text was cut, dropping cheap
// Markdown syntax (headings, emphasis, list markers, link targets, code
// ticks). It returns, for each match, its span in the output, or -1s when
// the match fell outside. The text and spans are written over out and
// mapped, which may be nil.
func renderPlain(out []byte, mapped []Span, body string, start, runes int, ms []tokMatch) ([]byte, []Span) {
	out = out[:0]
	mapped = mapped[:0]
	for range ms {
		mapped = append(mapped, Span{-1, -1})
	}
	if start > 0 {
		out = append(out, "…"...)
	}
	mi := 0
	n := 0
	lineStart := start == 0 || body[start-1] == '\n'
	space := false
	i := start
	lastWordEnd := -1 // output length at the last word boundary
	cut := false
	for i < len(body) {
		// Plain ASCII text away from line starts, spaces and match
		// boundaries is copied in one go: the loop below would copy it
		// byte by byte with the same result.
		if !lineStart && !space && n < runes {
			lim := len(body)
			if mi < len(ms) {
				if ms[mi].start >= i {
					lim = ms[mi].start
				} else {
					lim = ms[mi].end - 1
				}
			}
			lim = min(lim, i+runes-n)
			j := i
			for j < lim && plainByte[body[j]] {
				j++
			}
			if j > i {
				out = append(out, body[i:j]...)
				n += j - i
				i = j
				continue
			}
		}
		if mi < len(ms) && i == ms[mi].start {
			mapped[mi].Start = len(out)
			if space && len(out) > 0 {
				mapped[mi].Start++
			}
		}
		c := body[i]
		if lineStart {
			// A table's delimiter row ("| --- | :-: |") says nothing.
			if end := tableRuleEnd(body, i); end > i {
				space = len(out) > 0
				i = end
				continue
			}
			// Skip block markers at line start.
			j := i
			for j < len(body) && (body[j] == ' ' || body[j] == '#' || body[j] == '>') {
				j++
			}
			if j+1 < len(body) && (body[j] == '-' || body[j] == '*' || body[j] == '+') && body[j+1] == ' ' {
				j += 2
			}
			lineStart = false
			if j > i {
				space = len(out) > 0
				i = j
				continue
			}
		}
		switch {
		case c == '\n':
			lineStart = true
			space = len(out) > 0
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '|': // table cells read as words apart
			space = len(out) > 0
			i++
			continue
		case c == '*' || c == '`' || c == '[' || c == '_' && (i == 0 || !isWordByte(body[i-1]) || i+1 >= len(body) || !isWordByte(body[i+1])):
			i++
			continue
		case c == '!' && i+1 < len(body) && body[i+1] == '[':
			i++
			continue
		case c == ']' && i+1 < len(body) && body[i+1] == '(':
			if j := strings.IndexByte(body[i:], ')'); j > 0 && strings.IndexByte(body[i:i+j], ' ') < 0 {
				i += j + 1
				continue
			}
		}
		if space {
			if n+1 >= runes {
				cut = true
				break
			}
			lastWordEnd = len(out)
			out = append(out, ' ')
			n++
			space = false
		}
		if n >= runes {
			cut = true
			break
		}
		_, sz := utf8.DecodeRuneInString(body[i:])
		out = append(out, body[i:i+sz]...)
		n++
		i += sz
		if mi < len(ms) && i == ms[mi].end {
			mapped[mi].End = len(out)
			mi++
		}
		for mi < len(ms) && ms[mi].start < i && mapped[mi].End < 0 && ms[mi].end <= i {
			mi++ // a match whose start was inside skipped syntax
		}
	}
	if cut {
		if lastWordEnd > 0 {
			out = out[:lastWordEnd]
		}
		out = append(out, "…"...)
		for k := range mapped {
			if mapped[k].End < 0 || mapped[k].End > len(out)-len("…") {
				mapped[k] = Span{-1, -1}
			}
		}
	}
	for k := range mapped {
		if mapped[k].End < 0 {
			mapped[k] = Span{-1, -1}
		}
	}
	return out, mapped
}

// plainByte marks the ASCII bytes renderPlain copies as they are anywhere
// but at a line start: printable, and no Markdown syntax it drops.
var plainByte = func() (t [256]bool) {
	for c := 0x21; c < 0x7f; c++ {
		t[c] = !strings.ContainsRune("*`[_!]|", rune(c))
	}
	return t
}()

// tableRuleEnd returns the end of the line starting at i (before its
// newline) when the line is a Markdown table's delimiter row — only pipes,
// dashes, colons and spaces, with at least one pipe and one dash — and i
// otherwise.
func tableRuleEnd(body string, i int) int {
	pipe, dash := false, false
	j := i
	for ; j < len(body) && body[j] != '\n'; j++ {
		switch body[j] {
		case '|':
			pipe = true
		case '-':
			dash = true
		case ':', ' ', '\t':
		default:
			return i
		}
	}
	if pipe && dash {
		return j
	}
	return i
}

func isWordByte(c byte) bool { return c < utf8.RuneSelf && asciiWord[c] || c >= utf8.RuneSelf }
