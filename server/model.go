package server

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tidings-app/tidings/state"
	"github.com/tidings-app/tidings/ui"
)

// newModel builds the TUI of one session on the shared store and render
// cache, styled by the session's own renderer.
//
// A reader with a key keeps their marks in the shared state store under
// their key's fingerprint, so every session with that key sees them. A
// guest has no lasting name: two guests must not see each other's marks,
// so each guest session gets its own memory store, dropped with it.
func (s *Server) newModel(ps *ptySession) tea.Model {
	st, user := s.stateFor(ps.id)
	opts := ui.Options{
		Store:    s.store,
		Renderer: s.renderer(ps),
		Theme:    s.cfg.Theme,
		NoColor:  noColor(ps.Environ()),
		Cache:    s.cache,
		State:    st,
		User:     user,
		// The session's context ends the model's interest in library
		// changes even when the program is ended from outside.
		Context: ps.Context(),
	}
	switch ps.req.name {
	case "search":
		opts.Query = ps.req.query
	case "read":
		opts.Open = ps.req.id
	}
	return ui.New(opts)
}

// stateFor is the state store and user name of a session: the shared store
// and the key's fingerprint, or a fresh memory store for a guest (and for
// everyone when the server has no state store).
func (s *Server) stateFor(id Identity) (state.Store, string) {
	if id.IsGuest() || id.ID == "" || s.cfg.State == nil {
		return state.NewMemory(), Guest
	}
	return s.cfg.State, id.ID
}

// plainMarks are the marks of a session without a terminal, for search
// 'is:starred' and --json; nil for a guest, who has none.
func (s *Server) plainMarks(id Identity) map[string]state.Mark {
	st, user := s.stateFor(id)
	marks, err := st.Marks(user)
	if err != nil {
		s.logger.Warn("reading state", "id", id.ID, "err", clean(err.Error(), 200))
		return nil
	}
	return marks
}
