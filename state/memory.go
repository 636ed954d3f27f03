package state

import (
	"maps"
	"sync"
	"time"
)

// memoryStore keeps marks in maps guarded by one lock; sessions only contend
// for the few nanoseconds a map access takes.
type memoryStore struct {
	mu      sync.RWMutex
	closed  bool
	marks   map[string]map[string]Mark // user -> article ID -> mark
	queries map[string]string          // user -> last query
}

// NewMemory returns a Store that keeps everything in memory and forgets it on
// exit: for SSH guests, tests, and as the fallback when the state file cannot
// be used. Its ReadOnly reports true because nothing is persisted, but its Set
// methods succeed.
func NewMemory() Store {
	return &memoryStore{
		marks:   make(map[string]map[string]Mark),
		queries: make(map[string]string),
	}
}

func (s *memoryStore) Marks(user string) (map[string]Mark, error) {
	if err := checkKey("user", user); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	out := maps.Clone(s.marks[user])
	if out == nil {
		out = make(map[string]Mark)
	}
	return out, nil
}

func (s *memoryStore) Mark(user, articleID string) (Mark, error) {
	if err := checkKeys(user, articleID); err != nil {
		return Mark{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return Mark{}, ErrClosed
	}
	return s.marks[user][articleID], nil
}

// modify applies change to one mark under the write lock, dropping marks that
// end up empty so that memory use follows what users actually did.
func (s *memoryStore) modify(user, articleID string, change func(*Mark)) error {
	if err := checkKeys(user, articleID); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	um := s.marks[user]
	m := um[articleID]
	change(&m)
	if m.IsZero() {
		delete(um, articleID)
		if len(um) == 0 {
			delete(s.marks, user)
		}
		return nil
	}
	if um == nil {
		um = make(map[string]Mark)
		s.marks[user] = um
	}
	um[articleID] = m
	return nil
}

func (s *memoryStore) SetRead(user, articleID string, read bool) error {
	now := time.Now()
	return s.modify(user, articleID, func(m *Mark) { applyRead(m, read, now) })
}

func (s *memoryStore) SetStarred(user, articleID string, starred bool) error {
	return s.modify(user, articleID, func(m *Mark) { m.Starred = starred })
}

func (s *memoryStore) SetPosition(user, articleID string, line int, percent float64) error {
	line, percent, err := clampPosition(line, percent)
	if err != nil {
		return err
	}
	return s.modify(user, articleID, func(m *Mark) { m.Line, m.Percent = line, percent })
}

func (s *memoryStore) LastQuery(user string) (string, error) {
	if err := checkKey("user", user); err != nil {
		return "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return "", ErrClosed
	}
	return s.queries[user], nil
}

func (s *memoryStore) SetLastQuery(user, q string) error {
	if err := checkKey("user", user); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if q == "" {
		delete(s.queries, user)
	} else {
		s.queries[user] = q
	}
	return nil
}

func (s *memoryStore) ReadOnly() bool { return true }

func (s *memoryStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.marks, s.queries = nil, nil
	return nil
}
