package store

import (
	"slices"
	"strings"
)

// fileChange is the new content of one file of a root: the articles parsed
// from it, or none when the file is gone or no longer loads.
type fileChange struct {
	root, rel string
	arts      []Article
}

// Subscribe returns a channel that receives a value after the library
// changes (changes coalesce: one value may stand for several), and a
// function to stop the subscription. Every UI session subscribes to follow
// live updates.
func (s *Store) Subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	s.subs[ch] = struct{}{}
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		delete(s.subs, ch)
		s.mu.Unlock()
	}
}

// IsNew reports whether an article arrived through a live update, after
// the library was first loaded.
func (s *Store) IsNew(id string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.arrived[id]
}

// apply replaces the articles of the changed files, updates the index and
// the sorted views, and tells subscribers. Tokenizing happens before the
// write lock is taken, so searches keep running meanwhile.
func (s *Store) apply(changes []fileChange) {
	if len(changes) == 0 {
		return
	}
	var added []*Article
	for ci := range changes {
		c := &changes[ci]
		for k := range c.arts {
			a := &c.arts[k]
			a.Root, a.Path = c.root, c.rel
			added = append(added, a)
		}
	}
	s.mu.RLock()
	for _, a := range added {
		// IDs were hashed from the path by the parser's caller; one that
		// belongs to another root's file gets the root-salted id, as in Load.
		if old, ok := s.byID[a.ID]; ok && old.Root != a.Root {
			a.ID = makeID(a.Root, a.Path, a.ID)
		}
	}
	s.mu.RUnlock()
	nums := s.ix.Add(indexDocs(added)...)
	for i, a := range added {
		a.doc = nums[i]
	}

	s.mu.Lock()
	var removed []*Article
	for _, c := range changes {
		k := fileKey{c.root, c.rel}
		removed = append(removed, s.byFile[k]...)
		delete(s.byFile, k)
	}
	prev := make(map[string]bool, len(removed))
	for _, a := range removed {
		prev[a.ID] = true
		delete(s.byID, a.ID)
		s.docs[a.doc] = nil
	}
	if len(nums) > 0 {
		if need := int(nums[len(nums)-1]) + 1; need > len(s.docs) {
			s.docs = append(s.docs, make([]*Article, need-len(s.docs))...)
		}
	}
	for _, a := range added {
		s.docs[a.doc] = a
		s.byID[a.ID] = a
		k := fileKey{a.Root, a.Path}
		s.byFile[k] = append(s.byFile[k], a)
		if !prev[a.ID] {
			s.arrived[a.ID] = true
		}
	}
	gone := make(map[*Article]bool, len(removed))
	for _, a := range removed {
		gone[a] = true
		if s.byID[a.ID] == nil {
			delete(s.arrived, a.ID)
		}
	}
	// Replace the date view rather than edit it: sessions may be holding
	// the old slice.
	view := make([]*Article, 0, len(s.sorted[ByDate])+len(added))
	for _, a := range s.sorted[ByDate] {
		if !gone[a] {
			view = append(view, a)
		}
	}
	view = append(view, added...)
	sortArticles(view, ByDate)
	s.sorted = [3][]*Article{ByDate: view}
	s.version++
	for ch := range s.subs {
		select {
		case ch <- struct{}{}:
		default: // a notification is already pending
		}
	}
	s.mu.Unlock()

	for _, a := range removed {
		s.ix.Remove(a.doc)
	}
}

// filesUnder lists the files of a root below a folder (for a folder that
// was removed or renamed as a whole).
func (s *Store) filesUnder(root, relDir string) []string {
	prefix := relDir + "/"
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for k := range s.byFile {
		if k.root == root && strings.HasPrefix(k.rel, prefix) {
			out = append(out, k.rel)
		}
	}
	slices.Sort(out)
	return out
}
