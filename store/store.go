package store

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/tidings-app/tidings/store/index"
)

// SortOrder is an order of the article list.
type SortOrder int

// The orders of the list, in the order the UI cycles through them.
const (
	ByDate   SortOrder = iota // newest first
	ByTitle                   // A to Z, without case
	BySource                  // A to Z, then newest first
)

// String names the order as the command line spells it.
func (o SortOrder) String() string {
	switch o {
	case ByTitle:
		return "title"
	case BySource:
		return "source"
	}
	return "date"
}

// ParseSortOrder reads "date", "title" or "source".
func ParseSortOrder(s string) (SortOrder, error) {
	switch strings.ToLower(s) {
	case "date", "":
		return ByDate, nil
	case "title":
		return ByTitle, nil
	case "source":
		return BySource, nil
	}
	return ByDate, fmt.Errorf("unknown sort %q (want date, title or source)", s)
}

// Store holds the library in memory: the articles, their sorted views and the
// search index. It is built once per process and shared by every session; all
// methods are safe for concurrent use, and the library can change underneath
// (live reload) without blocking readers for long: sorted views are replaced,
// never modified, so a slice a caller holds stays valid.
type Store struct {
	mu      sync.RWMutex
	ix      *index.Index
	docs    []*Article // by index.DocNum; nil once removed
	byID    map[string]*Article
	byFile  map[fileKey][]*Article
	sorted  [3][]*Article   // one view per SortOrder; nil until asked for
	arrived map[string]bool // ids added after the first load
	runs    dateRuns        // while loading: the date view so far
	version uint64
	subs    map[chan struct{}]struct{}
}

// fileKey names a file: its root's name and its path under the root.
type fileKey struct{ root, rel string }

func newStore() *Store {
	return &Store{
		ix:      index.New(),
		byID:    map[string]*Article{},
		byFile:  map[fileKey][]*Article{},
		arrived: map[string]bool{},
		subs:    map[chan struct{}]struct{}{},
	}
}

// New builds a Store from loaded articles and indexes them (in parallel).
func New(arts []Article) *Store {
	s := newStore()
	docs := make([]index.Doc, len(arts))
	for i := range arts {
		docs[i] = indexDoc(&arts[i])
	}
	nums := s.ix.Add(docs...)
	s.docs = make([]*Article, len(arts))
	for i := range arts {
		a := &arts[i]
		a.doc = nums[i]
		s.docs[nums[i]] = a
		s.byID[a.ID] = a
		k := fileKey{a.Root, a.Path}
		s.byFile[k] = append(s.byFile[k], a)
	}
	s.finishSorted()
	return s
}

// addChunk merges a chunk that a loading worker read, parsed and tokenized
// into the Store and its index, and reports its files; chunks come in walk
// order. It appends the chunk's skipped files to skipped.
func (s *Store) addChunk(c *chunk, roots []Root, rep *Report, skipped []Problem) []Problem {
	var nums []index.DocNum
	if c.batch != nil {
		nums = s.ix.Merge(c.batch)
		c.batch = nil
	}
	ptrs := c.ptrs // byFile's slices share it
	s.mu.Lock()
	defer s.mu.Unlock()
	for fi := range c.files {
		f := &c.files[fi]
		j := &c.jobs[fi]
		rep.Bytes += f.bytes
		if f.skip != "" {
			skipped = append(skipped, Problem{displayPath(roots[j.root], j.relPath), f.skip})
			continue
		}
		for _, warn := range f.warnings {
			rep.Warnings = append(rep.Warnings, Problem{displayPath(roots[j.root], j.relPath), warn})
		}
		for _, a := range ptrs[f.first : f.first+f.n] {
			if _, dup := s.byID[a.ID]; dup { // same relative path under two roots
				a.ID = makeID(a.Root, a.Path, a.ID)
			}
			s.byID[a.ID] = a
		}
		if f.n > 0 {
			k := fileKey{roots[j.root].Name, j.relPath}
			if old, ok := s.byFile[k]; ok { // two roots of one name
				s.byFile[k] = append(old[:len(old):len(old)], ptrs[f.first:f.first+f.n]...)
			} else {
				s.byFile[k] = ptrs[f.first : f.first+f.n : f.first+f.n]
			}
		}
	}
	for i, a := range ptrs {
		a.doc = nums[i]
		if need := int(a.doc) + 1; need > len(s.docs) {
			s.docs = append(s.docs, make([]*Article, need-len(s.docs))...)
		}
		s.docs[a.doc] = a
	}
	s.runs.add(c.byDate)
	c.jobs, c.files, c.ptrs, c.byDate = nil, nil, nil, nil
	return skipped
}

// finish makes the date view once every article is in: what is left of the
// merge of the chunks' sorted runs.
func (s *Store) finish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sorted[ByDate] = s.runs.merged()
	s.runs = dateRuns{}
}

// finishSorted makes the date view by sorting every article.
func (s *Store) finishSorted() {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := make([]*Article, 0, len(s.byID))
	for _, a := range s.docs {
		if a != nil {
			all = append(all, a)
		}
	}
	sortArticles(all, ByDate)
	s.sorted[ByDate] = all
}

// dateRuns merges runs of articles sorted by date, given in document order,
// into one as they come (Load's chunks, each sorted by its worker). A run is
// merged with the one before it while that one is no longer, so there are
// a logarithmic number of runs, each article is copied about log(chunks)
// times, and little is left to do once the last chunk is in.
type dateRuns struct{ runs [][]*Article }

func (d *dateRuns) add(run []*Article) {
	d.runs = append(d.runs, run)
	for n := len(d.runs); n >= 2 && len(d.runs[n-2]) <= len(d.runs[n-1]); n-- {
		d.runs[n-2] = mergeByDate(d.runs[n-2], d.runs[n-1])
		d.runs = d.runs[:n-1]
	}
}

// merged returns every run merged into one.
func (d *dateRuns) merged() []*Article {
	if len(d.runs) == 0 {
		return []*Article{}
	}
	for n := len(d.runs); n >= 2; n-- {
		d.runs[n-2] = mergeByDate(d.runs[n-2], d.runs[n-1])
	}
	return d.runs[0]
}

// mergeByDate merges two runs sorted by date; on a tie the article of a,
// the earlier run, comes first, as a stable sort would have it.
func mergeByDate(a, b []*Article) []*Article {
	out := make([]*Article, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if byDate(b[0], a[0]) < 0 {
			out = append(out, b[0])
			b = b[1:]
		} else {
			out = append(out, a[0])
			a = a[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}

// byDate orders articles newest first, then by root and path.
func byDate(a, b *Article) int {
	if c := b.Published.Compare(a.Published); c != 0 {
		return c
	}
	if c := strings.Compare(a.Root, b.Root); c != 0 {
		return c
	}
	return strings.Compare(a.Path, b.Path)
}

// indexDoc is what the index keeps of an article.
func indexDoc(a *Article) index.Doc {
	return index.Doc{
		Title: a.Title, Source: a.Source, Section: a.Section, Author: a.Author,
		Tags: a.Tags, Body: a.Body, Published: a.Published,
	}
}

func indexDocs(arts []*Article) []index.Doc {
	docs := make([]index.Doc, len(arts))
	for i, a := range arts {
		docs[i] = indexDoc(a)
	}
	return docs
}

// Len is the number of articles.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.byID)
}

// Version counts changes to the library; it grows with every live update.
func (s *Store) Version() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.version
}

// Articles returns every article in the given order. The slice is shared:
// callers must not modify it.
func (s *Store) Articles(order SortOrder) []*Article {
	s.mu.RLock()
	v := s.sorted[order]
	s.mu.RUnlock()
	if v != nil {
		return v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sorted[order] == nil {
		v := append([]*Article(nil), s.sorted[ByDate]...)
		sortArticles(v, order)
		s.sorted[order] = v
	}
	return s.sorted[order]
}

// Get finds an article by its full ID.
func (s *Store) Get(id string) (*Article, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.byID[id]
	return a, ok
}

// Find resolves what a user typed: a full ID, a unique ID prefix (at least
// four characters), or a path, relative to a root or as given on disk.
func (s *Store) Find(ref string) (*Article, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, fmt.Errorf("no article named")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if a, ok := s.byID[strings.ToLower(ref)]; ok {
		return a, nil
	}
	if a := s.findPath(ref); a != nil {
		return a, nil
	}
	if len(ref) >= 4 && isHex(ref) {
		prefix := strings.ToLower(ref)
		var found []*Article
		for id, a := range s.byID {
			if strings.HasPrefix(id, prefix) {
				found = append(found, a)
			}
		}
		switch len(found) {
		case 1:
			return found[0], nil
		case 0:
		default:
			return nil, fmt.Errorf("%s matches %d articles; give more of the id", ref, len(found))
		}
	}
	return nil, fmt.Errorf("no article with id or path %s", ref)
}

func (s *Store) findPath(ref string) *Article {
	slashed := filepath.ToSlash(filepath.Clean(ref))
	var match *Article
	for _, a := range s.byID {
		if a.Path == slashed {
			if match != nil {
				return nil // ambiguous across roots; an absolute path decides
			}
			match = a
		}
	}
	if match != nil {
		return match
	}
	abs, err := filepath.Abs(ref)
	if err != nil {
		return nil
	}
	for _, a := range s.byID {
		if a.Root == "" {
			continue
		}
		rootAbs, err := filepath.Abs(a.Root)
		if err != nil {
			continue
		}
		if filepath.Join(rootAbs, filepath.FromSlash(a.Path)) == abs {
			return a
		}
	}
	return nil
}

func isHex(s string) bool {
	for _, c := range strings.ToLower(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// sortArticles orders articles; ties fall back to the path so every run
// lists the same library the same way, and articles of one file stay in the
// order they were added (by date: in document order, which is that order).
func sortArticles(v []*Article, order SortOrder) {
	if order == ByDate {
		// An unstable sort with the document number as the last key is a
		// stable sort of articles added in document order, several times
		// faster.
		slices.SortFunc(v, func(a, b *Article) int {
			if c := byDate(a, b); c != 0 {
				return c
			}
			return cmp.Compare(a.doc, b.doc)
		})
		return
	}
	less := func(a, b *Article) bool {
		switch order {
		case ByTitle:
			if c := strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)); c != 0 {
				return c < 0
			}
		case BySource:
			if c := strings.Compare(strings.ToLower(a.Source), strings.ToLower(b.Source)); c != 0 {
				return c < 0
			}
			fallthrough
		default:
			if !a.Published.Equal(b.Published) {
				return a.Published.After(b.Published)
			}
		}
		if a.Root != b.Root {
			return a.Root < b.Root
		}
		return a.Path < b.Path
	}
	sort.SliceStable(v, func(i, j int) bool { return less(v[i], v[j]) })
}
