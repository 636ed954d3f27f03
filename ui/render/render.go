// Package render turns an article's Markdown into text for the terminal with
// Glamour, guarded against the inputs that make Glamour slow or huge, and
// filtered so that nothing but SGR colour and printable text reaches the
// terminal.
//
// Glamour's cost grows with its output, and its output grows with the
// number of blocks times the width times (roughly) the square of their
// nesting: blockquotes nested 30 deep, a page of "- - - - item" lines or a
// few KB of one unbroken word take seconds and hundreds of megabytes. So
// [Renderer.Render] measures the Markdown first and falls back to wrapped
// plain text above the limits, and gives Glamour a time budget as a last
// resort.
package render

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/ansi"
	"github.com/charmbracelet/glamour/styles"
	xansi "github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"

	"github.com/tidings-app/tidings/ui/termsafe"
)

// Style names accepted in [Options.Style].
const (
	StyleDark  = "dark"
	StyleLight = "light"
	// StyleNoTTY is plain ASCII without colour: its output has no escape
	// sequence at all, for --plain and for output that is not a terminal.
	StyleNoTTY = "notty"
)

// Limits of the guard. Above any of them Glamour is not called.
const (
	MinWidth     = 20
	MaxWidth     = 120
	DefaultWidth = 80
	// MaxNesting is the deepest blockquote/list nesting handed to Glamour.
	MaxNesting = 16
	// MaxToken is the longest run of non-space bytes handed to Glamour: its
	// word wrapping is quadratic in the length of a word (8 KB of "x" take
	// 0.3 s, 20 KB of "[" take 17 s).
	MaxToken = 512
	// MaxSize is the largest Markdown input handed to Glamour.
	MaxSize = 256 << 10
	// MaxBlockCost bounds the sum over non-blank lines of (depth+1)², where
	// depth is the line's nesting, plus (n/64)² for every word of n bytes.
	// Glamour spends about 0.05–0.15 ms per unit (a line at depth 16 costs
	// ~28 ms, a 512-byte word 2–4 ms), so this keeps accepted input to about
	// a second of work while ordinary articles (a few hundred lines, depth
	// <= 3, words under 64 bytes) stay far below it.
	MaxBlockCost = 6000
	// MaxHeadings bounds the number of heading lines: Glamour's parser makes
	// heading IDs unique in quadratic time, so 4,000 identical headings take
	// seven seconds.
	MaxHeadings = 500
	// DefaultBudget is the time Glamour gets when [Options.Budget] is zero.
	DefaultBudget = 2 * time.Second
)

// Options configure a [Renderer].
type Options struct {
	// Style is StyleDark, StyleLight or StyleNoTTY; empty means StyleDark.
	// It is never detected from the terminal: over SSH the process's terminal
	// is the server's, not the user's.
	Style string
	// Width is the wrap width in columns, clamped to [MinWidth, MaxWidth];
	// zero or less means DefaultWidth.
	Width int
	// Budget is how long one Render may take in Glamour before the plain
	// fallback is returned instead; zero means DefaultBudget.
	Budget time.Duration
}

// Result is rendered text ready for the terminal.
type Result struct {
	// Text has passed termsafe: SGR and printable text only (no escape
	// sequence at all for StyleNoTTY and for fallbacks).
	Text string
	// Fallback is true when Glamour was skipped or gave up and Text is the
	// article as wrapped plain text.
	Fallback bool
	// Reason says why, for a status line: "nested 90 deep",
	// "a 60 KB unbroken word", ...
	Reason string
}

// Renderer renders Markdown for one style and width. It owns one
// glamour.TermRenderer, which keeps state while rendering, so a Renderer is
// not safe for concurrent use: make one per goroutine or SSH session.
// Share work between sessions with a [Cache] instead.
type Renderer struct {
	style  string
	width  int
	budget time.Duration
	config ansi.StyleConfig
	// tr is nil after a render was abandoned on timeout or panic: the
	// abandoned goroutine may still be using it, so a fresh one is built.
	tr *glamour.TermRenderer
}

// New returns a Renderer for opts. It fails only on an unknown style.
func New(opts Options) (*Renderer, error) {
	style := opts.Style
	if style == "" {
		style = StyleDark
	}
	var config ansi.StyleConfig
	switch style {
	case StyleDark:
		config = styles.DarkStyleConfig
	case StyleLight:
		config = styles.LightStyleConfig
	case StyleNoTTY:
		config = styles.NoTTYStyleConfig
	default:
		return nil, fmt.Errorf("unknown style %q (want %s, %s or %s)", opts.Style, StyleDark, StyleLight, StyleNoTTY)
	}
	// Body text in the terminal's own foreground colour instead of grey 252
	// or 234: it follows the user's theme, and Glamour wraps every padding
	// space of a coloured document in its own SGR pair, which made output 10
	// times bigger and rendering 3 times slower. config is a copy; only the
	// copy's pointer is replaced, the shared style variables are untouched.
	config.Document.Color = nil
	budget := opts.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	r := &Renderer{style: style, width: ClampWidth(opts.Width), budget: budget, config: config}
	if err := r.build(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Renderer) build() error {
	tr, err := glamour.NewTermRenderer(
		glamour.WithStyles(r.config),
		glamour.WithWordWrap(r.width),
	)
	if err != nil {
		return fmt.Errorf("building the Markdown renderer: %w", err)
	}
	r.tr = tr
	return nil
}

// ClampWidth returns the wrap width a Renderer uses for a requested width.
func ClampWidth(width int) int {
	switch {
	case width <= 0:
		return DefaultWidth
	case width < MinWidth:
		return MinWidth
	case width > MaxWidth:
		return MaxWidth
	}
	return width
}

// Width returns the (clamped) wrap width.
func (r *Renderer) Width() int { return r.width }

// Style returns the style name.
func (r *Renderer) Style() string { return r.style }

// Key returns the cache key of article id rendered by r.
func (r *Renderer) Key(id string) Key {
	return Key{ID: id, Width: r.width, Style: r.style}
}

type outcome struct {
	text string
	err  error
}

// Render renders markdown, or wraps it as plain text when it is over the
// guard's limits, when Glamour fails, or when Glamour overruns the budget.
func (r *Renderer) Render(markdown string) Result {
	if reason := Check(markdown); reason != "" {
		return r.fallback(markdown, reason)
	}
	if r.tr == nil {
		if err := r.build(); err != nil {
			return r.fallback(markdown, err.Error())
		}
	}
	// Glamour cannot be cancelled, so it runs in its own goroutine and is
	// abandoned if it overruns the budget: it then finishes in the
	// background and its result is dropped. The checks above bound what it
	// can be given to about a second of work, so an abandoned render is rare
	// and costs a bounded amount, never minutes or gigabytes.
	tr := r.tr
	done := make(chan outcome, 1) // buffered: an abandoned goroutine must not block
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- outcome{err: fmt.Errorf("renderer panicked: %v", p)}
			}
		}()
		text, err := tr.Render(markdown)
		done <- outcome{text: text, err: err}
	}()
	timer := time.NewTimer(r.budget)
	defer timer.Stop()
	select {
	case o := <-done:
		if o.err != nil {
			r.tr = nil // its state after a panic is unknown
			return r.fallback(markdown, "rendering failed: "+termsafe.Line(o.err.Error()))
		}
		if r.style == StyleNoTTY {
			return Result{Text: termsafe.Plain(o.text)}
		}
		// Glamour passes escape sequences in the text through and decodes
		// "&#27;" into a real ESC, so its output is filtered, not its input.
		return Result{Text: termsafe.String(o.text)}
	case <-timer.C:
		r.tr = nil
		return r.fallback(markdown, fmt.Sprintf("rendering took over %v", r.budget))
	}
}

func (r *Renderer) fallback(markdown, reason string) Result {
	return Result{Text: Wrap(termsafe.Plain(markdown), r.width), Fallback: true, Reason: reason}
}

// Wrap word-wraps plain text to width display columns (CJK and emoji count
// two), breaking words longer than a line. Existing line breaks are kept,
// spaces at a break are dropped, and tabs become four spaces, since a tab's
// width depends on its column. It runs in time linear in len(text).
func Wrap(text string, width int) string {
	width = max(width, 1)
	var b strings.Builder
	b.Grow(len(text) + len(text)/width + 1)
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		wrapLine(&b, strings.ReplaceAll(line, "\t", "    "), width)
	}
	return b.String()
}

func wrapLine(b *strings.Builder, line string, width int) {
	col := 0
	for line != "" {
		rest := strings.TrimLeft(line, " ")
		spaces := len(line) - len(rest)
		end := strings.IndexByte(rest, ' ')
		if end < 0 {
			end = len(rest)
		}
		word := rest[:end]
		line = rest[end:]
		if word == "" {
			return // trailing spaces
		}
		ww := xansi.StringWidth(word)
		if col+spaces+min(ww, width) > width {
			if col > 0 {
				b.WriteByte('\n') // the spaces before a break are dropped
				col, spaces = 0, 0
			} else {
				spaces = min(spaces, width-min(ww, width)) // indentation, shortened
			}
		}
		b.WriteString(strings.Repeat(" ", spaces))
		col += spaces
		for col+ww > width { // a word longer than the line: break it
			n, w := fitting(word, width-col)
			if n == 0 {
				if col > 0 {
					b.WriteByte('\n')
					col = 0
					continue
				}
				_, n = utf8.DecodeRuneInString(word) // wider than the whole line: write it anyway
				w = runewidth.StringWidth(word[:n])
			}
			b.WriteString(word[:n])
			word = word[n:]
			ww = max(ww-w, 0)
			if word == "" {
				col = w
				break
			}
			b.WriteByte('\n')
			col = 0
		}
		b.WriteString(word)
		col += ww
	}
}

// fitting returns the length in bytes and the width of the longest prefix of
// word that is at most avail columns wide, measured rune by rune.
func fitting(word string, avail int) (n, w int) {
	for i, r := range word {
		rw := runewidth.RuneWidth(r)
		if w+rw > avail {
			return i, w
		}
		w += rw
	}
	return len(word), w
}

// Check measures markdown against the guard's limits and returns why Glamour
// must not render it, or "" when it may. It reads the text once, line by
// line; the nesting it sees is an over-estimate (it does not know about code
// blocks or lazy continuation lines), which errs towards the fallback.
func Check(markdown string) string {
	if len(markdown) > MaxSize {
		return fmt.Sprintf("%s is over the %s limit", size(len(markdown)), size(MaxSize))
	}
	m := measure(markdown)
	switch {
	case m.depth > MaxNesting:
		return fmt.Sprintf("nested %d deep", m.depth)
	case m.token > MaxToken:
		return fmt.Sprintf("a %s unbroken word", size(m.token))
	case m.headings > MaxHeadings:
		return fmt.Sprintf("%d headings", m.headings)
	case m.cost > MaxBlockCost:
		return "too much structure to format"
	}
	return ""
}

func size(n int) string {
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%d KB", (n+512)/1024)
}

type measurement struct {
	depth int // deepest nesting of blockquotes and list items
	token int // longest run of non-whitespace bytes
	cost  int // sum over non-blank lines of (depth+1)² and over words of (len/64)²

	headings int // lines that may be headings
}

// measure scans markdown once. Nesting is the number of '>' and list
// markers at the start of a line plus the list items it is indented under.
// Open list items are a stack of content columns, popped only by a list
// marker at a smaller indentation: a paragraph line never pops, because a
// lazy continuation line would otherwise hide the nesting that follows it.
func measure(markdown string) measurement {
	var m measurement
	var open []int // content columns of the open list items
	run := 0
	for line := range strings.Lines(markdown) {
		for k := 0; k < len(line); k++ {
			switch line[k] {
			case ' ', '\t', '\n', '\r', '\f', '\v':
				m.cost += (run / 64) * (run / 64)
				run = 0
			default:
				run++
				m.token = max(m.token, run)
			}
		}
		col, k := indent(line, 0, 0)
		if k == len(line) || line[k] == '\n' || line[k] == '\r' {
			continue // blank
		}
		if line[k] == '#' || line[k] == '=' || (line[k] == '-' && strings.TrimRight(line[k:], "- \t\r\n") == "") {
			m.headings++ // ATX heading or setext underline (or a rule: close enough)
		}
		quotes, markers := 0, 0
		for {
			if line[k] == '>' {
				quotes++
				col, k = indent(line, k+1, col+1)
			} else if w := listMarker(line[k:]); w > 0 {
				for len(open) > 0 && col < open[len(open)-1] && markers == 0 {
					open = open[:len(open)-1]
				}
				col, k = indent(line, k+w, col+w)
				open = append(open, col)
				markers++
			} else {
				break
			}
			if k == len(line) {
				break
			}
		}
		d := quotes + len(open)
		m.depth = max(m.depth, d)
		m.cost += (d + 1) * (d + 1)
	}
	m.cost += (run / 64) * (run / 64)
	return m
}

// indent skips spaces and tabs from line[k], counting columns from col with
// tab stops every 4 columns, and returns the new column and position.
func indent(line string, k, col int) (int, int) {
	for k < len(line) {
		switch line[k] {
		case ' ':
			col++
		case '\t':
			col += 4 - col%4
		default:
			return col, k
		}
		k++
	}
	return col, k
}

// listMarker returns the length of a list marker ("-", "*", "+", "1." or
// "1)" followed by a space, a tab or the end of the line) at the start of s,
// or 0.
func listMarker(s string) int {
	n := 0
	switch {
	case s[0] == '-' || s[0] == '*' || s[0] == '+':
		n = 1
	default:
		for n < len(s) && n < 9 && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if n == 0 || n >= len(s) || (s[n] != '.' && s[n] != ')') {
			return 0
		}
		n++
	}
	if n == len(s) || s[n] == ' ' || s[n] == '\t' || s[n] == '\n' || s[n] == '\r' {
		return n
	}
	return 0
}
