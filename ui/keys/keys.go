// Package keys holds the key bindings of the Tidings TUI in one KeyMap.
//
// It is a leaf package (it imports nothing of Tidings) so the root model,
// its children and the help view all read the same bindings. The keys are a
// contract: the built-in tour articles describe them, so change them only
// together with those articles and the README.
package keys

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every binding of the TUI. Each view enables the ones it answers
// to (see the SetX methods), so the help it shows is always true.
type KeyMap struct {
	// Moving, shared by the headline list and the reader.
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	HalfUp   key.Binding
	HalfDown key.Binding
	Home     key.Binding
	End      key.Binding

	// Headline list.
	Open        key.Binding
	Search      key.Binding
	ClearFilter key.Binding
	Sort        key.Binding
	Pick        key.Binding // narrow to one source or section
	Quit        key.Binding

	// Marks, in the list (on the selected article) and the reader.
	Star       key.Binding
	ToggleRead key.Binding

	// Reader.
	Back      key.Binding
	NextArt   key.Binding
	PrevArt   key.Binding
	NextMatch key.Binding
	PrevMatch key.Binding
	Find      key.Binding

	// The search and find boxes, while typing.
	Accept key.Binding
	Cancel key.Binding
	// Recall puts the last kept search into the empty search box.
	Recall key.Binding

	// The source and section picker: arrows move, letters filter.
	PickUp   key.Binding
	PickDown key.Binding

	// Everywhere.
	Help      key.Binding
	CloseHelp key.Binding
	ForceQuit key.Binding
}

// DefaultKeyMap returns the bindings with their help text, all enabled.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("b/pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", " "), key.WithHelp("space/pgdn", "page down")),
		HalfUp:   key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "half page up")),
		HalfDown: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "half page down")),
		Home:     key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "top")),
		End:      key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "bottom")),

		Open:        key.NewBinding(key.WithKeys("enter", "l", "right"), key.WithHelp("enter/l/→", "open")),
		Search:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
		Sort:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Pick:        key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pick source")),
		Quit:        key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),

		Star:       key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "star")),
		ToggleRead: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "toggle read")),

		Back:      key.NewBinding(key.WithKeys("esc", "q", "h", "left"), key.WithHelp("esc/q/h/←", "back")),
		NextArt:   key.NewBinding(key.WithKeys("J"), key.WithHelp("J", "next article")),
		PrevArt:   key.NewBinding(key.WithKeys("K"), key.WithHelp("K", "previous article")),
		NextMatch: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match")),
		PrevMatch: key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match")),
		Find:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "find")),

		Accept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		Recall: key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "last search")),

		PickUp:   key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "up")),
		PickDown: key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "down")),

		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		CloseHelp: key.NewBinding(key.WithKeys("?", "esc", "q"), key.WithHelp("?/esc/q", "close help")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// View names what the user is looking at, for SetView.
type View int

// The views the key map knows how to enable keys for.
const (
	ViewLoading   View = iota // the library is loading
	ViewList                  // the headline list, unfiltered
	ViewFiltered              // the headline list showing search results
	ViewSearching             // typing in the search box
	ViewReader                // reading an article
	ViewFinding               // typing in the reader's find box
	ViewHelp                  // the full help page
	ViewNarrowed              // the headline list narrowed to one source or section
	ViewPicker                // choosing a source or section to narrow to
)

// SetView enables exactly the bindings that view answers to. matches tells
// the reader whether there is anything for n/N to jump to.
func (k *KeyMap) SetView(v View, matches bool) {
	list := v == ViewList || v == ViewFiltered || v == ViewNarrowed
	reader := v == ViewReader
	picker := v == ViewPicker
	typing := v == ViewSearching || v == ViewFinding || picker
	// The help page scrolls like the reader when it does not fit.
	moving := list || reader || v == ViewHelp

	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.HalfUp, &k.HalfDown, &k.Home, &k.End} {
		b.SetEnabled(moving)
	}
	k.Open.SetEnabled(list)
	// A search can be typed while the library loads.
	k.Search.SetEnabled(list || v == ViewLoading)
	k.ClearFilter.SetEnabled(v == ViewFiltered || v == ViewNarrowed)
	if v == ViewNarrowed {
		k.ClearFilter.SetHelp("esc", "show all")
	} else {
		k.ClearFilter.SetHelp("esc", "clear search")
	}
	// Sorting applies to the library; search results are ranked.
	k.Sort.SetEnabled(v == ViewList || v == ViewNarrowed)
	k.Pick.SetEnabled(list)
	k.Quit.SetEnabled(list || v == ViewLoading)

	k.Star.SetEnabled(list || reader)
	k.ToggleRead.SetEnabled(list || reader)

	k.Back.SetEnabled(reader)
	k.NextArt.SetEnabled(reader)
	k.PrevArt.SetEnabled(reader)
	k.NextMatch.SetEnabled(reader && matches)
	k.PrevMatch.SetEnabled(reader && matches)
	k.Find.SetEnabled(reader)

	k.Accept.SetEnabled(typing)
	k.Cancel.SetEnabled(typing)
	switch v {
	case ViewSearching:
		k.Accept.SetHelp("enter", "keep results")
		k.Cancel.SetHelp("esc", "clear search")
	case ViewPicker:
		k.Accept.SetHelp("enter", "narrow")
		k.Cancel.SetHelp("esc", "close")
	default:
		k.Accept.SetHelp("enter", "keep")
		k.Cancel.SetHelp("esc", "clear find")
	}
	k.Recall.SetEnabled(v == ViewSearching)
	k.PickUp.SetEnabled(picker)
	k.PickDown.SetEnabled(picker)

	k.Help.SetEnabled(!typing && v != ViewHelp)
	k.CloseHelp.SetEnabled(v == ViewHelp)
	k.ForceQuit.SetEnabled(true)
}

// ShortHelp is the one-line help of the footer for the current view: the
// few keys a newcomer needs, with ? pointing at the rest (ctrl+c is only on
// the help page: q and esc are the keys to teach).
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{
		k.Accept, k.Cancel, k.PickUp, k.PickDown,
		k.Up, k.Down, k.Open, k.Back, k.Search, k.Find, k.ClearFilter,
		k.NextMatch, k.NextArt, k.Sort,
		k.CloseHelp, k.Help, k.Quit,
	}
}

// FullHelp is every enabled binding in columns, for the help page.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfUp, k.HalfDown, k.Home, k.End},
		{k.Open, k.Back, k.NextArt, k.PrevArt, k.Search, k.Find, k.NextMatch, k.PrevMatch, k.ClearFilter, k.Sort, k.Pick},
		{k.Star, k.ToggleRead, k.Accept, k.Cancel, k.Recall, k.PickUp, k.PickDown, k.Help, k.CloseHelp, k.Quit, k.ForceQuit},
	}
}
