package store

import (
	"strings"
	"time"
)

// Span is a byte range [Start, End) to highlight.
type Span struct{ Start, End int }

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
	// command line use it for the reading-state operators (is:read, …).
	Filter func(*Article) bool
}

// Results are the hits of one query.
type Results struct {
	Hits  []Hit
	Total int // all matching articles, not only the first Limit
	Took  time.Duration
}

// Search runs a query. TEMPORARY scaffolding until store/index lands: a
// case-insensitive scan of titles and bodies for every word.
func (s *Store) Search(query string, opts SearchOptions) Results {
	start := time.Now()
	if opts.Limit <= 0 {
		opts.Limit = 50
	}
	words := strings.Fields(strings.ToLower(query))
	var res Results
	for _, a := range s.Articles(ByDate) {
		text := strings.ToLower(a.Title + "\n" + a.Body)
		ok := true
		for _, w := range words {
			if !strings.Contains(text, w) {
				ok = false
				break
			}
		}
		if !ok || opts.Filter != nil && !opts.Filter(a) {
			continue
		}
		res.Total++
		if len(res.Hits) < opts.Limit {
			res.Hits = append(res.Hits, Hit{Article: a, Score: 1, Snippet: a.Summary})
		}
	}
	res.Took = time.Since(start)
	return res
}

// Highlight returns the byte spans in text where the query's terms match, for
// the reader to highlight and to jump between with n/N.
func Highlight(query, text string) []Span {
	var spans []Span
	lower := strings.ToLower(text)
	for _, w := range strings.Fields(strings.ToLower(query)) {
		for i := 0; ; {
			j := strings.Index(lower[i:], w)
			if j < 0 {
				break
			}
			spans = append(spans, Span{i + j, i + j + len(w)})
			i += j + len(w)
		}
	}
	return spans
}
