package server

import (
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/tidings-app/tidings/state"
)

// guestAuth logs in as a guest: keyboard-interactive with no questions.
var guestAuth = gossh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
	if len(qs) > 0 {
		return nil, errors.New("unexpected question")
	}
	return nil, nil
})

// starSeed opens a TUI session that searches for the seed article, stars
// it with f and quits.
func starSeed(t *testing.T, c *gossh.Client) {
	t.Helper()
	p := openPTY(t, c, "dumb", 120, 30, "search khmeimim")
	p.waitFor(t, seedTitle, 5*time.Second)
	io.WriteString(p.stdin, "f")
	p.waitFor(t, "Starred: Russia", 5*time.Second)
	io.WriteString(p.stdin, "q")
	if err := p.waitEnd(t, 5*time.Second); err != nil {
		t.Fatalf("session ended with %v", err)
	}
}

// TestMarksFollowTheKey stars an article in one session and finds it
// starred in the next sessions with the same key, on the state file.
func TestMarksFollowTheKey(t *testing.T) {
	st, err := state.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ts := startServer(t, Config{State: st})
	key := newSigner(t)
	seed := seedArticle(t, sharedStore())

	starSeed(t, ts.client(t, gossh.PublicKeys(key)))
	fp := Fingerprint(key.PublicKey())
	if m, err := st.Mark(fp, seed.ID); err != nil || !m.Starred {
		t.Fatalf("the state file has %+v (%v) for the key, want starred", m, err)
	}

	// A second connection with the same key sees the star, in the TUI
	// (is:starred finds exactly it) and without a terminal.
	c := ts.client(t, gossh.PublicKeys(key))
	p := openPTY(t, c, "dumb", 120, 30, "search is:starred")
	p.waitFor(t, "1 of", 5*time.Second)
	p.waitFor(t, seedTitle, 5*time.Second)
	io.WriteString(p.stdin, "q")
	p.waitEnd(t, 5*time.Second)
	out, _, code := run(t, c, "search --json is:starred")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, seed.ID) || !strings.Contains(out, `"starred":true`) {
		t.Errorf("ssh search --json is:starred: status %d\n%s", code, out)
	}

	// Another key sees nothing starred.
	other := ts.client(t, gossh.PublicKeys(newSigner(t)))
	if out, _, _ := run(t, other, "search is:starred"); strings.Contains(out, seedTitle) {
		t.Errorf("another key sees the star:\n%s", out)
	}
}

// TestGuestMarksVanish stars an article as a guest: nothing reaches the
// shared state, and the next guest session starts clean.
func TestGuestMarksVanish(t *testing.T) {
	st := state.NewMemory()
	ts := startServer(t, Config{State: st})
	seed := seedArticle(t, sharedStore())

	starSeed(t, ts.client(t, guestAuth))
	if m, _ := st.Marks(Guest); len(m) != 0 {
		t.Errorf("a guest's marks reached the shared state: %v", m)
	}
	c := ts.client(t, guestAuth)
	p := openPTY(t, c, "dumb", 120, 30, "search is:starred")
	p.waitFor(t, "No articles match", 5*time.Second)
	io.WriteString(p.stdin, "q")
	p.waitEnd(t, 5*time.Second)
	if out, _, _ := run(t, c, "search --json is:starred"); strings.Contains(out, seed.ID) {
		t.Errorf("the next guest sees the star:\n%s", out)
	}
}
