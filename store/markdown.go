package store

import (
	"fmt"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"
)

func init() {
	registerFormat(&format{name: "markdown", extensions: []string{".md", ".markdown"}, parse: parseMarkdown})
}

// parseMarkdown reads Markdown with optional YAML (---) or TOML (+++) front
// matter. Broken front matter is a warning, not a skip: the article loads
// with what the body gives.
func parseMarkdown(f *sourceFile) ([]Article, []string, error) {
	text := f.text()
	meta, body, err := splitFrontMatter(text, f.w)
	var warnings []string
	if err != nil {
		warnings = append(warnings, err.Error())
	}
	var a Article
	a.Body = strings.Trim(body, "\n")
	if meta != nil {
		applyFrontMatter(&a, meta, &warnings)
		if f.w != nil {
			f.w.meta = meta[:0] // reuse it for the next file
		}
	}
	if a.Title == "" {
		a.Title, a.Body = titleFromBody(a.Body)
	} else if h, rest := leadingHeading(a.Body); h != "" && strings.EqualFold(oneLine(h), oneLine(a.Title)) {
		a.Body = rest // the reader's header shows the title already
	}
	fillDefaults(&a, f, "markdown")
	return f.single(a), warnings, nil
}

// splitFrontMatter separates front matter from the body. A block that opens
// but never closes, or does not parse, is reported and left in the body so
// nothing the author wrote is lost. A loading worker's buffers are reused.
func splitFrontMatter(text string, w *worker) (frontMatter, string, error) {
	var fence string
	switch {
	case strings.HasPrefix(text, "---\n"):
		fence = "---"
	case strings.HasPrefix(text, "+++\n"):
		fence = "+++"
	default:
		return nil, text, nil
	}
	rest := text[4:]
	end := -1
	if strings.HasPrefix(rest, fence+"\n") || rest == fence {
		end = 0
	} else if i := strings.Index(rest, "\n"+fence+"\n"); i >= 0 {
		end = i + 1
	} else if strings.HasSuffix(rest, "\n"+fence) {
		end = len(rest) - len(fence)
	}
	if end < 0 {
		return nil, text, fmt.Errorf("front matter opened with %s is never closed", fence)
	}
	raw := rest[:end]
	body := strings.TrimPrefix(rest[end:], fence)
	var err error
	if fence == "---" {
		var meta frontMatter
		var items []string
		if w != nil {
			meta, items = w.meta[:0], w.metaItems[:0]
		}
		meta, items, ok := parseSimpleYAML(raw, meta, items)
		if w != nil {
			w.meta, w.metaItems = meta[:0], items[:0]
		}
		if ok {
			if meta == nil {
				meta = frontMatter{}
			}
			return meta, body, nil
		}
		m := map[string]any{}
		if err = yaml.Unmarshal([]byte(raw), &m); err == nil {
			return fieldsOf(m), body, nil
		}
	} else {
		m := map[string]any{}
		if _, err = toml.Decode(raw, &m); err == nil {
			return fieldsOf(m), body, nil
		}
	}
	// The parsers quote the text they stopped at, cut at a byte count
	// that can split a character: sanitize makes it valid UTF-8 again.
	return nil, body, fmt.Errorf("front matter does not parse: %s", oneLine(sanitize(err.Error())))
}

// The front matter keys Tidings reads, lower case, by the field they fill.
const (
	fmTitle = iota
	fmAuthor
	fmSource
	fmURL
	fmSummary
	fmTags
	fmSection
	fmDate
	fmKeys
)

func fmKey(lower string) int {
	switch lower {
	case "title":
		return fmTitle
	case "author", "authors", "byline":
		return fmAuthor
	case "source", "publisher", "site":
		return fmSource
	case "url", "link", "canonical":
		return fmURL
	case "summary", "description", "excerpt":
		return fmSummary
	case "tags", "categories", "keywords":
		return fmTags
	case "section":
		return fmSection
	case "date", "published", "pubdate", "publishdate":
		return fmDate
	}
	return -1
}

// fmKeyOf matches a key without case, as strings.EqualFold would.
func fmKeyOf(key string) int {
	var buf [16]byte
	if len(key) > len(buf) {
		return -1 // longer than any key we read
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 0x80:
			// EqualFold folds a few non-ASCII letters to ASCII ones
			// (the Kelvin sign to k, the long s to s): ask it.
			for k, names := range fmNames {
				for _, n := range names {
					if strings.EqualFold(key, n) {
						return k
					}
				}
			}
			return -1
		}
		buf[i] = c
	}
	return fmKey(string(buf[:len(key)]))
}

var fmNames = [fmKeys][]string{
	fmTitle:   {"title"},
	fmAuthor:  {"author", "authors", "byline"},
	fmSource:  {"source", "publisher", "site"},
	fmURL:     {"url", "link", "canonical"},
	fmSummary: {"summary", "description", "excerpt"},
	fmTags:    {"tags", "categories", "keywords"},
	fmSection: {"section"},
	fmDate:    {"date", "published", "pubdate", "publishdate"},
}

// applyFrontMatter copies the known fields; keys are matched without case.
// Of two keys for one field the later wins.
func applyFrontMatter(a *Article, meta frontMatter, warnings *[]string) {
	var got [fmKeys]*fmField
	for i := range meta {
		if k := fmKeyOf(meta[i].key); k >= 0 {
			got[k] = &meta[i]
		}
	}
	a.Title = fmString(got[fmTitle])
	a.Author = strings.Join(fmList(got[fmAuthor]), ", ")
	a.Source = fmString(got[fmSource])
	a.URL = fmString(got[fmURL])
	a.Summary = fmString(got[fmSummary])
	a.Tags = fmList(got[fmTags])
	if s := fmString(got[fmSection]); s != "" {
		a.Section = s
	}
	if f := got[fmDate]; f != nil && (f.full && f.val != nil || !f.full) {
		if t, ok := fmTime(f); ok {
			a.Published = t
		} else {
			*warnings = append(*warnings, fmt.Sprintf("date %q is not a date I can read; using the file time", oneLine(fmt.Sprint(f.value()))))
		}
	}
}

// fmString is asString of the field's value, without boxing what the fast
// path read.
func fmString(f *fmField) string {
	switch {
	case f == nil:
		return ""
	case f.full:
		return asString(f.val)
	case f.isList:
		return strings.Join(fmList(f), ", ")
	}
	return strings.TrimSpace(sanitize(f.str))
}

// fmList is asList of the field's value.
func fmList(f *fmField) []string {
	switch {
	case f == nil:
		return nil
	case f.full:
		return asList(f.val)
	case f.isList:
		return cleanStrings(f.list)
	}
	return asList(f.str)
}

func fmTime(f *fmField) (time.Time, bool) {
	switch {
	case f.full:
		return asTime(f.val)
	case f.isList:
		return time.Time{}, false
	}
	return parseDate(f.str)
}

// asString is a front matter value as text. The value is sanitized again:
// YAML ("\e", "\x1b") and TOML ("\u001b") escapes decode to control
// characters that the file's bytes did not contain when it was sanitized.
func asString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(sanitize(x))
	case []any:
		return strings.Join(asList(x), ", ")
	default:
		return strings.TrimSpace(sanitize(fmt.Sprint(x)))
	}
}

func asList(v any) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(sanitize(s)); s != "" { // see asString
			out = append(out, oneLine(s))
		}
	}
	switch x := v.(type) {
	case nil:
	case string:
		for _, s := range strings.Split(x, ",") {
			add(s)
		}
	case []any:
		for _, e := range x {
			add(asString(e))
		}
	case []string:
		return cleanStrings(x)
	default:
		add(fmt.Sprint(x))
	}
	return out
}

// cleanStrings is asList of a list of strings, allocated once.
func cleanStrings(x []string) []string {
	var out []string
	for _, e := range x {
		if e = strings.TrimSpace(sanitize(e)); e != "" { // see asString
			if out == nil {
				out = make([]string, 0, len(x))
			}
			out = append(out, oneLine(e))
		}
	}
	return out
}

// dateLayouts are the shapes of dates found in front matter and feeds.
var dateLayouts = []string{
	time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04",
	"2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02",
	time.RFC1123Z, time.RFC1123, time.RFC822Z, time.RFC822, "2 January 2006", "January 2, 2006",
	"Jan 2, 2006", "02 Jan 2006", "2006/01/02",
}

func asTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, true
	case string:
		return parseDate(x)
	}
	return time.Time{}, false
}

// parseDate reads a date in any of dateLayouts; dates without a zone are UTC.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// titleFromBody finds a title in a body without front matter: the first "#"
// heading, else the first non-blank line. A leading heading used as the title
// is removed from the body, since the reader shows the title above it.
func titleFromBody(body string) (title, rest string) {
	if h, r := leadingHeading(body); h != "" {
		return h, r
	}
	for _, line := range strings.Split(body, "\n") {
		if t := strings.TrimSpace(line); t != "" {
			if strings.HasPrefix(t, "#") {
				return strings.TrimSpace(strings.TrimLeft(t, "#")), body
			}
			return strings.TrimLeft(t, "*_>- "), body
		}
	}
	return "", body
}

// leadingHeading returns the text of a level-one heading that opens the body
// (after blank lines), and the body without it.
func leadingHeading(body string) (string, string) {
	trimmed := strings.TrimLeft(body, "\n \t")
	if !strings.HasPrefix(trimmed, "# ") {
		return "", body
	}
	line, rest, _ := strings.Cut(trimmed, "\n")
	h := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(line[2:]), "#"))
	return h, strings.TrimLeft(rest, "\n")
}
