package styles

import "github.com/charmbracelet/lipgloss"

// Palette is the handful of colours the whole TUI is painted with. Every
// colour of Tidings is in this file, so a theme is one more Palette.
type Palette struct {
	Text      lipgloss.Color // body text: titles in the list
	Subtle    lipgloss.Color // metadata: source, date, reading time
	Faint     lipgloss.Color // separators, snippets, help descriptions
	Accent    lipgloss.Color // the selection bar, the badge, key names
	OnAccent  lipgloss.Color // text drawn on Accent
	Match     lipgloss.Color // background of a search match
	OnMatch   lipgloss.Color // text on Match
	Current   lipgloss.Color // background of the match n/N landed on
	Error     lipgloss.Color
	Success   lipgloss.Color
	StatusBar lipgloss.Color // background of the status bar
}

// DarkPalette is for terminals with a dark background. Palettes are
// returned by functions, not kept in variables, so no session can change
// another's colours.
func DarkPalette() Palette {
	return Palette{
		Text:      "#E4E4E4",
		Subtle:    "#A8A8A8",
		Faint:     "#767676",
		Accent:    "#F0A030",
		OnAccent:  "#1C1C1C",
		Match:     "#F5D547",
		OnMatch:   "#1C1C1C",
		Current:   "#FF7A45",
		Error:     "#FF6B6B",
		Success:   "#7FD88F",
		StatusBar: "#303030",
	}
}

// LightPalette is for terminals with a light background.
func LightPalette() Palette {
	return Palette{
		Text:      "#1C1C1C",
		Subtle:    "#5F5F5F",
		Faint:     "#8A8A8A",
		Accent:    "#B35A00",
		OnAccent:  "#FFFFFF",
		Match:     "#FFE066",
		OnMatch:   "#1C1C1C",
		Current:   "#FF9F59",
		Error:     "#C62828",
		Success:   "#2E7D32",
		StatusBar: "#E4E4E4",
	}
}
