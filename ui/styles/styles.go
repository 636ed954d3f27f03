// Package styles builds the one Styles struct of the Tidings TUI from a
// session's Lip Gloss renderer.
//
// It is a leaf package. Styles never come from lipgloss.NewStyle or any
// global: over SSH every session has its own renderer with its own colour
// profile and background, and a style made from the wrong renderer would
// paint one user's terminal with another's settings.
package styles

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles is every style the TUI draws with.
type Styles struct {
	// Dark tells which palette was chosen; the Glamour style follows it.
	Dark bool
	// Plain is set for NO_COLOR: no colour at all, only bold, underline and
	// reverse where they carry meaning.
	Plain bool
	// GlamourStyle is the Glamour style name for article bodies: "dark",
	// "light" or "notty".
	GlamourStyle string

	Badge      lipgloss.Style // "Tidings" in the title bar
	TitleBar   lipgloss.Style // what the title bar says next to the badge
	TitleFaint lipgloss.Style // the right-hand side of the title bar

	ItemTitle       lipgloss.Style
	ItemMeta        lipgloss.Style
	ItemSnippet     lipgloss.Style
	SelectedTitle   lipgloss.Style
	SelectedMeta    lipgloss.Style
	SelectedSnippet lipgloss.Style
	SelectionBar    lipgloss.Style // the "│" left of the selected item
	Empty           lipgloss.Style // "No articles" and similar

	// UnreadTitle is the title of an unread headline: it stands out from
	// those already read.
	UnreadTitle lipgloss.Style
	// UnreadMark and StarMark draw the markers left of a title; NewMark the
	// "new" of an article that arrived while Tidings was running.
	UnreadMark lipgloss.Style
	StarMark   lipgloss.Style
	NewMark    lipgloss.Style
	// UnreadGlyph and StarGlyph are the markers themselves: "•" and "★",
	// or "N" and "*" without colour, where a terminal may lack the glyphs
	// and a colourless dot is easy to miss.
	UnreadGlyph string
	StarGlyph   string

	// PickerCount is the number of articles next to a picker entry.
	PickerCount lipgloss.Style

	Match        lipgloss.Style // a search term in a snippet or article
	CurrentMatch lipgloss.Style // the match n/N landed on

	SearchPrompt      lipgloss.Style
	SearchText        lipgloss.Style
	SearchPlaceholder lipgloss.Style
	Cursor            lipgloss.Style

	StatusBar   lipgloss.Style
	StatusText  lipgloss.Style
	StatusFaint lipgloss.Style
	StatusError lipgloss.Style
	StatusInfo  lipgloss.Style

	ReaderTitle   lipgloss.Style
	ReaderMeta    lipgloss.Style
	ReaderURL     lipgloss.Style
	ReaderRule    lipgloss.Style
	ReaderPercent lipgloss.Style
	Fallback      lipgloss.Style

	HelpKey       lipgloss.Style
	HelpDesc      lipgloss.Style
	HelpSeparator lipgloss.Style
	HelpTitle     lipgloss.Style

	Spinner lipgloss.Style
}

// DefaultStyles builds the styles from the session's renderer. theme is
// "auto" (ask the renderer about the background), "dark" or "light";
// noColor (NO_COLOR), or a renderer without colour, wins over both.
func DefaultStyles(r *lipgloss.Renderer, theme string, noColor bool) Styles {
	dark := true
	switch theme {
	case "light":
		dark = false
	case "dark":
	default:
		dark = r.HasDarkBackground()
	}
	// A terminal without colour (TERM=dumb, an SSH client that said so)
	// gets Glamour's plain style too: its dark and light styles write
	// colour sequences whatever the renderer's profile.
	if noColor || r.ColorProfile() == termenv.Ascii {
		return plain(r, dark)
	}
	p := LightPalette()
	glamour := "light"
	if dark {
		p = DarkPalette()
		glamour = "dark"
	}
	s := r.NewStyle
	return Styles{
		Dark:         dark,
		GlamourStyle: glamour,

		Badge:      s().Bold(true).Foreground(p.OnAccent).Background(p.Accent).Padding(0, 1),
		TitleBar:   s().Bold(true).Foreground(p.Text),
		TitleFaint: s().Foreground(p.Faint),

		ItemTitle:       s().Foreground(p.Text),
		ItemMeta:        s().Foreground(p.Faint),
		ItemSnippet:     s().Foreground(p.Faint),
		SelectedTitle:   s().Bold(true).Foreground(p.Accent),
		SelectedMeta:    s().Foreground(p.Subtle),
		SelectedSnippet: s().Foreground(p.Subtle),
		SelectionBar:    s().Foreground(p.Accent),
		Empty:           s().Foreground(p.Subtle).Italic(true),

		UnreadTitle: s().Bold(true).Foreground(p.Text),
		UnreadMark:  s().Foreground(p.Accent),
		StarMark:    s().Foreground(p.Match),
		NewMark:     s().Bold(true).Foreground(p.Success),
		UnreadGlyph: "•",
		StarGlyph:   "★",
		PickerCount: s().Foreground(p.Faint),

		Match:        s().Foreground(p.OnMatch).Background(p.Match),
		CurrentMatch: s().Foreground(p.OnMatch).Background(p.Current).Bold(true),

		SearchPrompt:      s().Bold(true).Foreground(p.Accent),
		SearchText:        s().Foreground(p.Text),
		SearchPlaceholder: s().Foreground(p.Faint),
		Cursor:            s().Foreground(p.Accent),

		StatusBar:   s().Background(p.StatusBar).Foreground(p.Subtle),
		StatusText:  s().Background(p.StatusBar).Foreground(p.Text),
		StatusFaint: s().Background(p.StatusBar).Foreground(p.Faint),
		StatusError: s().Background(p.StatusBar).Foreground(p.Error).Bold(true),
		StatusInfo:  s().Background(p.StatusBar).Foreground(p.Success),

		ReaderTitle:   s().Bold(true).Foreground(p.Accent),
		ReaderMeta:    s().Foreground(p.Subtle),
		ReaderURL:     s().Foreground(p.Faint).Underline(true),
		ReaderRule:    s().Foreground(p.Faint),
		ReaderPercent: s().Background(p.StatusBar).Foreground(p.Accent).Bold(true),
		Fallback:      s().Background(p.StatusBar).Foreground(p.Error),

		HelpKey:       s().Foreground(p.Accent),
		HelpDesc:      s().Foreground(p.Subtle),
		HelpSeparator: s().Foreground(p.Faint),
		HelpTitle:     s().Bold(true).Foreground(p.Text),

		Spinner: s().Foreground(p.Accent),
	}
}

// plain is the NO_COLOR set: attributes only, so the selection and the
// matches stay visible without a single colour.
func plain(r *lipgloss.Renderer, dark bool) Styles {
	s := r.NewStyle
	return Styles{
		Dark:         dark,
		Plain:        true,
		GlamourStyle: "notty",

		Badge:      s().Bold(true).Reverse(true).Padding(0, 1),
		TitleBar:   s().Bold(true),
		TitleFaint: s(),

		ItemTitle:       s(),
		ItemMeta:        s(),
		ItemSnippet:     s(),
		SelectedTitle:   s().Bold(true),
		SelectedMeta:    s(),
		SelectedSnippet: s(),
		SelectionBar:    s().Bold(true),
		Empty:           s(),

		UnreadTitle: s().Bold(true),
		UnreadMark:  s().Bold(true),
		StarMark:    s().Bold(true),
		NewMark:     s().Bold(true),
		UnreadGlyph: "N",
		StarGlyph:   "*",
		PickerCount: s(),

		Match:        s().Underline(true),
		CurrentMatch: s().Reverse(true),

		SearchPrompt:      s().Bold(true),
		SearchText:        s(),
		SearchPlaceholder: s(),
		Cursor:            s(),

		StatusBar:   s().Reverse(true),
		StatusText:  s().Reverse(true),
		StatusFaint: s().Reverse(true),
		StatusError: s().Reverse(true).Bold(true),
		StatusInfo:  s().Reverse(true),

		ReaderTitle:   s().Bold(true),
		ReaderMeta:    s(),
		ReaderURL:     s().Underline(true),
		ReaderRule:    s(),
		ReaderPercent: s().Reverse(true).Bold(true),
		Fallback:      s().Reverse(true),

		HelpKey:       s().Bold(true),
		HelpDesc:      s(),
		HelpSeparator: s(),
		HelpTitle:     s().Bold(true),

		Spinner: s(),
	}
}
