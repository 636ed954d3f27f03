package store

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// This file holds what the HTML, feed and JSON parsers share: turning HTML
// into the Markdown the reader shows, and getting plain text out of HTML for
// one-line fields.

// maxURLLen bounds the links and images kept in a body. Longer addresses are
// data: blobs or tracking junk, and one of them can be megabytes long.
const maxURLLen = 2048

// newMarkdownConverter builds an HTML-to-Markdown converter. One is made per
// parsed file instead of one for the package: it keeps the package free of
// shared state, and building one costs little next to parsing a file.
func newMarkdownConverter() *converter.Converter {
	return converter.NewConverter(converter.WithPlugins(
		base.NewBasePlugin(),
		commonmark.NewCommonmarkPlugin(),
	))
}

// dropElements never hold article text: code, styling, embedded widgets and
// form controls. Their text must not reach a body.
var dropElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Form: true,
	atom.Button: true, atom.Input: true, atom.Select: true, atom.Textarea: true,
	atom.Svg: true, atom.Math: true, atom.Canvas: true, atom.Link: true, atom.Meta: true,
	atom.Head: true, atom.Dialog: true,
}

// htmlToMarkdown converts a fragment of HTML (feed content, a JSON body) to
// Markdown. Relative links resolve against base when it is known. A fragment
// the HTML parser rejects (nested deeper than 512 elements) keeps its text;
// the error says why the structure went.
func htmlToMarkdown(conv *converter.Converter, s string, base *url.URL) (string, error) {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return textToMarkdown(htmlBlockText(s)), fmt.Errorf("HTML does not parse (%s); kept its text", oneLine(err.Error()))
	}
	return nodeToMarkdown(conv, doc, base)
}

// nodeToMarkdown cleans a parsed tree (see cleanForMarkdown) and converts it.
// The converter is a third-party renderer fed with hostile input: should it
// panic, the text is kept instead of losing the file.
func nodeToMarkdown(conv *converter.Converter, n *html.Node, base *url.URL) (md string, err error) {
	cleanForMarkdown(n, base)
	defer func() {
		if r := recover(); r != nil {
			md = textToMarkdown(nodeBlockText(n))
			err = fmt.Errorf("HTML to Markdown conversion failed (%v); kept the text", r)
		}
	}()
	out, err := conv.ConvertNode(n)
	if err != nil {
		return textToMarkdown(nodeBlockText(n)), fmt.Errorf("HTML to Markdown conversion failed (%s); kept the text", oneLine(err.Error()))
	}
	return tidyMarkdown(string(out)), nil
}

// cleanForMarkdown removes what never belongs in a body (dropElements) and
// rewrites links and images: a link to anything but a web or mail address
// (javascript:, an in-page anchor, an unresolvable relative path) becomes
// its text, an image that is not on the web (data:, a relative path with no
// base) goes.
func cleanForMarkdown(n *html.Node, base *url.URL) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && dropElements[c.DataAtom] {
			n.RemoveChild(c)
		} else if c.Type == html.CommentNode {
			n.RemoveChild(c)
		} else {
			cleanForMarkdown(c, base)
			if c.Type == html.ElementNode {
				cleanLinkOrImage(c, base)
			}
		}
		c = next
	}
}

func cleanLinkOrImage(n *html.Node, base *url.URL) {
	switch n.DataAtom {
	case atom.A:
		href := webURL(attr(n, "href"), base, true)
		if href == "" {
			unwrap(n)
			return
		}
		n.Attr = []html.Attribute{{Key: "href", Val: href}}
	case atom.Img:
		src := webURL(attr(n, "src"), base, false)
		if src == "" {
			n.Parent.RemoveChild(n)
			return
		}
		alt := attr(n, "alt")
		if len(alt) > 300 {
			alt = ""
		}
		n.Attr = []html.Attribute{{Key: "src", Val: src}, {Key: "alt", Val: alt}}
	}
}

// unwrap replaces n by its children.
func unwrap(n *html.Node) {
	p := n.Parent
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		n.RemoveChild(c)
		p.InsertBefore(c, n)
		c = next
	}
	p.RemoveChild(n)
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// webURL returns raw as an absolute http(s) address (or mailto: when
// allowMail), resolved against base, or "" when it is anything else.
func webURL(raw string, base *url.URL, allowMail bool) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > maxURLLen || strings.HasPrefix(raw, "#") {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if !u.IsAbs() {
		if base == nil || !base.IsAbs() {
			return ""
		}
		u = base.ResolveReference(u)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
	case "mailto":
		if !allowMail {
			return ""
		}
	default:
		return ""
	}
	s := u.String()
	if len(s) > maxURLLen {
		return ""
	}
	return oneLine(sanitize(s))
}

// parseBaseURL returns raw as an absolute web URL for resolving links, or nil.
func parseBaseURL(raw string) *url.URL {
	if s := webURL(raw, nil, false); s != "" {
		u, err := url.Parse(s)
		if err == nil {
			return u
		}
	}
	return nil
}

var (
	blankLines = regexp.MustCompile(`\n{3,}`)
	// htmlish matches markup that plain text rarely holds: common tags and
	// character references.
	htmlish = regexp.MustCompile(`(?i)</?(p|br|div|span|a|b|i|em|strong|ul|ol|li|h[1-6]|blockquote|img|figure|figcaption|table|tr|td|pre|code|hr|section|article|small|sup|sub|u|s|del|ins|cite|q)(\s[^<>]*)?/?>|&(amp|lt|gt|quot|apos|nbsp|#[0-9]{1,7}|#x[0-9a-f]{1,6});`)
)

// looksLikeHTML reports whether a feed or JSON body is HTML rather than plain
// text. Feeds and JSON files do not always say which they hold.
func looksLikeHTML(s string) bool { return htmlish.MatchString(s) }

// tidyMarkdown sanitizes converter output (character references such as
// &#27; decode into real control characters) and trims the blank lines and
// trailing spaces that converted markup leaves.
func tidyMarkdown(md string) string {
	md = sanitize(md)
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	md = strings.Join(lines, "\n")
	md = blankLines.ReplaceAllString(md, "\n\n")
	return strings.Trim(md, "\n")
}

// textToMarkdown turns plain text into a Markdown body: paragraphs stay, and
// lines that would read as Markdown structure are escaped (see
// escapeMarkdownLine).
func textToMarkdown(s string) string {
	var paras []string
	for _, p := range strings.Split(sanitize(s), "\n\n") {
		var lines []string
		for _, l := range strings.Split(p, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				// "<b>" in text is text, not inline HTML for the renderer.
				lines = append(lines, escapeMarkdownLine(strings.ReplaceAll(l, "<", `\<`)))
			}
		}
		if len(lines) > 0 {
			paras = append(paras, strings.Join(lines, "\n"))
		}
	}
	return strings.Join(paras, "\n\n")
}

// htmlText is the plain text of a snippet of HTML on one line, for titles,
// authors and tags. Snippets without known tags or references are text
// already ("Scratch <Feed>" keeps its brackets) and are only cleaned.
func htmlText(s string) string {
	if !strings.ContainsAny(s, "<&") || !looksLikeHTML(s) {
		return oneLine(sanitize(s))
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return oneLine(sanitize(b.String()))
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			b.WriteByte(' ')
		}
	}
}

// blockElements end a paragraph in htmlBlockText.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Blockquote: true,
	atom.Section: true, atom.Article: true, atom.Tr: true, atom.Table: true, atom.Pre: true,
	atom.Figure: true, atom.Figcaption: true, atom.Header: true, atom.Footer: true,
	atom.Main: true, atom.Aside: true, atom.Ul: true, atom.Ol: true, atom.Hr: true, atom.Title: true,
}

// htmlBlockText is the text of HTML the tree parser cannot take, found with
// the tokenizer, which has no nesting limit: text in paragraphs, without
// scripts and styles.
func htmlBlockText(s string) string {
	var b strings.Builder
	skip := 0 // inside script, style and the like
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return collapseParagraphs(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if dropElements[a] && a != atom.Head && a != atom.Meta && a != atom.Link {
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			}
			if blockElements[a] {
				b.WriteString("\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
	}
}

// nodeBlockText is htmlBlockText for a parsed tree.
func nodeBlockText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			if dropElements[n.DataAtom] {
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode && blockElements[n.DataAtom] {
			b.WriteString("\n\n")
		} else {
			b.WriteByte(' ')
		}
	}
	walk(n)
	return collapseParagraphs(b.String())
}

// collapseParagraphs turns text with stray white space into paragraphs of
// single-spaced lines separated by blank lines.
func collapseParagraphs(s string) string {
	var paras []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = oneLine(p); p != "" {
			paras = append(paras, p)
		}
	}
	return strings.Join(paras, "\n\n")
}

// titleFromText makes a title for an item that has none: the first words of
// its text, cut on a word boundary.
func titleFromText(md string) string {
	text := firstParagraph(md, 1<<20)
	words := strings.Fields(strings.NewReplacer("*", "", "_", "", "[", "", "]", "", "`", "").Replace(text))
	const maxWords, maxBytes = 12, 90
	var b strings.Builder
	for i, w := range words {
		if i == maxWords || b.Len()+len(w) > maxBytes {
			return strings.TrimRight(b.String(), ",;:") + "…"
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

// cutRunes shortens a one-line field to at most n runes.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// cleanList makes the tags of an article: HTML-free, one line each, without
// duplicates (compared without case), at most max of them.
func cleanList(in []string, max int) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = cutRunes(htmlText(s), 80)
		k := strings.ToLower(s)
		if s == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
		if len(out) == max {
			break
		}
	}
	return out
}

// uniqueItemKeys makes the item keys of a multi-article file (held in ID, as
// Load expects) distinct: feeds repeat GUIDs and JSON files repeat URLs, and
// two articles must never share an ID. A repeated key gets "#2", "#3"… in
// file order, so the IDs stay stable across loads.
func uniqueItemKeys(arts []Article) {
	seen := make(map[string]int, len(arts))
	for i := range arts {
		k := arts[i].ID
		seen[k]++
		if n := seen[k]; n > 1 {
			arts[i].ID = fmt.Sprintf("%s#%d", k, n)
			for seen[arts[i].ID] > 0 { // "#2" was itself a key in the file
				n++
				arts[i].ID = fmt.Sprintf("%s#%d", k, n)
			}
			seen[arts[i].ID]++
		}
	}
}

// withLeadImage puts a lead image above the body unless the body shows it
// already. Article has no image field; in the body the reader shows it.
func withLeadImage(body, img string) string {
	if img == "" || strings.Contains(body, img) {
		return body
	}
	md := "![](" + img + ")"
	if body == "" {
		return md
	}
	return md + "\n\n" + body
}

// mdLink matches a Markdown link or image, to keep only its text.
var mdLink = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)

// summaryOf is the first paragraph of a Markdown body as plain text for the
// headline list: no emphasis markers, links reduced to their text, images
// skipped.
func summaryOf(md string) string {
	for _, p := range strings.Split(md, "\n\n") {
		if strings.HasPrefix(strings.TrimSpace(p), "![") {
			continue
		}
		p = mdLink.ReplaceAllString(p, "$1")
		p = strings.NewReplacer("**", "", "__", "", "`", "").Replace(p)
		if s := firstParagraph(p, 240); s != "" {
			return s
		}
	}
	return ""
}
