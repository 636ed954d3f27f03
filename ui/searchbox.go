package ui

import (
	"strings"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/tidings-app/tidings/ui/termsafe"
)

// maxQuery is the longest query accepted, in runes; the store caps queries
// at the same length.
const maxQuery = 256

// searchbox is a one-line text input for the list's search and the reader's
// find. Its owner compares Value before and after Update and re-queries only
// when the text changed (moving the cursor in the box is not a new search).
//
// It is ours rather than bubbles/textinput because textinput pulls in a
// clipboard module this project does not depend on; it does the editing a
// search box needs and draws with the session's styles only.
type searchbox struct {
	c           *common
	prompt      string
	placeholder string
	value       []rune
	pos         int // cursor, in runes
	offset      int // first rune shown, when the text is wider than the box
	focused     bool
	width       int
}

func newSearchbox(c *common, prompt, placeholder string) searchbox {
	return searchbox{c: c, prompt: prompt, placeholder: placeholder, width: 40}
}

// Value is the text typed so far.
func (b searchbox) Value() string { return string(b.value) }

// Focused reports whether keys go to the box.
func (b searchbox) Focused() bool { return b.focused }

// Focus puts the keyboard in the box, the cursor at the end.
func (b *searchbox) Focus() {
	b.focused = true
	b.pos = len(b.value)
}

// Blur takes the keyboard away, keeping the text.
func (b *searchbox) Blur() { b.focused = false }

// SetValue replaces the text.
func (b *searchbox) SetValue(s string) {
	b.value, b.pos, b.offset = nil, 0, 0
	b.insert([]rune(s))
	b.scroll()
}

// Reset empties the box and takes the keyboard away.
func (b *searchbox) Reset() {
	b.value, b.pos, b.offset, b.focused = nil, 0, 0, false
}

// SetSize sets the width of the box, prompt included.
func (b *searchbox) SetSize(w, _ int) { b.width = max(w, 1) }

// insert adds typed or pasted runes at the cursor: control characters are
// dropped and line breaks become spaces, and the text stops at maxQuery.
func (b *searchbox) insert(rs []rune) {
	clean := make([]rune, 0, len(rs))
	for _, r := range rs {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			r = ' '
		case unicode.IsControl(r):
			continue
		}
		clean = append(clean, r)
	}
	room := maxQuery - len(b.value)
	if len(clean) > room {
		clean = clean[:max(room, 0)]
	}
	v := make([]rune, 0, len(b.value)+len(clean))
	v = append(v, b.value[:b.pos]...)
	v = append(v, clean...)
	v = append(v, b.value[b.pos:]...)
	b.value = v
	b.pos += len(clean)
}

// wordStart is where the word before the cursor begins, for ctrl+w.
func (b searchbox) wordStart() int {
	i := b.pos
	for i > 0 && unicode.IsSpace(b.value[i-1]) {
		i--
	}
	for i > 0 && !unicode.IsSpace(b.value[i-1]) {
		i--
	}
	return i
}

// Update edits the text: typing, pasting, backspace/delete, ←/→, home/end
// (ctrl+a/ctrl+e), ctrl+w and alt+backspace (word), ctrl+u and ctrl+k.
func (b searchbox) Update(msg tea.Msg) (searchbox, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok || !b.focused {
		return b, nil
	}
	switch km.Type {
	case tea.KeyRunes, tea.KeySpace:
		if km.Alt {
			break
		}
		b.insert(km.Runes)
		if km.Type == tea.KeySpace && len(km.Runes) == 0 {
			b.insert([]rune{' '})
		}
	case tea.KeyBackspace:
		if km.Alt {
			start := b.wordStart()
			b.value = append(b.value[:start], b.value[b.pos:]...)
			b.pos = start
		} else if b.pos > 0 {
			b.value = append(b.value[:b.pos-1], b.value[b.pos:]...)
			b.pos--
		}
	case tea.KeyCtrlW:
		start := b.wordStart()
		b.value = append(b.value[:start], b.value[b.pos:]...)
		b.pos = start
	case tea.KeyDelete, tea.KeyCtrlD:
		if b.pos < len(b.value) {
			b.value = append(b.value[:b.pos], b.value[b.pos+1:]...)
		}
	case tea.KeyLeft, tea.KeyCtrlB:
		b.pos = max(b.pos-1, 0)
	case tea.KeyRight, tea.KeyCtrlF:
		b.pos = min(b.pos+1, len(b.value))
	case tea.KeyHome, tea.KeyCtrlA:
		b.pos = 0
	case tea.KeyEnd, tea.KeyCtrlE:
		b.pos = len(b.value)
	case tea.KeyCtrlU:
		b.value = b.value[b.pos:]
		b.pos = 0
	case tea.KeyCtrlK:
		b.value = b.value[:b.pos]
	}
	b.scroll()
	return b, nil
}

// scroll keeps the cursor inside the box when the text is wider than it.
func (b *searchbox) scroll() {
	room := max(b.width-ansi.StringWidth(b.prompt)-1, 1)
	if b.pos < b.offset {
		b.offset = b.pos
	}
	for b.offset < b.pos && ansi.StringWidth(string(b.value[b.offset:b.pos])) > room {
		b.offset++
	}
	b.offset = min(b.offset, len(b.value))
}

// View draws the box on one line: prompt, text (or the placeholder), and a
// block cursor while focused.
func (b searchbox) View() string {
	s := &b.c.styles
	room := max(b.width-ansi.StringWidth(b.prompt)-1, 1)
	var out strings.Builder
	out.WriteString(s.SearchPrompt.Render(b.prompt))
	if len(b.value) == 0 {
		if b.focused {
			out.WriteString(s.Cursor.Reverse(true).Render(" "))
			room--
		}
		out.WriteString(s.SearchPlaceholder.Render(truncate(b.placeholder, room)))
		return out.String()
	}
	before := termsafe.Line(string(b.value[b.offset:min(b.pos, len(b.value))]))
	out.WriteString(s.SearchText.Render(before))
	used := ansi.StringWidth(before)
	if b.focused {
		under := " "
		if b.pos < len(b.value) {
			under = termsafe.Line(string(b.value[b.pos]))
		}
		out.WriteString(s.Cursor.Reverse(true).Render(under))
		used += max(ansi.StringWidth(under), 1)
		if b.pos < len(b.value) {
			after := termsafe.Line(string(b.value[b.pos+1:]))
			out.WriteString(s.SearchText.Render(truncate(after, room-used+1)))
		}
	} else if b.pos < len(b.value) || b.offset > 0 {
		out.WriteString(s.SearchText.Render(truncate(termsafe.Line(string(b.value[b.pos:])), room-used+1)))
	}
	return out.String()
}
