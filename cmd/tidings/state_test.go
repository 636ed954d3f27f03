package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildForTmux builds the binary with the real Go environment (the tests
// change HOME only for the binary they run, so go build downloads
// nothing), or skips when tmux is missing or under -short.
func buildForTmux(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary and drives tmux")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	bin := filepath.Join(t.TempDir(), "tidings")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// isolatedEnv is an environment whose home, data and state folders are
// fresh temporary ones, so the user's own marks and library are not seen.
func isolatedEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	return []string{
		"HOME=" + home,
		"XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"XDG_DATA_HOME=" + filepath.Join(home, "data"),
		"TIDINGS_DIR=",
	}
}

// startTUI runs the binary with args in a private tmux server and returns
// the session and the file its exit status is written to.
func startTUI(t *testing.T, bin string, env []string, args ...string) (*tmuxSession, string) {
	t.Helper()
	dir := t.TempDir()
	exitFile := filepath.Join(dir, "exit")
	var quoted []string
	for _, a := range args {
		quoted = append(quoted, "'"+a+"'")
	}
	script := fmt.Sprintf("env %s TERM=xterm-256color %s %s; echo EXIT=$? > %s",
		strings.Join(env, " "), bin, strings.Join(quoted, " "), exitFile)
	s := &tmuxSession{t: t, socket: fmt.Sprintf("tidings-state-%d-%d", os.Getpid(), time.Now().UnixNano()), name: "tui"}
	s.run("new-session", "-d", "-s", s.name, "-x", "100", "-y", "30", "sh", "-c", script)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	return s, exitFile
}

type markedRecord struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Read    *bool  `json:"read"`
	Starred *bool  `json:"starred"`
}

func jsonRecords(t *testing.T, bin string, env []string, args ...string) []markedRecord {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tidings %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var recs []markedRecord
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r markedRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("bad JSON line %q: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	return recs
}

// TestMarksInTmux is the acceptance: open the seed article from a
// search, go back, star it from the list, quit; the command line then sees
// it read and starred and everything else untouched.
func TestMarksInTmux(t *testing.T) {
	bin := buildForTmux(t)
	env := isolatedEnv(t)
	s, exitFile := startTUI(t, bin, env)

	s.waitFor("articles", "quit")
	s.keys("/")
	s.keys("-l", "khmeimim")
	s.waitFor("1 of")
	s.keys("Enter")
	s.keys("Enter")
	s.waitFor("Russia Begins Syria Withdrawal", "%")
	s.keys("Escape")
	s.waitFor("Search results")
	s.keys("f")
	s.waitFor("Starred: Russia")
	s.keys("q")
	waitExit(t, s, exitFile)

	const title = "Russia Begins Syria Withdrawal"
	recs := jsonRecords(t, bin, env, "list", "--json")
	if len(recs) < 10 {
		t.Fatalf("list --json gave %d records", len(recs))
	}
	var seed string
	for _, r := range recs {
		if r.Read == nil || r.Starred == nil {
			t.Fatalf("a record without read/starred: %+v", r)
		}
		if strings.Contains(r.Title, title) {
			seed = r.ID
			if !*r.Read || !*r.Starred {
				t.Errorf("the seed article is read=%v starred=%v, want both", *r.Read, *r.Starred)
			}
			continue
		}
		if *r.Read || *r.Starred {
			t.Errorf("%q is read=%v starred=%v, want neither", r.Title, *r.Read, *r.Starred)
		}
	}
	if seed == "" {
		t.Fatal("the seed article is not in the list")
	}
	starred := jsonRecords(t, bin, env, "search", "--json", "is:starred")
	if len(starred) != 1 || starred[0].ID != seed {
		t.Errorf("search is:starred found %+v, want only the seed article", starred)
	}
}

// TestLiveLibraryInTmux writes a file into the library folder while the
// TUI shows it, then deletes it: the list follows within 3 s each time.
func TestLiveLibraryInTmux(t *testing.T) {
	bin := buildForTmux(t)
	env := isolatedEnv(t)
	lib := t.TempDir()
	write := func(name, title string) {
		text := "---\ntitle: " + title + "\nsource: Desk\n---\n\nWords about " + title + ".\n"
		if err := os.WriteFile(filepath.Join(lib, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("old.md", "An old story")
	s, exitFile := startTUI(t, bin, env, "--dir", lib)
	s.waitFor("An old story", "1 article")

	start := time.Now()
	write("fresh.md", "A fresh arrival")
	within(t, s, 3*time.Second, func(screen string) bool { return strings.Contains(screen, "A fresh arrival") })
	t.Logf("appeared after %v", time.Since(start).Round(time.Millisecond))
	if screen := s.capture(); !strings.Contains(screen, "new") {
		t.Errorf("the new article has no new marker:\n%s", screen)
	}

	start = time.Now()
	if err := os.Remove(filepath.Join(lib, "fresh.md")); err != nil {
		t.Fatal(err)
	}
	within(t, s, 3*time.Second, func(screen string) bool {
		return !strings.Contains(screen, "A fresh arrival") && strings.Contains(screen, "An old story")
	})
	t.Logf("disappeared after %v", time.Since(start).Round(time.Millisecond))
	s.keys("q")
	waitExit(t, s, exitFile)
}

// within polls the pane until ok holds, failing after d.
func within(t *testing.T, s *tmuxSession, d time.Duration, ok func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		screen := s.capture()
		if ok(screen) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not within %v; the screen shows:\n%s", d, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
