package ui

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/ui/termsafe"
)

// pickerItem is one choice of the picker: a source or a section and how
// many articles it has; the zero narrowing is "All articles".
type pickerItem struct {
	to    narrowing
	count int
}

// picker chooses a source or section to narrow the list to: typing filters
// the choices, the arrows move, enter narrows, esc closes. It reports the
// choice upward with narrowMsg or pickerClosedMsg.
type picker struct {
	c      *common
	items  []pickerItem // every choice, "All articles" first
	shown  []int        // indexes into items that match the filter
	box    searchbox
	cursor int // index into shown
	offset int
	width  int
	height int
}

func newPicker(c *common) picker {
	return picker{c: c, box: newSearchbox(c, "› ", "type to filter sources and sections")}
}

// pickerItemsCmd counts the articles of every source and section in a
// command: at 100k articles that is a few milliseconds.
func pickerItemsCmd(st *store.Store) tea.Cmd {
	return func() tea.Msg {
		arts := st.Articles(store.ByDate)
		sources, sections := map[string]int{}, map[string]int{}
		for _, a := range arts {
			if a.Source != "" {
				sources[a.Source]++
			}
			if a.Section != "" {
				sections[a.Section]++
			}
		}
		items := []pickerItem{{count: len(arts)}}
		add := func(kind string, counts map[string]int) {
			start := len(items)
			for name, n := range counts {
				items = append(items, pickerItem{to: narrowing{kind: kind, name: name}, count: n})
			}
			// The biggest first: in a large library they are what one
			// narrows to most.
			slices.SortFunc(items[start:], func(a, b pickerItem) int {
				if c := cmp.Compare(b.count, a.count); c != 0 {
					return c
				}
				return strings.Compare(strings.ToLower(a.to.name), strings.ToLower(b.to.name))
			})
		}
		add("source", sources)
		add("section", sections)
		return pickerItemsMsg{items: items}
	}
}

// Open resets the picker for a new choice, with the cursor on current.
func (p *picker) Open(current narrowing) {
	p.box.Reset()
	p.box.Focus()
	p.filter()
	p.cursor = 0
	for i, idx := range p.shown {
		if p.items[idx].to == current {
			p.cursor = i
		}
	}
	p.clamp()
}

// SetItems installs the choices counted by pickerItemsCmd.
func (p *picker) SetItems(items []pickerItem, current narrowing) {
	p.items = items
	p.Open(current)
}

// SetSize sets the area: the filter box on the first line, choices below.
func (p *picker) SetSize(w, h int) {
	p.width, p.height = max(w, 1), max(h, 1)
	p.box.SetSize(min(w, maxReadWidth)-2, 1)
	p.clamp()
}

// filter keeps the choices whose name contains the typed text, ignoring
// case; "All articles" stays while the box is empty.
func (p *picker) filter() {
	q := strings.ToLower(strings.TrimSpace(p.box.Value()))
	p.shown = p.shown[:0]
	for i, it := range p.items {
		if q == "" || (it.to.active() && strings.Contains(strings.ToLower(it.to.name), q)) {
			p.shown = append(p.shown, i)
		}
	}
	p.cursor = 0
	p.offset = 0
}

func (p *picker) rows() int { return max(p.height-2, 1) }

func (p *picker) clamp() {
	p.cursor = min(max(p.cursor, 0), max(len(p.shown)-1, 0))
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+p.rows() {
		p.offset = p.cursor - p.rows() + 1
	}
}

// Update handles a key: the arrows move, enter chooses, esc closes,
// everything else edits the filter.
func (p picker) Update(msg tea.Msg) (picker, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return p, nil
	}
	k := &p.c.keys
	switch {
	case key.Matches(km, k.Accept):
		if len(p.shown) == 0 {
			return p, nil
		}
		return p, msgCmd(narrowMsg{to: p.items[p.shown[p.cursor]].to})
	case key.Matches(km, k.Cancel):
		return p, msgCmd(pickerClosedMsg{})
	case key.Matches(km, k.PickUp):
		p.cursor--
		p.clamp()
		return p, nil
	case key.Matches(km, k.PickDown):
		p.cursor++
		p.clamp()
		return p, nil
	}
	before := p.box.Value()
	p.box, _ = p.box.Update(km)
	if p.box.Value() != before {
		p.filter()
		p.clamp()
	}
	return p, nil
}

// View draws the filter box and the choices that fit, exactly height lines.
func (p picker) View() string {
	s := &p.c.styles
	pad := centre(p.width)
	w := max(min(p.width, maxReadWidth)-2, 1)
	lines := []string{pad + "  " + p.box.View(), ""}
	if len(p.items) == 0 {
		lines = append(lines, pad+"  "+s.Empty.Render("Counting…"))
	} else if len(p.shown) == 0 {
		lines = append(lines, pad+"  "+s.Empty.Render(truncate("No source or section matches "+quote(p.box.Value())+".", w)))
	}
	for i := p.offset; i < len(p.shown) && len(lines) < p.height; i++ {
		it := p.items[p.shown[i]]
		bar, name := "  ", s.ItemTitle
		if i == p.cursor {
			bar, name = s.SelectionBar.Render("│")+" ", s.SelectedTitle
		}
		kind := "       "
		if it.to.active() {
			kind = it.to.kind
			kind += strings.Repeat(" ", 7-len(kind))
		}
		label := termsafe.Line(it.to.name)
		if !it.to.active() {
			label = "All articles"
		}
		count := strconv.Itoa(it.count)
		room := max(w-len(kind)-1-len(count)-2, 1)
		label = truncate(label, room)
		gap := strings.Repeat(" ", max(room-ansi.StringWidth(label), 0)+2)
		lines = append(lines, pad+bar+s.ItemMeta.Render(kind)+" "+name.Render(label)+gap+s.PickerCount.Render(count))
	}
	for len(lines) < p.height {
		lines = append(lines, "")
	}
	return strings.Join(lines[:p.height], "\n")
}
