package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// lockTimeout is how long an operation waits for another process's write to
// finish. Writes take milliseconds, so a lock held longer than this belongs
// to a program that keeps the file open, and waiting more would freeze the UI.
const lockTimeout = time.Second

// metaBucket is the sub-bucket of a user's bucket that holds per-user records
// other than marks. Its NUL prefix cannot clash with an article ID because
// checkKey rejects NUL bytes.
var metaBucket = []byte("\x00meta")

// lastQueryKey is the key of the last search query inside metaBucket.
var lastQueryKey = []byte("last_query")

// boltStore keeps state in a bbolt file that it opens for every operation and
// closes right after, so that several processes (a local `tidings` and
// `tidings serve`) can take turns writing to it; bbolt's flock admits only
// one writer at a time.
type boltStore struct {
	path     string
	readOnly bool

	// opMu serialises disk operations of this Store, which the file lock
	// would do anyway, and makes the cache follow the order in which
	// operations hit the disk.
	opMu sync.Mutex

	// cacheMu guards cache and closed. Cache hits take only the read lock so
	// they never wait behind another session's fsync.
	cacheMu sync.RWMutex
	closed  bool
	cache   map[string]*userCache
}

// userCache is what this Store has seen of one user's state, either read from
// disk or written by this Store. Another process's later writes are not seen
// until the next Marks call, which always rereads.
type userCache struct {
	complete   bool            // marks holds every mark of the user
	marks      map[string]Mark // may hold zero Marks for IDs known to be unmarked
	query      string
	queryKnown bool
}

// Open returns a Store backed by the bbolt file at path, creating the file
// (mode 0600) and its directory (mode 0700) if needed. It checks the file's
// consistency once, then opens it again for every operation rather than
// holding it, so other processes can use it between operations.
//
// When the file exists and can be read but not written, Open returns a
// read-only Store (ReadOnly reports true, Set methods fail with ErrReadOnly)
// and no error. Errors wrap ErrLocked or ErrCorrupt when those are the cause.
func Open(path string) (Store, error) {
	if path == "" {
		return nil, errors.New("opening state: no state file path (no home directory?)")
	}
	s := &boltStore{path: path, cache: make(map[string]*userCache)}
	// An unwritable directory is fine if the file is already there: the
	// read-only fallback below may still work.
	dirErr := os.MkdirAll(filepath.Dir(path), 0o700)
	err := s.verify(false)
	if err == nil {
		return s, nil
	}
	if _, statErr := os.Stat(path); statErr == nil && isPermission(err) {
		if roErr := s.verify(true); roErr == nil {
			s.readOnly = true
			return s, nil
		}
	}
	if dirErr != nil {
		return nil, fmt.Errorf("creating state directory: %w", dirErr)
	}
	return nil, err
}

// OpenOrFallback is Open that never fails, for the UI: on any problem it
// returns the best store it can, a read-only one when the file can at least
// be read, a memory one otherwise, together with a one-line warning saying
// what happened and that marks will not be saved. warning is nil when the
// file is fully usable; it wraps ErrReadOnly, ErrLocked or ErrCorrupt when
// one of those is the cause.
func OpenOrFallback(path string) (Store, error) {
	s, err := Open(path)
	switch {
	case err == nil && s.ReadOnly():
		return s, fmt.Errorf("%w: %s can be read but not written; marks made now won't be saved", ErrReadOnly, path)
	case err == nil:
		return s, nil
	case path == "":
		return NewMemory(), errors.New("no place for the state file (no home directory); marks won't be saved")
	case errors.Is(err, ErrLocked):
		return NewMemory(), oneLine(fmt.Errorf("%w (waited %s); marks won't be saved this session", err, lockTimeout))
	case errors.Is(err, ErrCorrupt):
		return NewMemory(), oneLine(fmt.Errorf("%w; it is left untouched and marks won't be saved this session (move it away to start afresh)", err))
	default:
		return NewMemory(), oneLine(fmt.Errorf("cannot use the state file: %w; marks won't be saved this session", err))
	}
}

// oneLine keeps a warning to one line, as a status bar needs, even when a
// cause (a bbolt panic value, say) spans several.
func oneLine(err error) error {
	msg := err.Error()
	if !strings.ContainsAny(msg, "\r\n") {
		return err
	}
	return &lineError{msg: strings.Join(strings.Fields(msg), " "), err: err}
}

// lineError is an error with a flattened message that still unwraps to the
// original, so errors.Is keeps working on warnings.
type lineError struct {
	msg string
	err error
}

func (e *lineError) Error() string { return e.msg }
func (e *lineError) Unwrap() error { return e.err }

// verify opens the file once and walks every page, so that a damaged file is
// reported at start-up rather than half-way through a session.
func (s *boltStore) verify(readOnly bool) error {
	run := s.update
	if readOnly {
		run = s.view
	}
	return run(func(tx *bolt.Tx) error {
		var first error
		// Drain the channel: Check's goroutine blocks until every error is
		// taken, and the transaction must not end while it reads pages.
		for err := range tx.Check() {
			if first == nil {
				first = fmt.Errorf("%w: %s: %v", ErrCorrupt, s.path, err)
			}
		}
		return first
	})
}

// update runs fn in a write transaction on a freshly opened database. The
// transaction is committed (and fsynced by bbolt) before update returns, so
// a kill at any later moment keeps the change and a kill before it keeps the
// previous state.
func (s *boltStore) update(fn func(*bolt.Tx) error) (err error) {
	db, err := s.openDB(false)
	if err != nil {
		return err
	}
	defer s.closeDB(db, &err)
	defer s.recoverCorrupt(&err)
	return db.Update(fn)
}

// view runs fn in a read transaction under a shared lock. A missing or empty
// file reads as no state at all, without creating it.
func (s *boltStore) view(fn func(*bolt.Tx) error) (err error) {
	if fi, statErr := os.Stat(s.path); statErr != nil {
		if errors.Is(statErr, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("reading state %s: %w", s.path, statErr)
	} else if fi.Size() == 0 {
		// A read-only bbolt open would try to initialise the empty file.
		return nil
	}
	db, err := s.openDB(true)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	defer s.closeDB(db, &err)
	defer s.recoverCorrupt(&err)
	return db.View(fn)
}

func (s *boltStore) openDB(readOnly bool) (*bolt.DB, error) {
	// bbolt can panic on a damaged file after it has taken the lock and
	// mapped the file, and a panicking Open returns no DB to close. Keep the
	// file so the recovery can unlock it explicitly: closing alone would not
	// release the lock while the (leaked, read-only) mapping still refers to
	// the file, and this process would hold it until it exits.
	var file *os.File
	openFile := func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		file = f
		return f, err
	}
	var db *bolt.DB
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				if file != nil {
					unlockFile(file)
					_ = file.Close()
				}
				err = fmt.Errorf("%w: %s: %v", ErrCorrupt, s.path, r)
			}
		}()
		db, err = bolt.Open(s.path, 0o600, &bolt.Options{Timeout: lockTimeout, ReadOnly: readOnly, OpenFile: openFile})
		return err
	}()
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, ErrCorrupt):
		return nil, err
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("%w: %s", ErrLocked, s.path)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum),
		errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrInvalidMapping):
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, s.path, err)
	default:
		return nil, fmt.Errorf("opening state %s: %w", s.path, err)
	}
}

func (s *boltStore) closeDB(db *bolt.DB, err *error) {
	if cerr := db.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("closing state %s: %w", s.path, cerr)
	}
}

// recoverCorrupt turns a bbolt panic, which only a damaged file causes, into
// ErrCorrupt so that one bad file cannot take down a server of many users.
func (s *boltStore) recoverCorrupt(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %s: %v", ErrCorrupt, s.path, r)
	}
}

// isPermission reports whether err means "you may not write here", which is
// the one failure that a read-only open can work around.
func isPermission(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}

func (s *boltStore) isClosed() bool {
	s.cacheMu.RLock()
	defer s.cacheMu.RUnlock()
	return s.closed
}

// userLocked returns the cache entry of user, creating it. cacheMu must be
// held for writing.
func (s *boltStore) userLocked(user string) *userCache {
	uc := s.cache[user]
	if uc == nil {
		uc = &userCache{marks: make(map[string]Mark)}
		s.cache[user] = uc
	}
	return uc
}

// Marks rereads every mark of user from the file, so a new session sees what
// other processes wrote, and refreshes the cache with it.
func (s *boltStore) Marks(user string) (map[string]Mark, error) {
	if err := checkKey("user", user); err != nil {
		return nil, err
	}
	s.opMu.Lock()
	defer s.opMu.Unlock()
	if s.isClosed() {
		return nil, ErrClosed
	}
	marks := make(map[string]Mark)
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(user))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			if v == nil { // a sub-bucket such as metaBucket
				return nil
			}
			// An undecodable value (written by a future version, or a
			// flipped bit) costs that one mark, not all of them.
			if m, err := decodeMark(v); err == nil && !m.IsZero() {
				marks[string(k)] = m
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	uc := s.userLocked(user)
	uc.complete = true
	uc.marks = make(map[string]Mark, len(marks))
	for id, m := range marks {
		uc.marks[id] = m
	}
	return marks, nil
}

// Mark answers from the cache when it can: the UI asks for the same marks on
// every redraw of a list.
func (s *boltStore) Mark(user, articleID string) (Mark, error) {
	if err := checkKeys(user, articleID); err != nil {
		return Mark{}, err
	}
	if m, ok, err := s.cachedMark(user, articleID); ok || err != nil {
		return m, err
	}
	s.opMu.Lock()
	defer s.opMu.Unlock()
	var m Mark
	err := s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte(user)); b != nil {
			if v := b.Get([]byte(articleID)); v != nil {
				m, _ = decodeMark(v) // undecodable reads as unmarked, as in Marks
			}
		}
		return nil
	})
	if err != nil {
		return Mark{}, err
	}
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	if s.closed {
		return Mark{}, ErrClosed
	}
	s.userLocked(user).marks[articleID] = m
	return m, nil
}

func (s *boltStore) cachedMark(user, articleID string) (Mark, bool, error) {
	s.cacheMu.RLock()
	defer s.cacheMu.RUnlock()
	if s.closed {
		return Mark{}, false, ErrClosed
	}
	uc := s.cache[user]
	if uc == nil {
		return Mark{}, false, nil
	}
	m, ok := uc.marks[articleID]
	return m, ok || uc.complete, nil
}

// modify changes one mark in a write transaction. It starts from the mark on
// disk, not the cached one, so that two processes changing different fields
// of the same mark (one stars, the other records a position) keep both.
func (s *boltStore) modify(user, articleID string, change func(*Mark)) error {
	if err := checkKeys(user, articleID); err != nil {
		return err
	}
	if s.readOnly {
		return ErrReadOnly
	}
	s.opMu.Lock()
	defer s.opMu.Unlock()
	if s.isClosed() {
		return ErrClosed
	}
	var result Mark
	err := s.update(func(tx *bolt.Tx) error {
		ub, id := []byte(user), []byte(articleID)
		b := tx.Bucket(ub)
		var m Mark
		if b != nil {
			if v := b.Get(id); v != nil {
				m, _ = decodeMark(v)
			}
		}
		change(&m)
		result = m
		if m.IsZero() {
			return deleteKey(tx, b, ub, id)
		}
		v, err := encodeMark(m)
		if err != nil {
			return err
		}
		if b == nil {
			if b, err = tx.CreateBucket(ub); err != nil {
				return err
			}
		}
		return b.Put(id, v)
	})
	if err != nil {
		return fmt.Errorf("saving mark: %w", err)
	}
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	if !s.closed {
		s.userLocked(user).marks[articleID] = result
	}
	return nil
}

// deleteKey removes id from the user bucket b (which may be nil) and drops the
// bucket once it is empty, so users who undo everything leave no trace.
func deleteKey(tx *bolt.Tx, b *bolt.Bucket, user, id []byte) error {
	if b == nil {
		return nil
	}
	if err := b.Delete(id); err != nil {
		return err
	}
	if k, _ := b.Cursor().First(); k == nil {
		return tx.DeleteBucket(user)
	}
	return nil
}

func (s *boltStore) SetRead(user, articleID string, read bool) error {
	now := time.Now()
	return s.modify(user, articleID, func(m *Mark) { applyRead(m, read, now) })
}

func (s *boltStore) SetStarred(user, articleID string, starred bool) error {
	return s.modify(user, articleID, func(m *Mark) { m.Starred = starred })
}

func (s *boltStore) SetPosition(user, articleID string, line int, percent float64) error {
	line, percent, err := clampPosition(line, percent)
	if err != nil {
		return err
	}
	return s.modify(user, articleID, func(m *Mark) { m.Line, m.Percent = line, percent })
}

func (s *boltStore) LastQuery(user string) (string, error) {
	if err := checkKey("user", user); err != nil {
		return "", err
	}
	s.cacheMu.RLock()
	closed, uc := s.closed, s.cache[user]
	if uc != nil && uc.queryKnown {
		q := uc.query
		s.cacheMu.RUnlock()
		return q, nil
	}
	s.cacheMu.RUnlock()
	if closed {
		return "", ErrClosed
	}

	s.opMu.Lock()
	defer s.opMu.Unlock()
	var q string
	err := s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte(user)); b != nil {
			if mb := b.Bucket(metaBucket); mb != nil {
				q = string(mb.Get(lastQueryKey))
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	if s.closed {
		return "", ErrClosed
	}
	uc = s.userLocked(user)
	uc.query, uc.queryKnown = q, true
	return q, nil
}

func (s *boltStore) SetLastQuery(user, q string) error {
	if err := checkKey("user", user); err != nil {
		return err
	}
	if s.readOnly {
		return ErrReadOnly
	}
	s.opMu.Lock()
	defer s.opMu.Unlock()
	if s.isClosed() {
		return ErrClosed
	}
	err := s.update(func(tx *bolt.Tx) error {
		ub := []byte(user)
		b := tx.Bucket(ub)
		if q == "" {
			if b == nil || b.Bucket(metaBucket) == nil {
				return nil
			}
			if err := b.DeleteBucket(metaBucket); err != nil {
				return err
			}
			if k, _ := b.Cursor().First(); k == nil {
				return tx.DeleteBucket(ub)
			}
			return nil
		}
		b, err := tx.CreateBucketIfNotExists(ub)
		if err != nil {
			return err
		}
		mb, err := b.CreateBucketIfNotExists(metaBucket)
		if err != nil {
			return err
		}
		return mb.Put(lastQueryKey, []byte(q))
	})
	if err != nil {
		return fmt.Errorf("saving last query: %w", err)
	}
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	if !s.closed {
		uc := s.userLocked(user)
		uc.query, uc.queryKnown = q, true
	}
	return nil
}

func (s *boltStore) ReadOnly() bool { return s.readOnly }

// Close only drops the cache: no file handle outlives an operation.
func (s *boltStore) Close() error {
	s.opMu.Lock()
	defer s.opMu.Unlock()
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	s.closed = true
	s.cache = nil
	return nil
}
