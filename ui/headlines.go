package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tidings-app/tidings/state"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/ui/termsafe"
)

// hit is one row of search results: the article and the text to show under
// its title with the matches marked.
type hit struct {
	art     *store.Article
	snippet string
	spans   []store.Span
}

// headlines is the headline list. It holds the library's sorted slice as the
// store shares it (no copy, so 100k articles cost nothing to show) or the
// hits of a search, and draws only the rows that fit on screen.
type headlines struct {
	c *common

	arts  []*store.Article // the library in the current order
	order store.SortOrder

	filtered bool // showing hits instead of arts
	query    string
	hits     []hit
	total    int // all matches, of which hits are the first
	took     time.Duration

	cursor int // index of the selected row
	offset int // index of the first row on screen
	width  int
	height int
}

func newHeadlines(c *common) headlines {
	return headlines{c: c}
}

// SetSize sets the area the rows are drawn in and keeps the cursor on screen.
func (l *headlines) SetSize(w, h int) {
	l.width, l.height = max(w, 1), max(h, 1)
	l.clamp()
}

// SetArticles shows the whole library in the given order, keeping the
// selected article selected when it is still there.
func (l *headlines) SetArticles(arts []*store.Article, order store.SortOrder, keep int) {
	l.arts, l.order = arts, order
	if !l.filtered {
		l.follow(keep)
	}
	l.clamp()
}

// follow puts the cursor on row i, which is where the selected article is
// now, moving the rows on screen with it so that the selection stays on the
// same screen line. At the top of the list the top stays on screen instead,
// so that articles arriving there are seen.
func (l *headlines) follow(i int) {
	if l.offset > 0 {
		l.offset += i - l.cursor
	}
	l.cursor = i
}

// SetHits shows search results. keepCursor is set when more hits of the same
// query arrive, so scrolling through results is not interrupted.
func (l *headlines) SetHits(query string, hits []hit, total int, took time.Duration, keepCursor bool) {
	l.filtered, l.query, l.hits, l.total, l.took = true, query, hits, total, took
	if !keepCursor {
		l.cursor, l.offset = 0, 0
	}
	l.clamp()
}

// ClearFilter goes back to the whole library with the cursor on the article
// that was selected among the hits, when there was one.
func (l *headlines) ClearFilter() {
	sel := l.Selected()
	l.filtered, l.query, l.hits, l.total, l.took = false, "", nil, 0, 0
	l.cursor = 0
	if sel != nil {
		l.cursor = indexOf(l.arts, sel)
	}
	l.offset = 0
	l.clamp()
}

// indexOf finds an article in a list; a linear scan is ~0.1 ms at 100k and
// only runs on a user action.
func indexOf(arts []*store.Article, a *store.Article) int {
	for i, x := range arts {
		if x == a {
			return i
		}
	}
	return 0
}

// Len is the number of rows.
func (l headlines) Len() int {
	if l.filtered {
		return len(l.hits)
	}
	return len(l.arts)
}

// At is the article of row i.
func (l headlines) At(i int) *store.Article {
	if i < 0 || i >= l.Len() {
		return nil
	}
	if l.filtered {
		return l.hits[i].art
	}
	return l.arts[i]
}

// Selected is the article under the cursor, or nil when the list is empty.
func (l headlines) Selected() *store.Article { return l.At(l.cursor) }

// Select moves the cursor to row i.
func (l *headlines) Select(i int) {
	l.cursor = i
	l.clamp()
}

// itemHeight is the lines one row takes: title, metadata, the snippet when
// searching, and a blank line.
func (l headlines) itemHeight() int {
	if l.filtered {
		return 4
	}
	return 3
}

// perPage is how many rows fit; the last one needs no blank line under it.
func (l headlines) perPage() int {
	return max(1, (l.height+1)/l.itemHeight())
}

// clamp keeps the cursor on a row and the offset such that the cursor is on
// screen; every change of size, rows or cursor ends here.
func (l *headlines) clamp() {
	n := l.Len()
	if n == 0 {
		l.cursor, l.offset = 0, 0
		return
	}
	l.cursor = min(max(l.cursor, 0), n-1)
	per := l.perPage()
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+per {
		l.offset = l.cursor - per + 1
	}
	// Fill the screen at the end of the list instead of leaving it half empty.
	l.offset = min(max(l.offset, 0), max(n-per, 0))
}

// move shifts the cursor by delta rows.
func (l *headlines) move(delta int) {
	l.cursor += delta
	l.clamp()
}

// Update moves the cursor. Opening, searching and sorting are the root's:
// they need the store, so the list only reports them.
func (l headlines) Update(msg tea.Msg) (headlines, tea.Cmd) {
	k := &l.c.keys
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Up):
			l.move(-1)
		case key.Matches(msg, k.Down):
			l.move(1)
		case key.Matches(msg, k.PageUp):
			l.move(-l.perPage())
		case key.Matches(msg, k.PageDown):
			l.move(l.perPage())
		case key.Matches(msg, k.HalfUp):
			l.move(-max(1, l.perPage()/2))
		case key.Matches(msg, k.HalfDown):
			l.move(max(1, l.perPage()/2))
		case key.Matches(msg, k.Home):
			l.Select(0)
		case key.Matches(msg, k.End):
			l.Select(l.Len() - 1)
		case key.Matches(msg, k.Open):
			if a := l.Selected(); a != nil {
				return l, openArticleCmd(a)
			}
		}
	case tea.MouseMsg:
		if msg.Action != tea.MouseActionPress {
			break
		}
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			l.move(-1)
		case tea.MouseButtonWheelDown:
			l.move(1)
		}
	}
	return l, nil
}

// View draws the rows on screen, exactly height lines.
func (l headlines) View() string {
	s := &l.c.styles
	var b strings.Builder
	lines := 0
	pad := centre(l.width)
	emit := func(line string) {
		if lines < l.height {
			if lines > 0 {
				b.WriteByte('\n')
			}
			if line != "" {
				b.WriteString(pad)
			}
			b.WriteString(line)
			lines++
		}
	}
	if l.Len() == 0 {
		msg := "No articles."
		if l.filtered {
			msg = "No articles match " + quote(l.query) + "."
		}
		emit("  " + s.Empty.Render(truncate(termsafe.Line(msg), l.width-2)))
	}
	// Past 100 columns the date would sit too far from its title to read
	// them together.
	w := max(min(l.width, maxReadWidth)-2, 1)
	gutter := l.gutterWidth()
	indent := strings.Repeat(" ", gutter)
	tw := max(w-gutter, 1)
	for i := l.offset; i < l.Len() && lines < l.height; i++ {
		if i > l.offset {
			emit("")
		}
		sel := i == l.cursor
		bar := "  "
		a := l.At(i)
		mark := l.c.marks[a.ID]
		title, meta, snip := s.ItemTitle, s.ItemMeta, s.ItemSnippet
		if !mark.Read {
			title = s.UnreadTitle
		}
		if sel {
			bar = s.SelectionBar.Render("│") + " "
			title, meta, snip = s.SelectedTitle, s.SelectedMeta, s.SelectedSnippet
		}
		emit(bar + l.markers(mark) + title.Render(truncate(termsafe.Line(a.Title), tw)))
		if l.c.fresh[a.ID] {
			const tag = "new"
			emit(bar + indent + s.NewMark.Render(tag) + meta.Render(" "+metaLine(a, max(tw-len(tag)-1, 1))))
		} else {
			emit(bar + indent + meta.Render(metaLine(a, tw)))
		}
		if l.filtered {
			h := l.hits[i]
			emit(bar + indent + highlightLine(h.snippet, h.spans, tw, snip, s.Match))
		}
	}
	for lines < l.height {
		emit("")
	}
	return b.String()
}

// gutterWidth is the columns left of every title for the unread and star
// markers and a space. It is measured, not assumed, so a marker that is
// two columns wide in some terminal still lines every title up.
func (l headlines) gutterWidth() int {
	s := &l.c.styles
	return max(ansi.StringWidth(s.UnreadGlyph), 1) + max(ansi.StringWidth(s.StarGlyph), 1) + 1
}

// markers is the gutter of one row: the unread marker, the star, a space,
// each blank when it does not apply so the titles stay in one column.
func (l headlines) markers(m state.Mark) string {
	s := &l.c.styles
	cell := func(on bool, glyph string, st lipgloss.Style) string {
		w := max(ansi.StringWidth(glyph), 1)
		if !on {
			return strings.Repeat(" ", w)
		}
		return st.Render(glyph) + strings.Repeat(" ", w-ansi.StringWidth(glyph))
	}
	return cell(!m.Read, s.UnreadGlyph, s.UnreadMark) + cell(m.Starred, s.StarGlyph, s.StarMark) + " "
}

// metaLine is "source · section" on the left and "date · 3 min" on the
// right of w columns; when they do not fit, the left part gives way.
func metaLine(a *store.Article, w int) string {
	var where []string
	if a.Source != "" {
		where = append(where, a.Source)
	}
	if a.Section != "" && !strings.EqualFold(a.Section, a.Source) {
		where = append(where, a.Section)
	}
	when := fmt.Sprintf("%d min", a.ReadingMinutes())
	if !a.Published.IsZero() {
		when = a.Published.Format("2 Jan 2006") + " · " + when
	}
	left := termsafe.Line(strings.Join(where, " · "))
	rw := ansi.StringWidth(when)
	if rw+2 > w {
		return truncate(when, w)
	}
	left = truncate(left, w-rw-2)
	return left + strings.Repeat(" ", w-ansi.StringWidth(left)-rw) + when
}

// truncate cuts s (which may hold SGR sequences) to w columns with an
// ellipsis, by display width so CJK and emoji stay aligned.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}

// centre is the indent that centres a column of maxReadWidth in a wider
// terminal, so the list and the reader line up on wide screens.
func centre(width int) string {
	if width <= maxReadWidth {
		return ""
	}
	return strings.Repeat(" ", (width-maxReadWidth)/2)
}

// quote puts typographic quotes around what the user typed.
func quote(q string) string { return "‘" + termsafe.Line(q) + "’" }

// ShortHelp lists the list's main keys for the footer.
func (l headlines) ShortHelp() []key.Binding { return l.c.keys.ShortHelp() }

// FullHelp lists every key of the list.
func (l headlines) FullHelp() [][]key.Binding { return l.c.keys.FullHelp() }
