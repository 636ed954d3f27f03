package ui

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/ui/termsafe"
)

// cleanSpans sorts spans, clips them to text, moves their ends onto rune
// boundaries and merges overlaps, so highlighting never splits a character
// whatever the index hands us.
func cleanSpans(text string, spans []store.Span) []store.Span {
	if len(spans) == 0 {
		return nil
	}
	out := make([]store.Span, 0, len(spans))
	for _, sp := range spans {
		s, e := max(sp.Start, 0), min(sp.End, len(text))
		for s > 0 && s < len(text) && !utf8.RuneStart(text[s]) {
			s--
		}
		for e < len(text) && e > 0 && !utf8.RuneStart(text[e]) {
			e++
		}
		if s < e {
			out = append(out, store.Span{Start: s, End: e})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	merged := out[:0]
	for _, sp := range out {
		if n := len(merged); n > 0 && sp.Start <= merged[n-1].End {
			merged[n-1].End = max(merged[n-1].End, sp.End)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// highlightLine draws plain text (a snippet) in w columns with its spans in
// the match style. When the first match would be far to the right, the start
// is cut with an ellipsis so the match is on screen.
func highlightLine(text string, spans []store.Span, w int, base, hl lipgloss.Style) string {
	if w <= 0 {
		return ""
	}
	text = strings.ReplaceAll(text, "\n", " ")
	spans = cleanSpans(text, spans)
	prefix := ""
	if len(spans) > 0 && ansi.StringWidth(text[:spans[0].Start]) > w/2 {
		// Keep about a quarter of the line of context before the match,
		// starting at a word.
		cut := spans[0].Start
		for cut > 0 && ansi.StringWidth(text[cut:spans[0].Start]) < w/4 {
			_, size := utf8.DecodeLastRuneInString(text[:cut])
			cut -= size
		}
		if sp := strings.IndexByte(text[cut:spans[0].Start], ' '); sp >= 0 {
			cut += sp + 1
		}
		text = text[cut:]
		for i := range spans {
			spans[i].Start -= cut
			spans[i].End -= cut
		}
		prefix = "…"
	}
	var b strings.Builder
	b.WriteString(base.Render(prefix))
	at := 0
	for _, sp := range spans {
		b.WriteString(base.Render(termsafe.Line(text[at:sp.Start])))
		b.WriteString(hl.Render(termsafe.Line(text[sp.Start:sp.End])))
		at = sp.End
	}
	b.WriteString(base.Render(termsafe.Line(text[at:])))
	return ansi.Truncate(b.String(), w, "…")
}

// colRange is a match in a rendered line, in terminal columns.
type colRange struct{ start, end int }

// toColumns turns byte spans of a plain line into column ranges, so the
// styled line (same text plus SGR sequences) can be cut at the same places
// even with wide characters.
func toColumns(plain string, spans []store.Span) []colRange {
	spans = cleanSpans(plain, spans)
	out := make([]colRange, len(spans))
	for i, sp := range spans {
		c0 := ansi.StringWidth(plain[:sp.Start])
		out[i] = colRange{c0, c0 + ansi.StringWidth(plain[sp.Start:sp.End])}
	}
	return out
}

// highlightStyled paints column ranges of a styled line (Glamour output) in
// the match style; the range numbered current gets the current-match style.
// The styled text between matches is kept with its own sequences, so the
// rest of the line keeps Glamour's look.
func highlightStyled(line, plain string, ranges []colRange, current int, hl, cur lipgloss.Style) string {
	if len(ranges) == 0 {
		return line
	}
	var b strings.Builder
	at := 0
	for i, r := range ranges {
		if r.start > at {
			b.WriteString(ansi.Cut(line, at, r.start))
		}
		st := hl
		if i == current {
			st = cur
		}
		b.WriteString(st.Render(ansi.Cut(plain, r.start, r.end)))
		at = r.end
	}
	b.WriteString(ansi.TruncateLeft(line, at, ""))
	return b.String()
}
