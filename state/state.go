// Package state keeps each user's reading state: which articles were read and
// when, which are starred, how far into an article the reader got, and the
// last search query.
//
// Users are plain strings: the local OS user name, or an SSH key fingerprint
// ("SHA256:…") when Tidings is served over SSH. Article IDs are the stable IDs
// of the store package, but this package does not import it: it only needs
// strings, so a networked database can implement [Store] later without
// touching the rest of the program.
//
// Two implementations exist. [NewMemory] keeps everything in memory (SSH
// guests, tests, and the fallback when the state file cannot be used). [Open]
// keeps state in a bbolt file that a local `tidings` and a `tidings serve`
// share: it opens the file for each operation instead of for the process
// lifetime, because bbolt allows only one writing process at a time.
package state

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Mark is what one user has done with one article. The zero Mark means
// "never touched" and is never stored.
type Mark struct {
	// Read reports whether the user has read the article.
	Read bool
	// ReadAt is when the article was last marked read; zero when unread.
	ReadAt time.Time
	// Starred reports whether the user starred the article.
	Starred bool
	// Line is the first visible line of the reader view when the user left it.
	Line int
	// Percent is how far through the article the user got, clamped to 0–100.
	Percent float64
}

// IsZero reports whether m carries no state at all, in which case stores
// delete it rather than keep an empty record.
func (m Mark) IsZero() bool {
	return !m.Read && m.ReadAt.IsZero() && !m.Starred && m.Line == 0 && m.Percent == 0
}

// Store is per-user reading state. Implementations are safe for concurrent
// use by many sessions.
type Store interface {
	// Marks returns every mark of user keyed by article ID. It always asks
	// the backing storage, so a session should call it once at start rather
	// than per redraw. The map belongs to the caller.
	Marks(user string) (map[string]Mark, error)
	// Mark returns the mark of one article; the zero Mark when there is none.
	Mark(user, articleID string) (Mark, error)
	// SetRead marks an article read (recording time.Now() as ReadAt) or unread
	// (clearing ReadAt).
	SetRead(user, articleID string, read bool) error
	// SetStarred stars or unstars an article.
	SetStarred(user, articleID string, starred bool) error
	// SetPosition records the reading position: a line offset, clamped to be
	// non-negative, and a percentage, clamped to 0–100. NaN is rejected.
	SetPosition(user, articleID string, line int, percent float64) error
	// LastQuery returns the user's last search query, or "".
	LastQuery(user string) (string, error)
	// SetLastQuery remembers q as the user's last query; "" forgets it.
	SetLastQuery(user, q string) error
	// ReadOnly reports whether writes are not persisted: true for the memory
	// store (writes last for the process) and for a state file opened
	// read-only (writes fail with ErrReadOnly).
	ReadOnly() bool
	// Close releases the store. Calls after Close fail with ErrClosed.
	Close() error
}

var (
	// ErrReadOnly is returned by the Set methods of a store whose file could
	// be read but not written; callers keep such marks in memory instead.
	ErrReadOnly = errors.New("state file is read-only")
	// ErrLocked means another program held the state file for longer than
	// the store is willing to wait.
	ErrLocked = errors.New("state file is locked by another program")
	// ErrCorrupt means the state file is not a valid state database.
	ErrCorrupt = errors.New("state file is damaged")
	// ErrInvalidKey rejects a user or article ID that is empty, longer than
	// 1024 bytes or contains a NUL byte (NUL-prefixed names are reserved for
	// the store's own records).
	ErrInvalidKey = errors.New("invalid user or article ID")
	// ErrClosed is returned by every method called after Close.
	ErrClosed = errors.New("state store is closed")
)

// maxKeyLen bounds users and article IDs well below bbolt's 32 KiB key
// limit; real ones (hex IDs, SSH fingerprints, login names) are far shorter.
const maxKeyLen = 1024

// checkKey validates a user or article ID. Both implementations use it so
// that swapping one for the other never changes what is accepted.
func checkKey(kind, s string) error {
	switch {
	case s == "":
		return fmt.Errorf("%w: empty %s", ErrInvalidKey, kind)
	case len(s) > maxKeyLen:
		return fmt.Errorf("%w: %s longer than %d bytes", ErrInvalidKey, kind, maxKeyLen)
	case strings.IndexByte(s, 0) >= 0:
		return fmt.Errorf("%w: %s contains a NUL byte", ErrInvalidKey, kind)
	}
	return nil
}

func checkKeys(user, articleID string) error {
	if err := checkKey("user", user); err != nil {
		return err
	}
	return checkKey("article ID", articleID)
}

// clampPosition normalises a reading position so that every implementation
// stores the same thing; NaN has no sensible clamp and JSON cannot encode it.
func clampPosition(line int, percent float64) (int, float64, error) {
	if math.IsNaN(percent) {
		return 0, 0, errors.New("reading position: percent is NaN")
	}
	return max(line, 0), min(max(percent, 0), 100), nil
}

// applyRead is the one definition of what SetRead does to a mark. ReadAt loses
// its monotonic clock reading so that a stored and a freshly set time compare
// the same way.
func applyRead(m *Mark, read bool, now time.Time) {
	m.Read = read
	if read {
		m.ReadAt = now.Round(0)
	} else {
		m.ReadAt = time.Time{}
	}
}

// DefaultPath is where the state file lives: $XDG_STATE_HOME/tidings/state.db,
// or ~/.local/state/tidings/state.db when XDG_STATE_HOME is unset or relative
// (the XDG spec says to ignore relative values). It returns "" when there is
// no home directory either; Open then fails and OpenOrFallback uses memory.
func DefaultPath() string {
	if dir := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "tidings", "state.db")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".local", "state", "tidings", "state.db")
}
