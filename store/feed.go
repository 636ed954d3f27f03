package store

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"golang.org/x/net/html/charset"
)

func init() {
	registerFormat(&format{name: "feed", extensions: []string{".rss", ".atom", ".xml", ".rdf"}, parse: parseXMLFeed})
}

// maxFeedItems bounds the articles one feed file can add; real feeds carry
// tens, archives a few thousand.
const maxFeedItems = 100_000

// parseXMLFeed reads a saved RSS 0.9x/2.0, RSS 1.0 (RDF) or Atom feed. The
// root element decides: any other XML (a sitemap, an OPML list, an XHTML
// page) is skipped as "not a feed".
func parseXMLFeed(f *sourceFile) ([]Article, []string, error) {
	text := xmlText(f.data)
	root, err := xmlRoot(text)
	if err != nil {
		return nil, nil, fmt.Errorf("not a feed: %v", err)
	}
	switch root {
	case "rss", "rdf", "feed":
	default:
		return nil, nil, fmt.Errorf("not a feed (the root element is <%s>, not <rss>, <rdf:RDF> or <feed>)", cutRunes(oneLine(root), 40))
	}
	return parseFeed(f, text)
}

// parseFeed parses feed text (XML or JSON Feed) with gofeed and makes an
// article of every item.
func parseFeed(f *sourceFile, text string) ([]Article, []string, error) {
	feed, err := gofeedParse(text)
	if err != nil {
		return nil, nil, err
	}
	if len(feed.Items) == 0 {
		return nil, nil, errors.New("the feed has no items")
	}
	return feedArticles(f, feed)
}

// gofeedParse runs the feed parser, turning its failures, panics included,
// into one clear reason.
func gofeedParse(text string) (feed *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			feed, err = nil, fmt.Errorf("feed parser failed: %v", r)
		}
	}()
	p := gofeed.NewParser()
	p.KeepOriginalFeed = true // Atom and JSON Feed say which content is text
	feed, err = p.ParseString(text)
	if err != nil {
		return nil, fmt.Errorf("feed does not parse: %s", cutRunes(oneLine(err.Error()), 200))
	}
	return feed, nil
}

// feedArticles turns items into articles. Every text field is plain text
// made from HTML where feeds put HTML; bodies are Markdown.
func feedArticles(f *sourceFile, feed *gofeed.Feed) ([]Article, []string, error) {
	var warnings []string
	conv := newMarkdownConverter()
	feedURL := parseBaseURL(feed.Link)
	source := cutRunes(htmlText(feed.Title), 100)
	if source == "" && feedURL != nil {
		source = strings.TrimPrefix(strings.ToLower(feedURL.Hostname()), "www.")
	}
	feedAuthor := personNames(feed.Authors, feed.Author)
	var feedDate time.Time
	if t := firstTime(feed.PublishedParsed, feed.UpdatedParsed); t != nil {
		feedDate = *t
	}
	format := "feed"

	items := feed.Items
	if len(items) > maxFeedItems {
		warnings = append(warnings, fmt.Sprintf("kept the first %d of %d items", maxFeedItems, len(items)))
		items = items[:maxFeedItems]
	}
	arts := make([]Article, 0, len(items))
	for i, it := range items {
		if it == nil {
			continue
		}
		n := i + 1
		var a Article
		a.Source = source
		link := firstNonEmpty(it.Link, firstString(it.Links))
		if link == "" && isWebAddress(it.GUID) {
			link = it.GUID // RSS permalink GUIDs are the item's address
		}
		a.URL = webURL(link, feedURL, false)
		base := feedURL
		if u := parseBaseURL(a.URL); u != nil {
			base = u
		}

		content, desc := strings.TrimSpace(it.Content), strings.TrimSpace(it.Description)
		kind := declaredKinds(feed, i)
		raw, rawKind := content, kind.content
		if raw == "" {
			raw, rawKind = desc, kind.summary
		}
		body, err := feedBody(conv, raw, rawKind, base)
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("item %d: %v", n, err))
		}
		if content != "" && desc != "" {
			sum, _ := feedBody(conv, desc, kind.summary, base)
			a.Summary = summaryOf(sum)
		}
		if it.Image != nil {
			body = withLeadImage(body, webURL(it.Image.URL, base, false))
		}
		a.Body = body
		if a.Summary == "" {
			a.Summary = summaryOf(body)
		}

		a.Title = cutRunes(htmlText(it.Title), 300)
		if a.Title == "" {
			a.Title = titleFromText(body)
		}
		if a.Title == "" {
			a.Title = firstNonEmpty(a.URL, fmt.Sprintf("Untitled item %d", n))
		}

		if t := firstTime(it.PublishedParsed, it.UpdatedParsed); t != nil {
			a.Published = *t
		} else if d := firstNonEmpty(it.Published, it.Updated); d != "" {
			if t, ok := parseDate(d); ok {
				a.Published = t
			} else {
				warnings = append(warnings, fmt.Sprintf("item %d: date %q is not a date I can read; using the feed's", n, cutRunes(oneLine(sanitize(d)), 60)))
			}
		}
		if a.Published.IsZero() {
			a.Published = feedDate
		}

		a.Author = firstNonEmpty(personNames(it.Authors, it.Author), dublinCreator(it), feedAuthor)
		a.Tags = cleanList(it.Categories, 20)

		// The item key: the GUID, else the link, else the title and the
		// position, as Load hashes it with the path into the article's ID.
		switch {
		case strings.TrimSpace(it.GUID) != "":
			a.ID = "guid:" + strings.TrimSpace(it.GUID)
		case link != "":
			a.ID = "link:" + strings.TrimSpace(link)
		default:
			a.ID = fmt.Sprintf("item:%s#%d", htmlText(it.Title), n)
		}
		fillDefaults(&a, f, format)
		arts = append(arts, a)
	}
	if len(arts) == 0 {
		return nil, warnings, errors.New("the feed has no items")
	}
	uniqueItemKeys(arts)
	return arts, warnings, nil
}

// contentKind is what a feed says an item's text is.
type contentKind int

const (
	kindUnknown contentKind = iota // RSS never says: looksLikeHTML decides
	kindText
	kindHTML
)

// itemKinds are the declared kinds of an item's content and summary.
type itemKinds struct{ content, summary contentKind }

// declaredKinds reads the kinds Atom (type="text|html|xhtml") and JSON Feed
// (content_text or content_html) declare, from the original feed gofeed
// keeps: its own item type forgets them, and a text item that talks about
// <b> tags must stay text.
func declaredKinds(feed *gofeed.Feed, i int) itemKinds {
	switch orig := feed.OriginalFeed().(type) {
	case *atom.Feed:
		if len(orig.Entries) != len(feed.Items) || orig.Entries[i] == nil {
			break
		}
		e := orig.Entries[i]
		var k itemKinds
		if e.Content != nil {
			k.content = atomKind(e.Content.Type)
		}
		if e.Summary != "" {
			k.summary = kindUnknown // gofeed keeps no type for summaries
		}
		return k
	case *jsonfeed.Feed:
		if len(orig.Items) != len(feed.Items) || orig.Items[i] == nil {
			break
		}
		k := itemKinds{content: kindHTML, summary: kindText}
		if orig.Items[i].ContentHTML == "" {
			k.content = kindText
		}
		return k
	}
	return itemKinds{}
}

func atomKind(t string) contentKind {
	switch t = strings.ToLower(strings.TrimSpace(t)); {
	case t == "" || t == "text":
		return kindText
	case t == "html" || strings.Contains(t, "xhtml"):
		return kindHTML
	}
	return kindUnknown
}

// feedBody converts an item's content: HTML through the Markdown converter,
// plain text as paragraphs.
func feedBody(conv *converter.Converter, s string, kind contentKind, base *url.URL) (string, error) {
	if s == "" {
		return "", nil
	}
	if kind == kindHTML || kind == kindUnknown && looksLikeHTML(s) {
		return htmlToMarkdown(conv, s, base)
	}
	return textToMarkdown(s), nil
}

func firstTime(ts ...*time.Time) *time.Time {
	for _, t := range ts {
		if t != nil && !t.IsZero() {
			return t
		}
	}
	return nil
}

func firstString(ss []string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// personNames joins the names of people (their e-mail when they have no
// name); one is the deprecated single author gofeed still fills.
func personNames(people []*gofeed.Person, one *gofeed.Person) string {
	if len(people) == 0 && one != nil {
		people = []*gofeed.Person{one}
	}
	var names []string
	for _, p := range people {
		if p == nil {
			continue
		}
		if s := htmlText(firstNonEmpty(p.Name, p.Email)); s != "" {
			names = append(names, s)
		}
	}
	return cutRunes(strings.Join(cleanList(names, 10), ", "), 200)
}

func dublinCreator(it *gofeed.Item) string {
	if it.DublinCoreExt == nil {
		return ""
	}
	return cutRunes(strings.Join(cleanList(it.DublinCoreExt.Creator, 10), ", "), 200)
}

var xmlDecl = regexp.MustCompile(`^<\?xml[^>]*\?>`)
var xmlEncoding = regexp.MustCompile(`encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// xmlText turns feed bytes into sanitized UTF-8 XML without its
// declaration. The charset it declares decodes it; no declaration, or a
// UTF-8 one the bytes do not keep, means Windows-1252 as for every text
// file. The declaration goes so the XML parser does not decode a second time,
// and sanitizing first means control characters (illegal in XML) cannot
// fail a whole feed.
func xmlText(b []byte) string {
	b = bytes.TrimLeft(trimBOM(b), " \t\r\n")
	label := ""
	if decl := xmlDecl.Find(b); decl != nil {
		if m := xmlEncoding.FindSubmatch(decl); m != nil {
			label = strings.ToLower(string(m[1]))
		}
		b = b[len(decl):]
	}
	var s string
	switch label {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		s = decodeText(b)
	default:
		enc, _ := charset.Lookup(label)
		if enc == nil {
			s = decodeText(b)
			break
		}
		d, err := enc.NewDecoder().Bytes(b)
		if err != nil {
			s = decodeText(b)
			break
		}
		s = sanitize(strings.ToValidUTF8(string(d), "\uFFFD"))
	}
	// U+FFFE and U+FFFF are not XML characters either, and a character
	// reference to a control character (&#27;) fails the XML parser on the
	// whole feed: both go here, with what sanitize would remove later.
	s = strings.NewReplacer("\uFFFE", "", "\uFFFF", "").Replace(s)
	return controlRef.ReplaceAllStringFunc(s, func(ref string) string {
		num := strings.TrimSuffix(strings.TrimPrefix(ref, "&#"), ";")
		base := 10
		if num[0] == 'x' || num[0] == 'X' {
			num, base = num[1:], 16
		}
		r, err := strconv.ParseInt(num, base, 32)
		if err != nil || r == 0xFFFE || r == 0xFFFF || r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f || unsafeRune(rune(r)) {
			return ""
		}
		return ref
	})
}

// controlRef matches numeric character references, checked in xmlText.
var controlRef = regexp.MustCompile(`&#([0-9]{1,8}|[xX][0-9a-fA-F]{1,8});`)

// xmlRoot returns the lower-cased local name of the root element, reading no
// further than it.
func xmlRoot(s string) (string, error) {
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = false
	for i := 0; i < 10_000; i++ {
		tok, err := d.RawToken()
		if err == io.EOF {
			return "", errors.New("no XML root element")
		}
		if err != nil {
			return "", fmt.Errorf("not XML: %s", cutRunes(oneLine(err.Error()), 120))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return strings.ToLower(t.Name.Local), nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return "", errors.New("text before the root element: not XML")
			}
		}
	}
	return "", errors.New("no XML root element")
}
