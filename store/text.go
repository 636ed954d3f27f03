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
	var paras []string // each a paragraph of one or more lines
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, strings.Join(cur, "\n"))
			cur = cur[:0]
		}
	}
	for _, line := range strings.Split(f.text(), "\n") {
		line = strings.TrimRightFunc(line, unicode.IsSpace)
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			flush()
		case isBoilerplate(trimmed):
			flush() // a dropped line still ends its paragraph
		default:
			cur = append(cur, trimmed)
		}
	}
	flush()

	var a Article
	if len(paras) > 0 {
		// The headline is the first line; any lines under it in the same
		// block are the start of the body.
		first := strings.SplitN(paras[0], "\n", 2)
		// Clone: the body is rebuilt below, so the file's buffer can be
		// collected unless a title or related line still points into it.
		a.Title = strings.Clone(first[0])
		rest := paras[1:]
		if len(first) == 2 {
			rest = append([]string{first[1]}, rest...)
		}
		paras = rest
	}
	if n := len(paras); n >= 2 && isHeadlineLike(paras[n-1]) {
		a.Related = []string{strings.Clone(paras[n-1])}
		paras = paras[:n-1]
	}
	for i, p := range paras {
		lines := strings.Split(p, "\n")
		for j, l := range lines {
			lines[j] = escapeMarkdownLine(l)
		}
		paras[i] = strings.Join(lines, "\n")
	}
	a.Body = strings.Join(paras, "\n\n")
	fillDefaults(&a, f, "text")
	return []Article{a}, nil, nil
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
	if s == "" {
		return s
	}
	switch s[0] {
	case '#', '>', '-', '+', '*', '=', '`', '~', '|', '<':
		return `\` + s
	}
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return s[:i] + `\` + s[i:]
	}
	return s
}
