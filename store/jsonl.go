package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
)

func init() {
	registerFormat(&format{name: "jsonl", extensions: []string{".jsonl", ".ndjson"}, parse: parseJSONLines})
	registerFormat(&format{name: "json", extensions: []string{".json"}, parse: parseJSON})
}

// maxJSONItems bounds the articles one JSON file can add.
const maxJSONItems = 100_000

// parseJSONLines reads JSON Lines: one article object per line. A line that
// is not an article object is a warning naming its line; the others load.
func parseJSONLines(f *sourceFile) ([]Article, []string, error) {
	conv := newMarkdownConverter()
	var arts []Article
	var warnings []string
	for i, line := range strings.Split(decodeText(f.data), "\n") {
		n := i + 1
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if len(arts) == maxJSONItems {
			warnings = append(warnings, fmt.Sprintf("line %d: stopped after %d articles", n, maxJSONItems))
			break
		}
		obj, err := decodeObject([]byte(line))
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("line %d: %v", n, err))
			continue
		}
		where := fmt.Sprintf("line %d", n)
		a, warns, err := articleFromObject(f, conv, obj, "jsonl", where, where)
		warnings = append(warnings, warns...)
		if err != nil {
			warnings = append(warnings, err.Error())
			continue
		}
		arts = append(arts, a)
	}
	if len(arts) == 0 {
		if len(warnings) > 0 {
			return nil, nil, fmt.Errorf("no line holds an article (%s)", warnings[0])
		}
		return nil, nil, errors.New("no line holds an article")
	}
	uniqueItemKeys(arts)
	return arts, warnings, nil
}

// parseJSON reads a .json file: a JSON Feed (an object whose "version" is a
// jsonfeed.org address) or an array of article objects. Anything else is
// skipped with the reason.
func parseJSON(f *sourceFile) ([]Article, []string, error) {
	text := decodeText(f.data)
	trimmed := strings.TrimLeft(text, " \t\n")
	switch {
	case strings.HasPrefix(trimmed, "{"):
		var head struct {
			Version any `json:"version"`
		}
		if err := json.Unmarshal([]byte(trimmed), &head); err != nil {
			return nil, nil, fmt.Errorf("JSON does not parse: %s", jsonError(err, []byte(trimmed)))
		}
		v, _ := head.Version.(string)
		if !strings.HasPrefix(v, "https://jsonfeed.org/version/") && !strings.HasPrefix(v, "http://jsonfeed.org/version/") {
			return nil, nil, errors.New("not a JSON Feed (no jsonfeed.org \"version\") nor an array of articles")
		}
		return parseFeed(f, trimmed)
	case strings.HasPrefix(trimmed, "["):
		return parseJSONArray(f, []byte(trimmed))
	}
	return nil, nil, errors.New("not a JSON Feed nor an array of articles")
}

// parseJSONArray reads an array of article objects element by element, so a
// bad element is a warning and the others still load. A syntax error ends
// the array there: JSON cannot be resynchronised after one.
func parseJSONArray(f *sourceFile, data []byte) ([]Article, []string, error) {
	conv := newMarkdownConverter()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // the '['
		return nil, nil, fmt.Errorf("JSON does not parse: %s", jsonError(err, data))
	}
	var arts []Article
	var warnings []string
	lines := lineCounter{data: data}
	for n := 1; dec.More(); n++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			warnings = append(warnings, fmt.Sprintf("item %d: %s; stopped reading", n, jsonError(err, data)))
			break
		}
		if len(arts) == maxJSONItems {
			warnings = append(warnings, fmt.Sprintf("item %d: stopped after %d articles", n, maxJSONItems))
			break
		}
		where := fmt.Sprintf("item %d (line %d)", n, lines.lineAt(dec.InputOffset()-int64(len(raw))))
		obj, err := decodeObject(raw)
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("%s: %v", where, err))
			continue
		}
		a, warns, err := articleFromObject(f, conv, obj, "json", where, fmt.Sprintf("item %d", n))
		warnings = append(warnings, warns...)
		if err != nil {
			warnings = append(warnings, err.Error())
			continue
		}
		arts = append(arts, a)
	}
	if len(arts) == 0 {
		if len(warnings) > 0 {
			return nil, nil, fmt.Errorf("not an array of articles (%s)", warnings[0])
		}
		return nil, nil, errors.New("not an array of articles: the array is empty")
	}
	uniqueItemKeys(arts)
	return arts, warnings, nil
}

// lineCounter turns byte offsets, asked in increasing order, into line
// numbers without rescanning the file from the start each time.
type lineCounter struct {
	data []byte
	off  int
	line int
}

func (c *lineCounter) lineAt(off int64) int {
	if c.line == 0 {
		c.line = 1
	}
	end := int(off)
	if end > len(c.data) {
		end = len(c.data)
	}
	if end > c.off {
		c.line += bytes.Count(c.data[c.off:end], []byte{'\n'})
		c.off = end
	}
	return c.line
}

// decodeObject decodes one JSON object, numbers kept as written.
func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errors.New(jsonError(err, nil)) // the caller names the line
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not a JSON object but %s", jsonKind(v))
	}
	return obj, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "something else"
}

// jsonError is a JSON error on one line, with the line it happened on when
// the decoder says where.
func jsonError(err error, data []byte) string {
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset > 0 && se.Offset <= int64(len(data)) {
		line := 1 + bytes.Count(data[:se.Offset], []byte{'\n'})
		return fmt.Sprintf("%s at line %d", oneLine(err.Error()), line)
	}
	return cutRunes(oneLine(err.Error()), 200)
}

// The names an article's fields go by in the JSON files people export.
// Matching ignores case; the first name present wins.
var (
	jsonTitle   = []string{"title", "headline", "name"}
	jsonBody    = []string{"body", "text", "content", "content_html", "content_text", "html", "article", "articleBody"}
	jsonSummary = []string{"summary", "description", "excerpt", "abstract", "lead", "standfirst"}
	jsonDate    = []string{"date", "published", "published_at", "publishedAt", "pubDate", "datePublished", "date_published", "created_at", "createdAt", "time", "timestamp", "updated", "date_modified"}
	jsonSource  = []string{"source", "publisher", "site", "site_name", "siteName", "feed", "outlet"}
	jsonAuthor  = []string{"author", "authors", "byline", "creator", "by"}
	jsonURL     = []string{"url", "link", "href", "permalink", "canonical_url"}
	jsonTags    = []string{"tags", "categories", "category", "keywords", "topics", "labels"}
	jsonSection = []string{"section"}
	jsonID      = []string{"id", "guid", "uuid", "_id", "key"}
)

// articleFromObject makes an article of one JSON object. where names it in
// warnings ("line 3", "item 2 (line 9)"), posKey is its item key when it has
// no id or URL; an object with neither title nor text is an error.
func articleFromObject(f *sourceFile, conv *converter.Converter, obj map[string]any, fmtName, where, posKey string) (Article, []string, error) {
	get := func(names []string) any {
		for _, want := range names {
			if v, ok := obj[want]; ok && v != nil {
				return v
			}
			for k, v := range obj {
				if strings.EqualFold(k, want) && v != nil {
					return v
				}
			}
		}
		return nil
	}
	var a Article
	var warnings []string
	a.Title = cutRunes(htmlText(jsonString(get(jsonTitle))), 300)
	a.URL = webURL(jsonString(get(jsonURL)), nil, false)
	body := strings.TrimSpace(jsonString(get(jsonBody)))
	if looksLikeHTML(body) {
		md, err := htmlToMarkdown(conv, body, parseBaseURL(a.URL))
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("%s: %v", where, err))
		}
		body = md
	} else {
		// Plain text or Markdown: both read fine as Markdown.
		body = strings.TrimSpace(sanitize(body))
	}
	a.Body = body
	if a.Title == "" && a.Body == "" {
		return a, warnings, fmt.Errorf("%s: no title and no text", where)
	}
	if a.Title == "" {
		a.Title = titleFromText(a.Body)
	}
	if s := jsonString(get(jsonSummary)); s != "" {
		a.Summary = firstParagraph(htmlText(s), 300)
	} else {
		a.Summary = summaryOf(a.Body)
	}
	a.Source = cutRunes(htmlText(jsonString(get(jsonSource))), 100)
	a.Author = cutRunes(strings.Join(cleanList(jsonList(get(jsonAuthor)), 10), ", "), 200)
	a.Tags = cleanList(jsonList(get(jsonTags)), 20)
	if s := jsonString(get(jsonSection)); s != "" {
		a.Section = cutRunes(htmlText(s), 100)
	}
	if v := get(jsonDate); v != nil {
		if t, ok := jsonTime(v); ok {
			a.Published = t
		} else {
			warnings = append(warnings, fmt.Sprintf("%s: date %q is not a date I can read; using the file time", where, cutRunes(oneLine(sanitize(jsonString(v))), 60)))
		}
	}
	// The item key: the object's own id or address, else its position.
	switch {
	case jsonString(get(jsonID)) != "":
		a.ID = "id:" + jsonString(get(jsonID))
	case a.URL != "":
		a.ID = "url:" + a.URL
	default:
		a.ID = posKey
	}
	fillDefaults(&a, f, fmtName)
	return a, warnings, nil
}

// jsonString is a JSON value as text: strings as they are, numbers as
// written, objects by their name (an author {"name": …}), arrays joined.
func jsonString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(x)
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case map[string]any:
		for _, k := range []string{"name", "title", "url", "href", "value", "text"} {
			for key, val := range x {
				if strings.EqualFold(key, k) {
					if s := jsonString(val); s != "" {
						return s
					}
				}
			}
		}
		return ""
	case []any:
		return strings.Join(jsonList(x), ", ")
	}
	return ""
}

// jsonList is a list field (tags, authors): a JSON array, or a string of
// comma-separated values.
func jsonList(v any) []string {
	switch x := v.(type) {
	case []any:
		var out []string
		for _, e := range x {
			if s := jsonString(e); s != "" {
				out = append(out, s)
			}
		}
		return out
	case string:
		return asList(x)
	case nil:
		return nil
	}
	if s := jsonString(v); s != "" {
		return []string{s}
	}
	return nil
}

// jsonTime reads a date string in the layouts parseDate knows, or a number
// of seconds (milliseconds when it is that large) since 1970.
func jsonTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case string:
		return parseDate(x)
	case json.Number:
		f, err := x.Float64()
		if err != nil || f < 0 || f > 1e15 {
			return time.Time{}, false
		}
		if f > 1e11 { // later than year 5138 in seconds: milliseconds
			f /= 1000
		}
		return time.Unix(int64(f), 0).UTC(), true
	}
	return time.Time{}, false
}
