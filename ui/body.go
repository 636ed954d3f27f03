package ui

import (
	"hash/fnv"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/x/ansi"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/ui/printer"
	"github.com/tidings-app/tidings/ui/render"
	"github.com/tidings-app/tidings/ui/styles"
	"github.com/tidings-app/tidings/ui/termsafe"
)

// maxReadWidth is the widest the reader sets text: longer lines are hard to
// read, whatever the terminal.
const maxReadWidth = 100

// bodyRenderer is the one Glamour renderer of a Model. Renders run in
// commands, so on their own goroutines; Glamour's TermRenderer is not safe
// for concurrent use, hence the lock. It is recreated when the width or
// style changes, which happens on resize only.
type bodyRenderer struct {
	mu    sync.Mutex
	r     *render.Renderer
	style string
	width int
}

// render renders Markdown at width in style, one call at a time.
func (b *bodyRenderer) render(md, style string, width int) render.Result {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.r == nil || b.style != style || b.width != width {
		r, err := render.New(render.Options{Style: style, Width: width})
		if err != nil {
			// The render package falls back to plain text on its own; an
			// error here means the style itself is broken, so show the
			// text plainly and say why.
			return render.Result{Text: render.Wrap(termsafe.Plain(md), width), Fallback: true, Reason: err.Error()}
		}
		b.r, b.style, b.width = r, style, width
	}
	return b.r.Render(md)
}

// articleContent is an article laid out for the reader: styled lines to
// draw, the same lines without escape sequences to search, and the plain
// text joined once so a highlight query runs over it in one go.
type articleContent struct {
	lines    []string
	plain    []string
	text     string
	starts   []int // byte offset of each line in text
	fallback string
}

// renderArticle renders the body (through the shared cache) and lays out the
// header above it and the related headlines below.
func renderArticle(a *store.Article, width int, st *styles.Styles, br *bodyRenderer, cache *render.Cache) *articleContent {
	// The ID alone would serve an edited file's old text from the cache:
	// IDs come from paths, and a file keeps its path when it changes.
	k := render.Key{ID: a.ID + ":" + strconv.FormatUint(bodySum(a.Body), 16), Width: render.ClampWidth(width), Style: st.GlamourStyle}
	res, ok := cache.Get(k)
	if !ok {
		res = br.render(a.Body, st.GlamourStyle, width)
		cache.Put(k, res)
	}
	return layoutArticle(a, width, st, res)
}

// bodySum is a cheap fingerprint of an article's text (FNV-1a), about a
// microsecond per kilobyte.
func bodySum(body string) uint64 {
	h := fnv.New64a()
	_, _ = io.WriteString(h, body)
	return h.Sum64()
}

// layoutArticle puts the header, body and related headlines together.
func layoutArticle(a *store.Article, width int, st *styles.Styles, res render.Result) *articleContent {
	const margin = "  " // Glamour's documents have a margin of two
	inner := max(width-2*len(margin), 10)
	var lines []string
	add := func(style func(...string) string, text string) {
		for _, l := range strings.Split(ansi.Wrap(text, inner, ""), "\n") {
			lines = append(lines, margin+style(l))
		}
	}
	lines = append(lines, "")
	head := printer.Header(a)
	url := termsafe.Line(a.URL)
	for i, h := range head {
		switch {
		case i == 0:
			add(st.ReaderTitle.Render, h)
		case a.URL != "" && h == url:
			add(st.ReaderURL.Render, h)
		default:
			add(st.ReaderMeta.Render, h)
		}
	}
	lines = append(lines, margin+st.ReaderRule.Render(strings.Repeat("─", inner)))

	body := strings.Split(strings.TrimRight(res.Text, "\n "), "\n")
	for len(body) > 0 && strings.TrimSpace(ansi.Strip(body[0])) == "" {
		body = body[1:]
	}
	lines = append(lines, "")
	lines = append(lines, body...)

	if len(a.Related) > 0 {
		lines = append(lines, "")
		add(st.ReaderTitle.Render, "Related")
		for _, r := range a.Related {
			add(st.ReaderMeta.Render, "• "+termsafe.Line(r))
		}
	}
	lines = append(lines, "")

	c := &articleContent{lines: lines, plain: make([]string, len(lines)), starts: make([]int, len(lines))}
	var text strings.Builder
	for i, l := range lines {
		c.plain[i] = ansi.Strip(l)
		c.starts[i] = text.Len()
		text.WriteString(c.plain[i])
		text.WriteByte('\n')
	}
	c.text = text.String()
	if res.Fallback {
		c.fallback = termsafe.Line(res.Reason)
		if c.fallback == "" {
			c.fallback = "shown as plain text"
		}
	}
	return c
}

// lineMatch is one match in the reader: a line and a column range in it.
type lineMatch struct {
	line int
	cols colRange
}

// find lists the matches of a highlight query in reading order. The query
// runs once over the whole text (so stemming and phrases work as in the
// index) and its byte spans are mapped to lines and columns.
func (c *articleContent) find(query string) []lineMatch {
	if c == nil || strings.TrimSpace(query) == "" {
		return nil
	}
	spans := store.Highlight(query, c.text)
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	var out []lineMatch
	for _, sp := range spans {
		for sp.Start < sp.End {
			// The last line that starts at or before the span.
			i := sort.SearchInts(c.starts, sp.Start+1) - 1
			if i < 0 || i >= len(c.plain) {
				break
			}
			end := min(sp.End, c.starts[i]+len(c.plain[i]))
			if end > sp.Start {
				for _, r := range toColumns(c.plain[i], []store.Span{{Start: sp.Start - c.starts[i], End: end - c.starts[i]}}) {
					out = append(out, lineMatch{line: i, cols: r})
				}
			}
			// A phrase can run over a line break: go on with the next line.
			sp.Start = end + 1
		}
	}
	return out
}
