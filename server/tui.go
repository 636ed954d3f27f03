package server

import (
	"context"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"
)

// Window sizes are clamped to these bounds before they reach a program:
// a client may claim 4 billion columns, and every frame would be that wide.
const (
	maxWidth      = 500
	maxHeight     = 300
	defaultWidthW = 80
	defaultHeight = 24
)

// clampWindow bounds a window size; zero dimensions (which RFC 4254 says to
// ignore) take the fallback's.
func clampWindow(w, fallback ssh.Window) ssh.Window {
	if w.Width <= 0 {
		w.Width = fallback.Width
	}
	if w.Height <= 0 {
		w.Height = fallback.Height
	}
	w.Width = min(max(w.Width, 1), maxWidth)
	w.Height = min(max(w.Height, 1), maxHeight)
	w.WidthPixels, w.HeightPixels = 0, 0
	return w
}

// ptySession is a PTY session as the TUI sees it: its window sizes are
// clamped and coalesced (a flood of window-change requests leaves only
// the latest pending), and it carries the parsed command and identity.
type ptySession struct {
	ssh.Session
	pty   ssh.Pty
	win   chan ssh.Window
	id    Identity
	state *sessionState
	req   request
}

func newPTYSession(sess ssh.Session, id Identity, state *sessionState, req request) *ptySession {
	pty, wins, _ := sess.Pty()
	pty.Window = clampWindow(pty.Window, ssh.Window{Width: defaultWidthW, Height: defaultHeight})
	ps := &ptySession{Session: sess, pty: pty, win: make(chan ssh.Window, 1), id: id, state: state, req: req}
	go ps.forwardWindows(sess.Context(), wins)
	return ps
}

// Pty returns the clamped PTY and the clamped window changes.
func (p *ptySession) Pty() (ssh.Pty, <-chan ssh.Window, bool) {
	return p.pty, p.win, true
}

// forwardWindows copies window changes, clamped, keeping only the newest
// one pending. The output channel is never closed: the middleware reading
// it would spin on a closed channel.
func (p *ptySession) forwardWindows(ctx context.Context, in <-chan ssh.Window) {
	last := p.pty.Window
	for {
		select {
		case <-ctx.Done():
			return
		case w, ok := <-in:
			if !ok {
				return
			}
			w = clampWindow(w, last)
			last = w
			select {
			case p.win <- w:
			default:
				// Replace the stale pending size; we are the only sender,
				// so the second send cannot block.
				select {
				case <-p.win:
				default:
				}
				p.win <- w
			}
		}
	}
}

// sessionEnviron is a session's environment for termenv, so colour
// detection looks at the client's TERM and COLORTERM, not the server's.
type sessionEnviron []string

// Environ implements termenv.Environ.
func (e sessionEnviron) Environ() []string { return e }

// Getenv implements termenv.Environ.
func (e sessionEnviron) Getenv(k string) string {
	for _, v := range e {
		if name, val, ok := strings.Cut(v, "="); ok && name == k {
			return val
		}
	}
	return ""
}

// noColor reports whether the session asked for no colour (NO_COLOR set
// and not empty, as no-color.org says).
func noColor(env []string) bool {
	return sessionEnviron(env).Getenv("NO_COLOR") != ""
}

// renderer makes the session's Lip Gloss renderer. With --theme auto it is
// wish's, which asks the client's terminal for its background colour;
// with a fixed theme that question (up to a second's wait) is skipped.
// Either way only the session is consulted, never the server's terminal.
func (s *Server) renderer(ps *ptySession) *lipgloss.Renderer {
	if s.cfg.Theme == "auto" || ps.pty.Term == "" || ps.pty.Term == "dumb" {
		return bubbletea.MakeRenderer(ps)
	}
	env := sessionEnviron(append(ps.Environ(), "TERM="+ps.pty.Term))
	r := lipgloss.NewRenderer(ps, termenv.WithEnvironment(env), termenv.WithUnsafe(), termenv.WithColorCache(true))
	r.SetHasDarkBackground(s.cfg.Theme == "dark")
	return r
}
