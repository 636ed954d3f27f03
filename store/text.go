package store

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

func init() {
	registerFormat(&format{name: "text", extensions: []string{".txt"}, parse: parseText})
}

// boilerplate lines are what scrapers leave behind from buttons and ad slots.
// They are dropped only when they stand alone on a line, compared without
// case and trailing punctuation.
var boilerplate = map[string]bool{
	"share": true, "share this": true, "share this article": true, "share this story": true,
	"share on facebook": true, "share on twitter": true, "share on whatsapp": true,
	"tweet": true, "email": true, "print": true, "save": true, "comments": true,
	"advertisement": true, "advertisements": true, "advert": true, "sponsored": true,
	"sponsored content": true, "story continues below advertisement": true,
	"continue reading": true, "continue reading the main story": true,
	"continue reading below": true, "read more": true, "read more:": true,
	"photo": true, "image": true, "video": true, "image caption": true, "media caption": true,
	"getty images": true, "skip to content": true, "skip advertisement": true,
	"subscribe": true, "sign up": true, "related": true, "related articles": true,
	"related content": true, "more on this story": true, "top stories": true,
}

// maxBoilerplateLen is longer than any boilerplate line, with room for
// trailing punctuation.
const maxBoilerplateLen = 48

func isBoilerplate(line string) bool {
	if len(line) > maxBoilerplateLen {
		return false // most lines are prose: skip the lower-casing
	}
	l := strings.ToLower(strings.TrimRight(line, " .:…"))
	return boilerplate[l]
}

// parseText reads scraped news text: the first real line is the headline,
// lone boilerplate lines go, paragraphs stay, and a trailing lone
// headline-like line becomes Related.
func parseText(f *sourceFile) ([]Article, []string, error) {
	// The kept lines, trimmed, and where each paragraph ends in them.
	var lines []string
	var ends []int
	if f.w != nil {
		lines, ends = f.w.lines[:0], f.w.ends[:0]
	}
	flush := func() {
		if n := len(lines); len(ends) == 0 && n > 0 || len(ends) > 0 && ends[len(ends)-1] < n {
			ends = append(ends, n)
		}
	}
	text := f.text()
	for more := true; more; {
		var line string
		line, text, more = strings.Cut(text, "\n")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || isBoilerplate(trimmed) {
			flush() // a dropped line still ends its paragraph
			continue
		}
		lines = append(lines, trimmed)
	}
	flush()

	var a Article
	// The headline is the first line; any lines under it in the same
	// block are the start of the body.
	from, paras := 0, ends
	if len(lines) > 0 {
		a.Title = lines[0]
		from = 1
		if ends[0] == 1 {
			paras = ends[1:]
		}
	}
	if n := len(paras); n >= 2 {
		last := paras[n-2]
		if paras[n-1] == last+1 && isHeadlineLike(lines[last]) {
			a.Related = []string{lines[last]}
			paras = paras[:n-1]
		}
	}
	body := f.textBuf()
	for k, end := range paras {
		if k > 0 {
			body = append(body, "\n\n"...)
		}
		for i := from; i < end; i++ {
			if i > from {
				body = append(body, '\n')
			}
			body = appendEscapedLine(body, lines[i])
		}
		from = end
	}
	a.Body = f.textOf(body)
	if f.w != nil {
		f.w.lines, f.w.ends = lines[:0], ends[:0]
	}
	fillDefaults(&a, f, "text")
	return f.single(a), nil, nil
}

// isHeadlineLike reports a single short line that reads like a headline
// rather than a sentence: no sentence-ending punctuation, a capital (or digit)
// at the start, between 5 and 20 words, and none of the commas and copulas
// that headlinese leaves out (BBC bylines such as "Clark Boyd is technology
// correspondent for …, a BBC … co-production" end without a full stop too).
func isHeadlineLike(p string) bool {
	if strings.Contains(p, "\n") || len(p) > 160 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(p)
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(p)
	if strings.ContainsRune(".!?:;,\"'”’)]…", last) {
		return false
	}
	if strings.Contains(p, ", ") {
		return false
	}
	for _, w := range []string{" is ", " are ", " was ", " were "} {
		if strings.Contains(p, w) {
			return false
		}
	}
	words := len(strings.Fields(p))
	return words >= 5 && words <= 20
}

// escapeMarkdownLine keeps scraped text from turning into Markdown structure
// by accident: a line starting with "#", ">", "-", "+", "*", "1." or a fence
// is prose, not a heading, quote, list or code block.
func escapeMarkdownLine(s string) string {
	if n := markdownEscapeAt(s); n >= 0 {
		return s[:n] + `\` + s[n:]
	}
	return s
}

// appendEscapedLine appends escapeMarkdownLine(s) to b.
func appendEscapedLine(b []byte, s string) []byte {
	if n := markdownEscapeAt(s); n >= 0 {
		b = append(b, s[:n]...)
		b = append(b, '\\')
		s = s[n:]
	}
	return append(b, s...)
}

// markdownEscapeAt returns where escapeMarkdownLine puts its backslash, or
// -1 when the line needs none.
func markdownEscapeAt(s string) int {
	if s == "" {
		return -1
	}
	switch s[0] {
	case '#', '>', '-', '+', '*', '=', '`', '~', '|', '<':
		return 0
	}
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return i
	}
	return -1
}
