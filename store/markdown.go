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

// frontMatter holds the fields Tidings reads from YAML or TOML front matter.
// Values are loosely typed because real files disagree on shapes: tags as a
// list or a comma-separated string, author as a string or a list, dates as
// strings or native timestamps.
type frontMatter map[string]any

// parseMarkdown reads Markdown with optional YAML (---) or TOML (+++) front
// matter. Broken front matter is a warning, not a skip: the article loads
// with what the body gives.
func parseMarkdown(f *sourceFile) ([]Article, []string, error) {
	text := f.text()
	meta, body, err := splitFrontMatter(text)
	var warnings []string
	if err != nil {
		warnings = append(warnings, err.Error())
	}
	var a Article
	a.Body = strings.Trim(body, "\n")
	if meta != nil {
		applyFrontMatter(&a, meta, &warnings)
	}
	if a.Title == "" {
		a.Title, a.Body = titleFromBody(a.Body)
	} else if h, rest := leadingHeading(a.Body); h != "" && strings.EqualFold(oneLine(h), oneLine(a.Title)) {
		a.Body = rest // the reader's header shows the title already
	}
	fillDefaults(&a, f, "markdown")
	return []Article{a}, warnings, nil
}

// splitFrontMatter separates front matter from the body. A block that opens
// but never closes, or does not parse, is reported and left in the body so
// nothing the author wrote is lost.
func splitFrontMatter(text string) (frontMatter, string, error) {
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
	meta := frontMatter{}
	var err error
	if fence == "---" {
		if fast, ok := parseSimpleYAML(raw); ok {
			meta = fast
		} else {
			err = yaml.Unmarshal([]byte(raw), &meta)
		}
	} else {
		_, err = toml.Decode(raw, &meta)
	}
	if err != nil {
		// The parsers quote the text they stopped at, cut at a byte count
		// that can split a character: sanitize makes it valid UTF-8 again.
		return nil, body, fmt.Errorf("front matter does not parse: %s", oneLine(sanitize(err.Error())))
	}
	return meta, body, nil
}

// applyFrontMatter copies the known fields; keys are matched without case.
func applyFrontMatter(a *Article, meta frontMatter, warnings *[]string) {
	get := func(keys ...string) any {
		for k, v := range meta {
			for _, want := range keys {
				if strings.EqualFold(k, want) {
					return v
				}
			}
		}
		return nil
	}
	a.Title = asString(get("title"))
	a.Author = strings.Join(asList(get("author", "authors", "byline")), ", ")
	a.Source = asString(get("source", "publisher", "site"))
	a.URL = asString(get("url", "link", "canonical"))
	a.Summary = asString(get("summary", "description", "excerpt"))
	a.Tags = asList(get("tags", "categories", "keywords"))
	if s := asString(get("section")); s != "" {
		a.Section = s
	}
	if v := get("date", "published", "pubdate", "publishdate"); v != nil {
		if t, ok := asTime(v); ok {
			a.Published = t
		} else {
			*warnings = append(*warnings, fmt.Sprintf("date %q is not a date I can read; using the file time", oneLine(fmt.Sprint(v))))
		}
	}
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
		for _, e := range x {
			add(e)
		}
	default:
		add(fmt.Sprint(x))
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
