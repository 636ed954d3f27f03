package index

import (
	"strings"
	"time"
	"unicode/utf8"
)

// MaxQueryRunes is where ParseQuery cuts its input.
const MaxQueryRunes = 256

// maxGroups bounds the AND groups of one query (the evaluator counts matched
// groups in a byte per document).
const maxGroups = 64

// Field names a part of an article a query atom is restricted to.
type Field uint8

// The fields of an article a query can name. FieldAny means title or body.
const (
	FieldAny Field = iota
	FieldTitle
	FieldSource
	FieldSection
	FieldAuthor
	FieldTag
	fieldAfter
	fieldBefore
)

var fieldNames = [...]string{"", "title", "source", "section", "author", "tag", "after", "before"}

// keywordField reports fields matched against whole metadata values.
func (f Field) keyword() bool { return f >= FieldSource && f <= FieldTag }

// atom is one query operand: a term, a phrase, a metadata value or a date.
type atom struct {
	field  Field
	words  []string // folded words of a term (one) or a phrase (several); the value of a keyword field
	prefix bool     // the last bare term of a query being typed
	quoted bool
	date   int64 // Unix seconds of the day's start, for after/before
}

// group is a disjunction of atoms; a query is the conjunction of its groups.
// Only single-atom groups may be negated.
type group struct {
	neg   bool
	atoms []atom
}

// Query is a parsed search query. The zero Query is empty and matches every
// document. Build one with ParseQuery.
type Query struct {
	groups []group
	states []string
}

// ParseQuery parses s; it never fails. Syntax:
//
//	word            documents containing the word (stemmed; the exact form ranks higher)
//	"a phrase"      the words in this order
//	-word -"a b"    documents without them
//	a OR b          either (OR is upper case; binds tighter than the implicit AND)
//	title:word      in the title; source: section: author: tag: match metadata
//	                values case- and accent-insensitively, by whole words
//	                (source:bbc matches "BBC News", section:world matches "world/europe");
//	                the value may be quoted: source:"BBC News"
//	after:2006-01-02  published on or after that day (UTC, inclusive)
//	before:2006-01-02 published before that day (UTC, exclusive)
//	is:read         kept for the caller (see States), not matched against text
//
// The last bare word matches as a prefix (as-you-type) unless s ends with a
// space. Anything malformed (unclosed quote, lone -, field without value, bad
// date, OR at either end) degrades to plain words. Input is cut at
// MaxQueryRunes runes.
func ParseQuery(s string) Query {
	if utf8.RuneCountInString(s) > MaxQueryRunes {
		n := 0
		for i := range s {
			if n == MaxQueryRunes {
				s = s[:i]
				break
			}
			n++
		}
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	p := parser{s: s}
	q := p.parse()
	// The normalised form must itself survive the rune cap, or reparsing it
	// would cut it differently: drop trailing groups until it fits.
	for len(q.groups) > 0 && utf8.RuneCountInString(q.String()) > MaxQueryRunes {
		q.groups = q.groups[:len(q.groups)-1]
		q.clearPrefix()
	}
	return q
}

func (q *Query) clearPrefix() {
	for gi := range q.groups {
		for ai := range q.groups[gi].atoms {
			q.groups[gi].atoms[ai].prefix = false
		}
	}
}

type parser struct {
	s   string
	pos int
}

// lexeme is one whitespace-separated piece of the query, quotes respected.
type lexeme struct {
	neg    bool
	field  string // before the colon, lower-cased, when it names a known operator
	value  string
	quoted bool
	raw    string
	or     bool
}

func (p *parser) next() (lexeme, bool) {
	for p.pos < len(p.s) && isSpace(p.s[p.pos]) {
		p.pos++
	}
	if p.pos >= len(p.s) {
		return lexeme{}, false
	}
	start := p.pos
	var lx lexeme
	if p.s[p.pos] == '-' {
		lx.neg = true
		p.pos++
	}
	// field:
	if f, n := fieldPrefix(p.s[p.pos:]); n > 0 {
		lx.field = f
		p.pos += n
	}
	if p.pos < len(p.s) && p.s[p.pos] == '"' {
		end := strings.IndexByte(p.s[p.pos+1:], '"')
		if end >= 0 {
			lx.value = p.s[p.pos+1 : p.pos+1+end]
			lx.quoted = true
			p.pos += end + 2
			lx.raw = p.s[start:p.pos]
			return lx, true
		}
		// Unclosed quote: the rest degrades to plain words.
		p.pos++
	}
	vs := p.pos
	for p.pos < len(p.s) && !isSpace(p.s[p.pos]) {
		p.pos++
	}
	lx.value = p.s[vs:p.pos]
	lx.raw = p.s[start:p.pos]
	if !lx.neg && lx.field == "" && lx.value == "OR" {
		lx.or = true
	}
	return lx, true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// fieldPrefix recognises "name:" at the start of s for the known operators.
func fieldPrefix(s string) (string, int) {
	i := strings.IndexByte(s, ':')
	if i <= 0 || i > 7 {
		return "", 0
	}
	name := strings.ToLower(s[:i])
	switch name {
	case "title", "source", "section", "author", "tag", "after", "before", "is":
		return name, i + 1
	}
	return "", 0
}

func fieldByName(name string) Field {
	for f, n := range fieldNames {
		if n == name && n != "" {
			return Field(f)
		}
	}
	return FieldAny
}

func (p *parser) parse() Query {
	var q Query
	var lexes []lexeme
	for {
		lx, ok := p.next()
		if !ok {
			break
		}
		lexes = append(lexes, lx)
	}
	trailingSpace := len(p.s) > 0 && isSpace(p.s[len(p.s)-1])
	pendingOr := false
	for i, lx := range lexes {
		if lx.or {
			// OR joins only two positive groups; at either end it is a word.
			if i > 0 && i < len(lexes)-1 && len(q.groups) > 0 && !q.groups[len(q.groups)-1].neg && !lexes[i+1].neg && !lexes[i+1].or {
				pendingOr = true
				continue
			}
			lx.or = false
		}
		atoms, state := p.atoms(lx)
		if state != "" {
			q.states = append(q.states, state)
			continue
		}
		if len(atoms) == 0 {
			pendingOr = false
			continue
		}
		if lx.neg {
			for _, a := range atoms {
				q.groups = append(q.groups, group{neg: true, atoms: []atom{a}})
			}
			pendingOr = false
			continue
		}
		if pendingOr && len(atoms) == 1 {
			g := &q.groups[len(q.groups)-1]
			g.atoms = append(g.atoms, atoms[0])
		} else {
			for _, a := range atoms {
				q.groups = append(q.groups, group{atoms: []atom{a}})
			}
		}
		pendingOr = false
	}
	if len(q.groups) > maxGroups {
		q.groups = q.groups[:maxGroups]
	}
	// As-you-type: the last bare word is a prefix.
	if !trailingSpace && len(lexes) > 0 && len(q.groups) > 0 {
		last := lexes[len(lexes)-1]
		g := &q.groups[len(q.groups)-1]
		a := &g.atoms[len(g.atoms)-1]
		if !last.neg && !last.quoted && last.field == "" && !g.neg && a.field == FieldAny && !a.quoted && len(a.words) == 1 {
			a.prefix = true
		}
	}
	return q
}

// atoms turns one lexeme into atoms, degrading malformed operators to words.
func (p *parser) atoms(lx lexeme) ([]atom, string) {
	switch lx.field {
	case "":
		return wordAtoms(lx.value, lx.quoted, FieldAny), ""
	case "is":
		v := strings.ToLower(lx.value)
		if !lx.neg && !lx.quoted && validState(v) {
			return nil, v
		}
	case "after", "before":
		if t, err := time.Parse("2006-01-02", lx.value); err == nil && !lx.quoted {
			return []atom{{field: fieldByName(lx.field), date: t.Unix()}}, ""
		}
	default:
		f := fieldByName(lx.field)
		if f == FieldTitle {
			if as := wordAtoms(lx.value, lx.quoted, FieldTitle); len(as) > 0 {
				return as, ""
			}
		} else if w := foldWords(lx.value); len(w) > 0 {
			return []atom{{field: f, words: w}}, ""
		}
	}
	// Degrade: the operator name and its value become plain words.
	raw := lx.raw
	if lx.neg {
		raw = raw[1:]
	}
	return wordAtoms(raw, false, FieldAny), ""
}

func validState(v string) bool {
	if v == "" || len(v) > 32 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// wordAtoms makes a term for a single word and a phrase for a quoted string or
// a word with inner punctuation ("pull-out", "U.S."), which reads as one.
func wordAtoms(s string, quoted bool, f Field) []atom {
	w := foldWords(s)
	switch {
	case len(w) == 0:
		return nil
	case len(w) == 1:
		return []atom{{field: f, words: w}}
	}
	return []atom{{field: f, words: w, quoted: true}}
}

// String returns the normalised query: folded words, canonical operators,
// quotes only where needed, a trailing space when the last word is not a
// prefix. ParseQuery(q.String()) equals q.
func (q Query) String() string {
	var b strings.Builder
	// States first, so that a prefix word stays last.
	for _, s := range q.states {
		b.WriteString("is:" + s + " ")
	}
	for gi, g := range q.groups {
		if gi > 0 {
			b.WriteByte(' ')
		}
		if g.neg {
			b.WriteByte('-')
		}
		for ai, a := range g.atoms {
			if ai > 0 {
				b.WriteString(" OR ")
			}
			a.write(&b)
		}
	}
	if len(q.groups) > 0 {
		g := q.groups[len(q.groups)-1]
		a := g.atoms[len(g.atoms)-1]
		if !g.neg && a.field == FieldAny && !a.quoted && !a.prefix && len(a.words) == 1 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func (a atom) write(b *strings.Builder) {
	switch a.field {
	case fieldAfter, fieldBefore:
		b.WriteString(fieldNames[a.field] + ":" + time.Unix(a.date, 0).UTC().Format("2006-01-02"))
		return
	case FieldAny:
	default:
		b.WriteString(fieldNames[a.field] + ":")
	}
	if a.quoted || len(a.words) > 1 {
		b.WriteString(`"` + strings.Join(a.words, " ") + `"`)
		return
	}
	b.WriteString(a.words[0])
}

// IsEmpty reports whether q has no operators at all (states aside): it matches
// every document.
func (q Query) IsEmpty() bool { return len(q.groups) == 0 }

// States returns the values of the is: operators in order, lower-cased (for
// "is:read is:starred": read, starred). The index does not interpret them; the
// caller turns them into SearchOptions.Filter.
func (q Query) States() []string { return append([]string(nil), q.states...) }
