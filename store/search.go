package store

import (
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
	// before they are in docs; the bounds check hides them until then.
	filter := func(n index.DocNum) bool {
		if int(n) >= len(docs) || docs[n] == nil {
			return false
		}
		return opts.Filter == nil || opts.Filter(docs[n])
	}
	r := s.ix.Search(q, index.SearchOptions{Limit: opts.Limit, Filter: filter})
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
