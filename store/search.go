package store

import (
	"slices"
	"time"

	"github.com/tidings-app/tidings/store/index"
)

// Span is a byte range [Start, End) to highlight.
type Span = index.Span

// Hit is one search result.
type Hit struct {
	Article *Article
	Score   float64
	Snippet string // plain text around the best match
	Spans   []Span // matches within Snippet
}

// SearchOptions tune a search.
type SearchOptions struct {
	Limit int // at most this many hits; 0 means 50
	// Filter, when set, keeps only the articles it accepts; the UI and the
	// command line use it for the reading-state operators (is:read, …). It
	// must not call the Store.
	Filter func(*Article) bool
}

// Results are the hits of one query.
type Results struct {
	Hits  []Hit
	Total int // all matching articles, not only the first Limit
	Took  time.Duration
	Query index.Query
}

// Search runs a query in the query language of package index: terms,
// "phrases", -exclusions, OR, fields, dates; the last word matches as a
// prefix. An empty query matches every article, newest first.
func (s *Store) Search(query string, opts SearchOptions) Results {
	return s.SearchQuery(index.ParseQuery(query), opts)
}

// SearchQuery runs a parsed query; see Search.
func (s *Store) SearchQuery(q index.Query, opts SearchOptions) Results {
	start := time.Now()
	if opts.Limit <= 0 {
		opts.Limit = 50
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	docs := s.docs
	// Articles being added by a live update are in the index a moment
	// before they are in docs (Below hides them), and removed ones leave
	// docs a moment before the index tombstones them. Only then, or for
	// the caller's filter, does the index need a Filter: a Filter turns
	// its fast paths off. The counts compare live index documents with
	// the articles of the date view, which holds every article in docs.
	live := func(n index.DocNum) bool { return docs[n] != nil }
	iopts := index.SearchOptions{Limit: opts.Limit, Below: index.DocNum(len(docs))}
	switch {
	case len(docs) == 0:
		return Results{Query: q, Hits: []Hit{}, Took: time.Since(start)}
	case opts.Filter != nil:
		iopts.Filter = func(n index.DocNum) bool { return docs[n] != nil && opts.Filter(docs[n]) }
	case s.ix.LiveBelow(iopts.Below) != len(s.sorted[ByDate]):
		iopts.Filter = live
	}
	r := s.ix.Search(q, iopts)
	if iopts.Filter == nil && slices.ContainsFunc(r.Hits, func(h index.Hit) bool { return docs[h.Doc] == nil }) {
		iopts.Filter = live // not expected: the counts agreed
		r = s.ix.Search(q, iopts)
	}
	res := Results{Total: r.Total, Query: q, Hits: make([]Hit, len(r.Hits))}
	for i, h := range r.Hits {
		res.Hits[i] = Hit{Article: docs[h.Doc], Score: h.Score, Snippet: h.Snippet, Spans: h.Spans}
	}
	res.Took = time.Since(start)
	return res
}

// Highlight returns the byte spans in text where the query's words and
// phrases match (folded and stemmed), for the reader to highlight and to
// jump between with n/N.
func Highlight(query, text string) []Span {
	return index.ParseQuery(query).Highlight(text)
}
