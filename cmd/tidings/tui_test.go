package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives the real binary in a detached tmux session on a
// private server, so it neither sees nor disturbs the user's own tmux.
type tmuxSession struct {
	t      *testing.T
	socket string
	name   string
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	s.run(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

func (s *tmuxSession) capture() string {
	s.t.Helper()
	return s.run("capture-pane", "-p", "-t", s.name)
}

// waitFor polls the pane until it shows every one of want.
func (s *tmuxSession) waitFor(want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		screen := s.capture()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(screen, w)
		}
		if ok {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never showed %q; it shows:\n%s", want, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTUIInTmux runs the built binary in a real terminal: search, open, go
// to the end, help, resizes, quit with status 0.
func TestTUIInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives tmux")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "tidings")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	exitFile := filepath.Join(dir, "exit")
	// The built-in library, whatever the machine has in its data folder.
	script := fmt.Sprintf("TIDINGS_DIR= XDG_DATA_HOME=%s TERM=xterm-256color %s; echo EXIT=$? > %s", dir, bin, exitFile)

	s := &tmuxSession{t: t, socket: fmt.Sprintf("tidings-test-%d", os.Getpid()), name: "tui"}
	s.run("new-session", "-d", "-s", s.name, "-x", "100", "-y", "30", "sh", "-c", script)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })

	s.waitFor("articles", "quit")
	s.keys("/")
	s.keys("-l", "khmeimim")
	s.waitFor("1 of")
	s.keys("Enter")
	s.keys("Enter")
	s.waitFor("Russia Begins Syria Withdrawal")
	s.keys("G")
	s.waitFor("Russia Begins Syria Withdrawal", "100%")
	s.keys("?")
	s.waitFor("quit", "close help")
	s.keys("Escape")
	s.waitFor("100%")
	s.keys("Escape")
	s.waitFor("Search results")

	s.run("resize-window", "-t", s.name, "-x", "50", "-y", "12")
	s.waitFor("Tidings", "of")
	s.run("resize-window", "-t", s.name, "-x", "160", "-y", "45")
	screen := s.waitFor("Tidings", "Russia Begins Syria Withdrawal")
	if !strings.Contains(s.run("list-panes", "-t", s.name, "-F", "#{pane_dead}"), "0") {
		t.Fatalf("the program died on resize:\n%s", screen)
	}

	s.keys("Escape") // clear the search
	s.waitFor("articles")
	s.keys("q")
	waitExit(t, s, exitFile)
}

// waitExit waits for the program's exit status.
func waitExit(t *testing.T, s *tmuxSession, exitFile string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(exitFile)
		if err == nil && strings.Contains(string(b), "EXIT=") {
			if got := strings.TrimSpace(string(b)); got != "EXIT=0" {
				t.Fatalf("exit status: %s", got)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("tidings did not exit; screen:\n%s", s.capture())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
