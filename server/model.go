package server

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tidings-app/tidings/ui"
)

// newModel builds the TUI of one session on the shared store and render
// cache, styled by the session's own renderer.
func (s *Server) newModel(ps *ptySession) tea.Model {
	opts := ui.Options{
		Store:    s.store,
		Renderer: s.renderer(ps),
		Theme:    s.cfg.Theme,
		NoColor:  noColor(ps.Environ()),
		Cache:    s.cache,
	}
	switch ps.req.name {
	case "search":
		opts.Query = ps.req.query
	case "read":
		opts.Open = ps.req.id
	}
	return ui.New(opts)
}
