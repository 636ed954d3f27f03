package store

import (
	"slices"
	"strings"
)

// frontMatter holds the fields of YAML or TOML front matter, in file order
// (the full parsers' in key order). Values are loosely typed because real
// files disagree on shapes: tags as a list or a comma-separated string,
// author as a string or a list, dates as strings or native timestamps.
type frontMatter []fmField

// fmField is one key and its value: a string or a list of strings read by
// the fast path, or whatever the full YAML and TOML parsers decoded.
type fmField struct {
	key    string
	str    string
	list   []string
	isList bool
	val    any
	full   bool // val holds the value
}

// value is the field's value as the full parsers would give it.
func (f *fmField) value() any {
	switch {
	case f == nil:
		return nil
	case f.full:
		return f.val
	case f.isList:
		l := make([]any, len(f.list))
		for i, s := range f.list {
			l[i] = s
		}
		return l
	}
	return f.str
}

// fieldsOf turns what a full parser decoded into fields, sorted by key so
// that which of two keys differing only in case wins does not change from
// run to run.
func fieldsOf(m map[string]any) frontMatter {
	fm := make(frontMatter, 0, len(m))
	for k, v := range m {
		fm = append(fm, fmField{key: k, val: v, full: true})
	}
	slices.SortFunc(fm, func(a, b fmField) int { return strings.Compare(a.key, b.key) })
	return fm
}

// parseSimpleYAML reads the flat YAML that nearly all front matter is made
// of — "key: value", quoted values, "[a, b]" lists and "- item" lists — about
// ten times faster than a full YAML parser, which matters at 100,000 files.
// Anything else (nested maps, block scalars, anchors, escapes, comments after
// values) makes it return ok=false and the caller uses the full parser, so
// the result is always what yaml.Unmarshal would give for the fields we read.
// It appends to meta and items (the list items), which a loading worker
// reuses from file to file.
func parseSimpleYAML(raw string, meta frontMatter, items []string) (frontMatter, []string, bool) {
	list, listStart := -1, 0 // field whose "- item" lines follow
	for len(raw) > 0 {
		var line string
		line, raw, _ = strings.Cut(raw, "\n")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		if list >= 0 && strings.HasPrefix(trimmed, "- ") {
			item, ok := simpleScalar(strings.TrimSpace(trimmed[2:]))
			if !ok {
				return meta, items, false
			}
			items = append(items, item)
			f := &meta[list]
			f.full, f.isList = false, true
			f.list = items[listStart:len(items):len(items)]
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			return meta, items, false // nesting
		}
		key, value, found := strings.Cut(line, ":")
		if !found || key == "" || !plainKey(key) {
			return meta, items, false
		}
		value = strings.TrimSpace(value)
		list = -1
		switch {
		case value == "":
			list, listStart = len(meta), len(items)
			meta = append(meta, fmField{key: key, full: true}) // nil until an item comes
		case value[0] == '[':
			if !strings.HasSuffix(value, "]") {
				return meta, items, false
			}
			inner := strings.TrimSpace(value[1 : len(value)-1])
			start := len(items)
			for more := inner != ""; more; {
				var part string
				part, inner, more = strings.Cut(inner, ",")
				item, ok := simpleScalar(strings.TrimSpace(part))
				if !ok {
					return meta, items, false
				}
				items = append(items, item)
			}
			meta = append(meta, fmField{key: key, list: items[start:len(items):len(items)], isList: true})
		default:
			v, ok := simpleScalar(value)
			if !ok {
				return meta, items, false
			}
			meta = append(meta, fmField{key: key, str: v})
		}
	}
	return meta, items, true
}

// simpleScalar reads a plain or quoted scalar without escapes.
func simpleScalar(v string) (string, bool) {
	if v == "" {
		return "", true
	}
	switch v[0] {
	case '"':
		if len(v) < 2 || v[len(v)-1] != '"' || strings.ContainsAny(v[1:len(v)-1], "\"\\") {
			return "", false
		}
		return v[1 : len(v)-1], true
	case '\'':
		if len(v) < 2 || v[len(v)-1] != '\'' || strings.Contains(v[1:len(v)-1], "'") {
			return "", false
		}
		return v[1 : len(v)-1], true
	case '&', '*', '!', '|', '>', '%', '@', '`', '{', '[', ']', '}', '#', ',', '?', '-':
		return "", false
	}
	if strings.Contains(v, " #") || strings.Contains(v, ": ") || strings.HasSuffix(v, ":") {
		return "", false
	}
	return v, true
}

// plainKey reports a key without any of the characters that make YAML more
// than "key: value" (quotes, brackets, anchors, tags, comments...).
func plainKey(key string) bool {
	for i := 0; i < len(key); i++ {
		switch key[i] {
		case ' ', '\t', '"', '\'', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`':
			return false
		}
	}
	return true
}
