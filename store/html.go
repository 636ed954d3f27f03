package store

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

func init() {
	registerFormat(&format{name: "html", extensions: []string{".html", ".htm", ".xhtml"}, parse: parseHTML})
}

// Bounds for what a saved page can cost. Readability scores every element
// against its ancestors; past maxPageElements a page is a dump, not an
// article, and only its text is kept.
const (
	maxPageElements = 60_000
	minArticleText  = 400 // bytes of body text below which a page is not an article
	// maxNesting bounds element depth. x/net/html rejects pages past 512,
	// and below that its parse time grows with depth times elements
	// (seconds for 2 MB of 500-deep nests); real pages stay under 60.
	maxNesting = 128
)

// impliedEnd are elements whose end tag pages often leave out; the parser
// closes them itself, so they do not deepen the tree.
var impliedEnd = map[atom.Atom]bool{
	atom.P: true, atom.Li: true, atom.Dt: true, atom.Dd: true, atom.Option: true, atom.Optgroup: true,
	atom.Tr: true, atom.Td: true, atom.Th: true, atom.Thead: true, atom.Tbody: true, atom.Tfoot: true,
	atom.Colgroup: true, atom.Caption: true, atom.Rb: true, atom.Rt: true, atom.Rp: true,
}

// voidElements have no end tag.
var voidElements = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true, atom.Hr: true,
	atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true, atom.Source: true,
	atom.Track: true, atom.Wbr: true, atom.Param: true, atom.Keygen: true,
}

// nestedDeeper reports whether s nests elements more than limit deep, with
// one linear pass of the tokenizer before the tree parser is trusted with it.
func nestedDeeper(s string, limit int) bool {
	depth := 0
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.StartTagToken:
			name, _ := z.TagName()
			if a := atom.Lookup(name); !voidElements[a] && !impliedEnd[a] {
				if depth++; depth > limit {
					return true
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if a := atom.Lookup(name); !voidElements[a] && !impliedEnd[a] && depth > 0 {
				depth--
			}
		}
	}
}

// parseHTML reads a saved web page. The readable article is found with
// go-readability and converted to Markdown; metadata comes from the page's
// meta tags and JSON-LD. A page that holds no article still loads, with its
// <title> and its text, and a warning.
func parseHTML(f *sourceFile) ([]Article, []string, error) {
	text := decodeHTML(f.data)
	var a Article
	var warnings []string
	var doc *html.Node
	err := fmt.Errorf("elements nested more than %d deep", maxNesting)
	if !nestedDeeper(text, maxNesting) {
		doc, err = html.Parse(strings.NewReader(text))
	}
	if err != nil {
		// Keep the text, found by the tokenizer, which is linear and has no
		// nesting limit.
		a.Title = firstTitle(text)
		a.Body = textToMarkdown(htmlBlockText(text))
		warnings = append(warnings, fmt.Sprintf("not an article: the page does not parse as HTML (%s); kept its text", oneLine(err.Error())))
		fillDefaults(&a, f, "html")
		return []Article{a}, warnings, nil
	}

	meta := readPageMeta(doc)
	removeClutter(doc)
	pageURL := parseBaseURL(meta.url)

	var art readability.Article
	var readErr error
	elements := countElements(doc, maxPageElements+1)
	if elements > maxPageElements {
		readErr = fmt.Errorf("more than %d elements", maxPageElements)
	} else {
		art, readErr = readArticle(doc, pageURL)
	}

	conv := newMarkdownConverter()
	isArticle := false
	reason := ""
	switch {
	case readErr != nil:
		reason = readErr.Error()
	case art.Node == nil:
		reason = "no article text found"
	default:
		body, cerr := nodeToMarkdown(conv, art.Node, pageURL)
		if cerr != nil {
			warnings = append(warnings, cerr.Error())
		}
		if len(body) < minArticleText {
			reason = "too little article text"
		} else {
			a.Body = body
			isArticle = true
		}
	}

	site := firstNonEmpty(htmlText(art.SiteName()), meta.siteName)
	if isArticle {
		a.Title = firstNonEmpty(htmlText(art.Title()), meta.title, meta.titleTag)
		a.Author = cleanByline(art.Byline())
		if t, err := art.PublishedTime(); err == nil && t.Year() > 1 {
			a.Published = t
		}
		a.Body = withLeadImage(a.Body, webURL(art.ImageURL(), pageURL, false))
	} else {
		// Not an article: the page's own title and whatever text it has.
		a.Title = firstNonEmpty(meta.titleTag, meta.title)
		body := doc
		if b := findElement(doc, atom.Body); b != nil {
			body = b
		}
		md, cerr := nodeToMarkdown(conv, body, pageURL)
		if cerr != nil {
			warnings = append(warnings, cerr.Error())
		}
		a.Body = md
		warnings = append(warnings, "not an article: "+reason+"; kept the page's text")
	}
	if a.Author == "" {
		a.Author = cleanByline(meta.author)
	}
	if a.Published.IsZero() {
		for _, d := range meta.dates {
			if t, ok := parseDate(d); ok {
				a.Published = t
				break
			}
		}
	}
	// The page's own description; without one fillDefaults takes the first
	// paragraph (readability's excerpt would too, byline and all).
	a.Summary = firstParagraph(meta.description, 300)
	var bylineDate time.Time
	a.Body, a.Author, bylineDate = takeBylineParagraph(a.Body, a.Author)
	if a.Published.IsZero() {
		a.Published = bylineDate
	}
	if a.Summary == "" {
		a.Summary = summaryOf(a.Body)
	}
	a.Title = cutRunes(trimSiteName(a.Title, site), 300)
	a.Title, a.Body = dropTitleHeading(a.Title, a.Body)
	a.URL = webURL(meta.url, nil, false)
	a.Source = site
	if a.Source == "" && pageURL != nil {
		a.Source = strings.TrimPrefix(strings.ToLower(pageURL.Hostname()), "www.")
	}
	a.Source = cutRunes(a.Source, 100)
	a.Tags = cleanList(meta.tags, 20)
	fillDefaults(&a, f, "html")
	return []Article{a}, warnings, nil
}

// readArticle runs readability on a copy of doc. It is third-party code
// walking hostile markup: a panic becomes a reason, not a lost file.
func readArticle(doc *html.Node, pageURL *url.URL) (art readability.Article, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("readability failed: %v", r)
		}
	}()
	p := readability.NewParser()
	p.MaxElemsToParse = maxPageElements
	return p.ParseDocument(doc, pageURL)
}

// decodeHTML turns page bytes into sanitized UTF-8. Valid UTF-8 is taken as
// is; otherwise the charset the page declares (<meta charset>, or a BOM) is
// used, and pages that declare nothing, or UTF-8 they do not hold, are read
// as Windows-1252 like every other text file.
func decodeHTML(b []byte) string {
	b = trimBOM(b)
	if utf8.Valid(b) {
		return sanitize(string(b))
	}
	enc, name, _ := charset.DetermineEncoding(b, "text/html")
	if name == "utf-8" || name == "windows-1252" || enc == nil {
		return decodeText(b)
	}
	d, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return decodeText(b)
	}
	return sanitize(strings.ToValidUTF8(string(d), "\uFFFD"))
}

// pageMeta is what a page says about itself in <head>.
type pageMeta struct {
	titleTag, title, siteName, url, author, description string
	dates, tags                                         []string
}

// readPageMeta reads the <title>, the canonical link and the meta tags
// (Open Graph, article:*, Dublin Core, plain name=) before readability
// changes the tree. The first value of a name wins; tags collect.
func readPageMeta(doc *html.Node) pageMeta {
	var m pageMeta
	values := map[string]string{}
	var canonical string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Title:
				if m.titleTag == "" && n.FirstChild != nil {
					m.titleTag = htmlText(n.FirstChild.Data)
				}
			case atom.Link:
				if canonical == "" && strings.EqualFold(strings.TrimSpace(attr(n, "rel")), "canonical") {
					canonical = attr(n, "href")
				}
			case atom.Meta:
				key := strings.ToLower(strings.TrimSpace(firstNonEmpty(attr(n, "property"), attr(n, "name"), attr(n, "itemprop"))))
				val := strings.TrimSpace(attr(n, "content"))
				if key == "" || val == "" || len(val) > 4096 {
					break
				}
				switch key {
				case "article:tag", "keywords", "news_keywords":
					m.tags = append(m.tags, strings.Split(val, ",")...)
				}
				if _, ok := values[key]; !ok {
					values[key] = val
				}
			case atom.Time:
				if dt := attr(n, "datetime"); dt != "" && insideArticle(n) {
					values["time-in-article"] = firstNonEmpty(values["time-in-article"], dt)
				}
			case atom.Script, atom.Style, atom.Svg:
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	m.title = htmlText(firstNonEmpty(values["og:title"], values["twitter:title"], values["dc.title"]))
	m.siteName = htmlText(firstNonEmpty(values["og:site_name"], values["application-name"]))
	m.url = firstNonEmpty(webURL(canonical, nil, false), webURL(values["og:url"], nil, false))
	m.author = firstNonEmpty(values["author"], values["dc.creator"], values["byl"], values["sailthru.author"])
	if isWebAddress(m.author) {
		m.author = ""
	}
	m.description = htmlText(firstNonEmpty(values["description"], values["og:description"]))
	for _, k := range []string{"article:published_time", "datepublished", "date", "pubdate", "publishdate",
		"dc.date", "dc.date.issued", "sailthru.date", "time-in-article", "article:modified_time", "datemodified"} {
		if v := values[k]; v != "" {
			m.dates = append(m.dates, v)
		}
	}
	return m
}

func insideArticle(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == atom.Article || p.DataAtom == atom.Main {
			return true
		}
	}
	return false
}

// clutterWords mark page furniture in class and id names: consent banners,
// share bars, newsletter boxes, rails of related stories, ad slots. They are
// matched as whole words of the name ("related-stories", "share_bar"), so
// "shared" or "header" do not match.
var clutterWords = map[string]bool{
	"cookie": true, "cookies": true, "consent": true, "gdpr": true, "cmp": true,
	"share": true, "sharing": true, "social": true, "newsletter": true, "signup": true,
	"related": true, "recommended": true, "recirculation": true, "trending": true, "popular": true,
	"popup": true, "modal": true, "overlay": true, "paywall": true, "promo": true,
	"ad": true, "ads": true, "advert": true, "advertisement": true, "sponsored": true,
	"outbrain": true, "taboola": true, "breadcrumb": true, "breadcrumbs": true, "skip": true,
}

// removeClutter takes out what readability may keep: navigation, page
// headers and footers outside the article, dialogs and anything whose class
// or id names clutter (clutterWords). The containers of the article itself
// (html, body, main, article) are never removed, however they are classed.
func removeClutter(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && isClutter(c) {
			n.RemoveChild(c)
		} else {
			removeClutter(c)
		}
		c = next
	}
}

func isClutter(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Html, atom.Body, atom.Main, atom.Article:
		return false
	case atom.Nav, atom.Dialog:
		return true
	case atom.Header, atom.Footer:
		if !insideArticle(n) {
			return true
		}
	}
	switch strings.ToLower(attr(n, "role")) {
	case "navigation", "banner", "contentinfo", "dialog", "alertdialog", "complementary", "search":
		return true
	}
	if strings.EqualFold(attr(n, "aria-modal"), "true") || strings.EqualFold(attr(n, "aria-hidden"), "true") {
		return true
	}
	for _, name := range []string{attr(n, "class"), attr(n, "id")} {
		if len(name) > 1024 {
			name = name[:1024]
		}
		for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
		}) {
			if clutterWords[w] {
				return true
			}
		}
	}
	return false
}

// countElements counts elements up to limit, so a huge page is not walked
// to the end just to learn that it is huge.
func countElements(n *html.Node, limit int) int {
	count := 0
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.ElementNode {
			count++
			if count >= limit {
				return false
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	walk(n)
	return count
}

func findElement(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if found := findElement(c, a); found != nil {
			return found
		}
	}
	return nil
}

// firstTitle finds the <title> of a page the tree parser rejected.
func firstTitle(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken:
			if name, _ := z.TagName(); string(name) == "title" {
				if z.Next() == html.TextToken {
					return htmlText(string(z.Text()))
				}
				return ""
			}
		}
	}
}

// titleSeparators join a headline and the site's name in a <title> or
// og:title: "Headline | Site", "Site - Headline".
var titleSeparators = []string{" | ", " - ", " – ", " — ", " · ", " :: ", " » ", " / ", ": "}

// trimSiteName removes the site's name from either end of a title, as sites
// append it to their headlines.
func trimSiteName(title, site string) string {
	title = oneLine(title)
	if site == "" {
		return title
	}
	lt, ls := strings.ToLower(title), strings.ToLower(site)
	for _, sep := range titleSeparators {
		if suffix := strings.ToLower(sep) + ls; strings.HasSuffix(lt, suffix) && len(title) > len(suffix) {
			return strings.TrimSpace(title[:len(title)-len(suffix)])
		}
		if prefix := ls + strings.ToLower(sep); strings.HasPrefix(lt, prefix) && len(title) > len(prefix) {
			return strings.TrimSpace(title[len(prefix):])
		}
	}
	return title
}

// dropTitleHeading removes a heading at the top of the body that repeats
// the title: the reader shows the title above the body already.
func dropTitleHeading(title, body string) (string, string) {
	trimmed := strings.TrimLeft(body, "\n")
	if !strings.HasPrefix(trimmed, "#") {
		return title, body
	}
	line, rest, _ := strings.Cut(trimmed, "\n")
	h := oneLine(strings.TrimRight(strings.TrimLeft(line, "# "), "# "))
	if h != "" && strings.EqualFold(h, title) {
		return title, strings.TrimLeft(rest, "\n")
	}
	return title, body
}

// cleanByline keeps a person's name from a byline: no "By ", no links, not
// the paragraph some pages put in their byline box.
func cleanByline(s string) string {
	s = htmlText(s)
	for _, p := range []string{"by ", "von ", "par ", "por "} {
		if len(s) > len(p) && strings.EqualFold(s[:len(p)], p) {
			s = strings.TrimSpace(s[len(p):])
			break
		}
	}
	if isWebAddress(s) {
		return ""
	}
	return cutRunes(s, 120)
}

// bylinePrefix opens a byline paragraph: "By Jane Doe", "Von …", "Par …".
var bylinePrefix = regexp.MustCompile(`^(?i:by|von|par|por|door|di)\s+\p{Lu}`)

// takeBylineParagraph removes the byline that readability leaves at the top
// of many bodies ("*By Jane Doe — 12 February 2009*"): the reader shows the
// author above the body. A page without author metadata gets its author, and
// maybe its date, from that line.
func takeBylineParagraph(body, author string) (string, string, time.Time) {
	var lead string // a lead image stays above the body
	rest := body
	if strings.HasPrefix(rest, "![") {
		img, after, _ := strings.Cut(rest, "\n\n")
		lead, rest = img+"\n\n", after
	}
	first, after, _ := strings.Cut(rest, "\n\n")
	line := oneLine(strings.Trim(first, "*_ "))
	if len(line) > 160 || strings.Contains(first, "\n") {
		return body, author, time.Time{}
	}
	isByline := bylinePrefix.MatchString(line) ||
		author != "" && strings.EqualFold(line, author)
	if !isByline {
		return body, author, time.Time{}
	}
	var date time.Time
	if author == "" {
		name := line[strings.IndexFunc(line, unicode.IsSpace)+1:]
		parts := bylineSeparators.Split(name, -1)
		author = cleanByline(parts[0])
		for _, p := range parts[1:] {
			if t, ok := parseDate(p); ok {
				date = t
				break
			}
		}
	}
	return lead + after, author, date
}

// bylineSeparators part a byline's name from a role or a date.
var bylineSeparators = regexp.MustCompile(`\s+[—–|-]\s+|,\s+`)

func isWebAddress(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
