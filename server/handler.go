package server

import (
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"
)

// sessionState is what a timeout or a shutdown needs to end one session
// politely: the reason to print and the program to quit.
type sessionState struct {
	mu      sync.Mutex
	reason  string
	program *tea.Program
}

// end records why the session ends and asks its program to quit, which
// leaves the alternate screen before the reason is printed.
func (st *sessionState) end(reason string) {
	st.mu.Lock()
	if st.reason == "" {
		st.reason = reason
	}
	p := st.program
	st.mu.Unlock()
	if p != nil {
		// Quit blocks until the program reads it; never block a timer.
		go p.Quit()
	}
}

func (st *sessionState) setProgram(p *tea.Program) {
	st.mu.Lock()
	st.program = p
	ended := st.reason != ""
	st.mu.Unlock()
	if ended {
		go p.Quit()
	}
}

func (st *sessionState) endReason() string {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.reason
}

// handler is the session handler: verify the identity, take a session
// slot, then run a plain command or the TUI.
func (s *Server) handler() ssh.Handler {
	tui := bubbletea.MiddlewareWithProgramHandler(s.newProgram, termenv.Ascii)(s.afterProgram)
	return func(sess ssh.Session) {
		start := time.Now()
		remote := sess.RemoteAddr().String()
		defer func() {
			if r := recover(); r != nil {
				s.logger.Error("session panicked", "remote", remote, "panic", clean(fmt.Sprint(r), 500),
					"stack", clean(string(debug.Stack()), 4000))
				fmt.Fprintln(sess.Stderr(), "tidings: internal error")
				_ = sess.Exit(1)
			}
		}()
		id, err := s.verifyIdentity(sess)
		if err != nil {
			s.logger.Warn("session refused", "remote", remote, "user", clean(sess.User(), 64), "err", err)
			fmt.Fprintln(sess.Stderr(), "tidings: permission denied")
			_ = sess.Exit(1)
			return
		}
		sess.Context().SetValue(identityKey{}, id)
		pty, _, isPTY := sess.Pty()
		logger := s.logger.With("remote", remote, "id", id.ID)
		logger.Info("session start",
			"user", clean(sess.User(), 64),
			"client", clean(sess.Context().ClientVersion(), 100),
			"pty", isPTY, "term", clean(pty.Term, 64),
			"command", clean(sess.RawCommand(), 200),
			"env", cleanList(sess.Environ(), 300))
		if s.onSession != nil {
			s.onSession(sess, id)
		}
		if !s.conns.acquireSession() {
			logger.Warn("server busy: session refused")
			fmt.Fprintln(sess.Stderr(), "tidings: server busy, try again later")
			_ = sess.Exit(1)
			return
		}
		code := s.runSession(sess, id, tui)
		// The slot is free before the client learns the session ended.
		_ = sess.Exit(code)
		logger.Info("session end", "status", code, "took", time.Since(start).Round(time.Millisecond))
	}
}

// runSession runs a session that holds a slot, registered with its
// connection so a timeout or a shutdown can end it, and frees both.
func (s *Server) runSession(sess ssh.Session, id Identity, tui ssh.Handler) int {
	defer s.conns.releaseSession()
	state := &sessionState{}
	if tc := connFrom(sess.Context()); tc != nil {
		live := &liveSession{end: state.end}
		tc.addSession(live)
		defer tc.removeSession(live)
	}
	return s.serveSession(sess, id, state, tui)
}

// serveSession parses the command and runs it: plain output without a
// PTY (or with --json), the TUI with one. It returns the exit status.
func (s *Server) serveSession(sess ssh.Session, id Identity, state *sessionState, tui ssh.Handler) int {
	args := sess.Command()
	if strings.TrimSpace(sess.RawCommand()) != "" && len(args) == 0 {
		return usage(sess.Stderr(), fmt.Errorf("cannot parse the command"))
	}
	req, err := parseCommand(args)
	if err == errHelp {
		fmt.Fprintln(sess, usageLine)
		return 0
	}
	if err != nil {
		return usage(sess.Stderr(), err)
	}
	_, _, isPTY := sess.Pty()
	if !isPTY || req.json {
		if req.name == "" {
			return usage(sess.Stderr(), fmt.Errorf("no command given and no terminal to show the reader in (use ssh -t)"))
		}
		return s.runPlain(sess, sess.Stderr(), req, s.plainMarks(id))
	}
	if req.name == "read" {
		if _, err := s.store.Find(req.id); err != nil {
			fmt.Fprintf(sess.Stderr(), "tidings: %s\n", clean(err.Error(), 300))
			return 1
		}
	}
	tui(newPTYSession(sess, id, state, req))
	return 0
}

// afterProgram runs when the TUI has ended: it says why, when the server
// ended it.
func (s *Server) afterProgram(sess ssh.Session) {
	if ps, ok := sess.(*ptySession); ok {
		if reason := ps.state.endReason(); reason != "" {
			fmt.Fprintf(sess.Stderr(), "tidings: %s\n", reason)
		}
	}
}

// newProgram builds the Bubble Tea program of one PTY session.
func (s *Server) newProgram(sess ssh.Session) *tea.Program {
	ps, ok := sess.(*ptySession)
	if !ok {
		return nil
	}
	m := s.newModel(ps)
	opts := append(bubbletea.MakeOptions(sess),
		tea.WithFPS(30),
		tea.WithAltScreen(),
		tea.WithMouseCellMotion(),
		// The server handles its own signals; a program must not quit
		// on the server's SIGINT or restore the server's terminal.
		tea.WithoutSignalHandler(),
	)
	p := tea.NewProgram(m, opts...)
	ps.state.setProgram(p)
	return p
}
