package ui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/tidings-app/tidings/store"
)

// reader shows one article: the rendered text in a viewport, the matches of
// the search it was opened from (or of its own find box) highlighted, n/N
// to jump between them.
type reader struct {
	c *common

	art     *store.Article
	width   int // the whole area, footer excluded
	height  int
	vp      viewport.Model
	content *articleContent
	// contentWidth is the width content was rendered at; when it differs
	// from readWidth() a render is due (after a resize).
	contentWidth int

	query   string // what is highlighted
	matches []lineMatch
	byLine  map[int][]int // line -> indexes into matches
	current int           // the match n/N landed on, -1 before the first jump

	find    searchbox
	finding bool
	findSeq int

	// atEnd remembers G pressed before the text arrived, so a quick
	// "open, G" lands at the end.
	atEnd bool
	// resume is the line to continue from once the text arrives: where the
	// reader left this article last time; 0 starts at the top.
	resume int
}

func newReader(c *common) reader {
	vp := viewport.New(1, 1)
	// Only the scrolling keys: viewport's defaults also bind h/l and ←/→
	// to horizontal scrolling, which here mean back and open.
	vp.KeyMap = viewport.KeyMap{
		Up: c.keys.Up, Down: c.keys.Down,
		PageUp: c.keys.PageUp, PageDown: c.keys.PageDown,
		HalfPageUp: c.keys.HalfUp, HalfPageDown: c.keys.HalfDown,
	}
	vp.MouseWheelEnabled = true
	return reader{c: c, vp: vp, current: -1, find: newSearchbox(c, "/ ", "find in article")}
}

// readWidth is the width articles are set at: the terminal's, at most
// maxReadWidth.
func (r reader) readWidth() int { return min(r.width, maxReadWidth) }

// SetSize sets the area; the root then asks Render for the new width.
func (r *reader) SetSize(w, h int) {
	r.width, r.height = max(w, 1), max(h, 1)
	r.vp.Width, r.vp.Height = r.width, r.height
	r.find.SetSize(w, 1)
	// Re-clamp the offset to the new height.
	r.vp.SetYOffset(r.vp.YOffset)
}

// Open shows an article, highlighting query (empty for none), from line
// resume (0 for the top), and returns the command that renders it.
func (r *reader) Open(a *store.Article, query string, resume int) tea.Cmd {
	r.art, r.content, r.contentWidth = a, nil, 0
	r.vp.SetContent("")
	r.vp.GotoTop()
	r.query, r.matches, r.byLine, r.current = query, nil, nil, -1
	r.finding, r.atEnd = false, false
	r.resume = max(resume, 0)
	r.find.Reset()
	return r.Render()
}

// Replace swaps the open article for a newer version of itself (its file
// changed on disk): the old text stays on screen until the new one is
// rendered, and the reading position is kept as a fraction, as on resize.
func (r *reader) Replace(a *store.Article) tea.Cmd {
	if r.art == nil {
		return nil
	}
	r.art, r.contentWidth = a, 0
	return r.Render()
}

// Close forgets the open article, so that a render still on its way is
// dropped and the position is not saved twice.
func (r *reader) Close() {
	r.art, r.content, r.contentWidth = nil, nil, 0
	r.vp.SetContent("")
}

// Position is the reading position to remember: the first visible line and
// how far through the text that is, in percent. ok is false while there is
// no text on screen, when there is nothing worth saving.
func (r reader) Position() (line int, percent float64, ok bool) {
	if r.art == nil || r.content == nil {
		return 0, 0, false
	}
	return r.vp.YOffset, r.vp.ScrollPercent() * 100, true
}

// Render returns the command that renders the open article at the current
// width, or nil when that is already on screen.
func (r *reader) Render() tea.Cmd {
	if r.art == nil || r.contentWidth == r.readWidth() {
		return nil
	}
	a, w, st, br, cache := r.art, r.readWidth(), &r.c.styles, r.c.body, r.c.cache
	return func() tea.Msg {
		return renderedMsg{id: a.ID, width: w, style: st.GlamourStyle, content: renderArticle(a, w, st, br, cache)}
	}
}

// setContent puts a rendered article on screen. After a resize the reading
// position is kept as a fraction of the text.
func (r *reader) setContent(c *articleContent, width int) tea.Cmd {
	frac := -1.0
	if r.content != nil && r.vp.TotalLineCount() > r.vp.Height {
		frac = r.vp.ScrollPercent()
	}
	r.content, r.contentWidth = c, width
	r.vp.SetContent(strings.Join(c.lines, "\n"))
	var resumed tea.Cmd
	switch {
	case r.atEnd:
		r.vp.GotoBottom()
		r.atEnd = false
	case frac >= 0:
		r.vp.SetYOffset(int(math.Round(frac * float64(max(len(c.lines)-r.vp.Height, 0)))))
	case r.resume > 0:
		// SetYOffset clamps: the article may have become shorter, or the
		// window taller, since the position was saved.
		r.vp.SetYOffset(r.resume)
		if r.vp.YOffset > 0 {
			resumed = msgCmd(statusMsg{text: "Continued where you left off", ttl: statusTTL})
		}
	}
	r.resume = 0
	return tea.Batch(r.findCmd(r.query), resumed)
}

// findCmd looks for query in the text in a command; seq drops answers to
// keystrokes typed since.
func (r *reader) findCmd(query string) tea.Cmd {
	r.findSeq++
	seq, c := r.findSeq, r.content
	if c == nil {
		return nil
	}
	return func() tea.Msg { return foundMsg{seq: seq, query: query, matches: c.find(query)} }
}

// setMatches installs the answer of findCmd.
func (r *reader) setMatches(msg foundMsg) {
	r.query, r.matches, r.current = msg.query, msg.matches, -1
	r.byLine = make(map[int][]int, len(msg.matches))
	for i, m := range msg.matches {
		r.byLine[m.line] = append(r.byLine[m.line], i)
	}
	if r.finding && len(r.matches) > 0 {
		// As you type, land on the first match from where you are, like less.
		r.current = r.firstFrom(r.vp.YOffset)
		r.reveal()
	}
}

// firstFrom is the first match on or after line, wrapping to the first.
func (r reader) firstFrom(line int) int {
	for i, m := range r.matches {
		if m.line >= line {
			return i
		}
	}
	return 0
}

// jump moves to the next (+1) or previous (-1) match, wrapping around.
func (r *reader) jump(delta int) {
	n := len(r.matches)
	if n == 0 {
		return
	}
	switch {
	case r.current < 0 && delta > 0:
		r.current = r.firstFrom(r.vp.YOffset)
	case r.current < 0:
		r.current = n - 1
		for i := n - 1; i >= 0; i-- {
			if r.matches[i].line < r.vp.YOffset+r.vp.Height {
				r.current = i
				break
			}
		}
	default:
		r.current = (r.current + delta + n) % n
	}
	r.reveal()
}

// reveal scrolls the current match into view, a third from the top so the
// lines before it give context.
func (r *reader) reveal() {
	if r.current < 0 || r.current >= len(r.matches) {
		return
	}
	line := r.matches[r.current].line
	if line < r.vp.YOffset || line >= r.vp.YOffset+r.vp.Height {
		r.vp.SetYOffset(line - r.vp.Height/3)
	}
}

// Update scrolls, jumps between matches and runs the find box; leaving and
// moving to another article are reported to the root.
func (r reader) Update(msg tea.Msg) (reader, tea.Cmd) {
	k := &r.c.keys
	switch msg := msg.(type) {
	case renderedMsg:
		if r.art != nil && msg.id == r.art.ID && msg.width == r.readWidth() && msg.style == r.c.styles.GlamourStyle {
			return r, r.setContent(msg.content, msg.width)
		}
		return r, nil
	case foundMsg:
		if msg.seq == r.findSeq {
			r.setMatches(msg)
		}
		return r, nil
	case tea.KeyMsg:
		if r.finding {
			return r.updateFind(msg)
		}
		switch {
		case key.Matches(msg, k.Back):
			return r, msgCmd(backMsg{})
		case key.Matches(msg, k.NextArt):
			return r, msgCmd(stepArticleMsg{delta: 1})
		case key.Matches(msg, k.PrevArt):
			return r, msgCmd(stepArticleMsg{delta: -1})
		case key.Matches(msg, k.NextMatch):
			r.jump(1)
			return r, nil
		case key.Matches(msg, k.PrevMatch):
			r.jump(-1)
			return r, nil
		case key.Matches(msg, k.Find):
			r.finding = true
			r.find.SetValue("")
			r.find.Focus()
			return r, nil
		case key.Matches(msg, k.Home):
			r.vp.GotoTop()
			r.atEnd = false
			return r, nil
		case key.Matches(msg, k.End):
			r.vp.GotoBottom()
			r.atEnd = r.content == nil
			return r, nil
		}
	}
	var cmd tea.Cmd
	r.vp, cmd = r.vp.Update(msg)
	return r, cmd
}

// updateFind handles keys while typing in the find box.
func (r reader) updateFind(msg tea.KeyMsg) (reader, tea.Cmd) {
	k := &r.c.keys
	switch {
	case key.Matches(msg, k.Accept):
		r.finding = false
		r.find.Blur()
		if r.current < 0 && len(r.matches) > 0 {
			r.current = r.firstFrom(r.vp.YOffset)
			r.reveal()
		}
		return r, nil
	case key.Matches(msg, k.Cancel):
		r.finding = false
		r.find.Reset()
		r.query, r.matches, r.byLine, r.current = "", nil, nil, -1
		r.findSeq++ // drop answers still on their way
		return r, nil
	}
	before := r.find.Value()
	var cmd tea.Cmd
	r.find, cmd = r.find.Update(msg)
	if v := r.find.Value(); v != before {
		return r, tea.Batch(cmd, r.findCmd(v))
	}
	return r, cmd
}

// Finding reports whether keys go to the find box.
func (r reader) Finding() bool { return r.finding }

// HasMatches reports whether n/N have somewhere to go.
func (r reader) HasMatches() bool { return len(r.matches) > 0 }

// View draws the visible lines, the matches on them highlighted; the text
// column is centred when the terminal is wider than the reading width.
func (r reader) View() string {
	s := &r.c.styles
	lines := make([]string, 0, r.height)
	if r.content == nil {
		lines = append(lines, "", "  "+s.Empty.Render("Rendering…"))
	} else {
		pad := centre(r.width)
		end := min(r.vp.YOffset+r.vp.Height, len(r.content.lines))
		for i := r.vp.YOffset; i < end; i++ {
			line := r.content.lines[i]
			if idx := r.byLine[i]; len(idx) > 0 {
				ranges := make([]colRange, len(idx))
				cur := -1
				for j, mi := range idx {
					ranges[j] = r.matches[mi].cols
					if mi == r.current {
						cur = j
					}
				}
				line = highlightStyled(line, r.content.plain[i], ranges, cur, s.Match, s.CurrentMatch)
			}
			lines = append(lines, pad+ansi.Truncate(line, r.width-len(pad), ""))
		}
	}
	for len(lines) < r.height {
		lines = append(lines, "")
	}
	return strings.Join(lines[:r.height], "\n")
}

// Percent is how far down the text the view is, 100 at the end.
func (r reader) Percent() int {
	if r.content == nil {
		return 0
	}
	return int(math.Round(r.vp.ScrollPercent() * 100))
}

// MatchInfo is "3/14" after a jump, "14 matches" before, "" without a query
// and "no matches" when it found nothing.
func (r reader) MatchInfo() string {
	switch {
	case r.query == "" || r.content == nil:
		return ""
	case len(r.matches) == 0:
		return "no matches"
	case r.current < 0:
		if len(r.matches) == 1 {
			return "1 match"
		}
		return fmt.Sprintf("%s matches", thousands(len(r.matches)))
	}
	return fmt.Sprintf("%d/%d", r.current+1, len(r.matches))
}

// Fallback is why the body is shown as plain text, or "".
func (r reader) Fallback() string {
	if r.content == nil {
		return ""
	}
	return r.content.fallback
}

// FindView is the find box, drawn in place of the status bar while typing.
func (r reader) FindView() string { return r.find.View() }

// ShortHelp and FullHelp make the reader a help.KeyMap of the root's keys.
func (r reader) ShortHelp() []key.Binding { return r.c.keys.ShortHelp() }

// FullHelp lists every key of the reader.
func (r reader) FullHelp() [][]key.Binding { return r.c.keys.FullHelp() }
