// Package printer writes the non-interactive output of Tidings: the lines and
// JSON records of list and search, an article for read, and the load report
// of check. The command line and the SSH server's non-PTY commands both use
// it, so the two print exactly the same thing.
//
// Everything that came from a file passes through termsafe before it is
// written: article text is untrusted.
package printer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidings-app/tidings/state"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/ui/termsafe"
)

// Record is the JSON shape of one article in `list --json` and
// `search --json`: one object per line.
type Record struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Source  string   `json:"source"`
	Section string   `json:"section"`
	Author  string   `json:"author"`
	Date    string   `json:"date"` // RFC 3339, or "" when unknown
	URL     string   `json:"url"`
	Tags    []string `json:"tags"`
	Path    string   `json:"path"`
	Format  string   `json:"format"`
	Words   int      `json:"words"`
	// Search results only.
	Score   *float64 `json:"score,omitempty"`
	Snippet *string  `json:"snippet,omitempty"`
	// Reading state of the current user, when a state store is in use.
	Read    *bool `json:"read,omitempty"`
	Starred *bool `json:"starred,omitempty"`
}

// NewRecord fills a Record from an article. JSON escapes control characters
// itself, and the text was sanitized at load, so fields go out as they are.
func NewRecord(a *store.Article) Record {
	tags := a.Tags
	if tags == nil {
		tags = []string{}
	}
	return Record{
		ID: a.ID, Title: a.Title, Source: a.Source, Section: a.Section, Author: a.Author,
		Date: FormatDate(a.Published), URL: a.URL, Tags: tags, Path: a.Path,
		Format: a.Format, Words: a.Words,
	}
}

// FormatDate is RFC 3339, or "" for an unknown date.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// JSONLines writes records as JSON Lines.
func JSONLines(w io.Writer, recs []Record) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i := range recs {
		if err := enc.Encode(&recs[i]); err != nil {
			return err
		}
		if buf.Len() > 64<<10 || i == len(recs)-1 {
			if _, err := w.Write(escapeTerminalJSON(buf.Bytes())); err != nil {
				return err
			}
			buf.Reset()
		}
	}
	return nil
}

// escapeTerminalJSON escapes, as \uXXXX, the characters encoding/json
// writes raw but a terminal obeys: DEL, C1 controls (U+009B is CSI) and the
// bidi overrides and isolates. Paths are file names as they are on disk and
// may hold any of them. They can only occur inside JSON strings, so the
// result decodes to the same values. Clean output is returned as it is.
func escapeTerminalJSON(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf && c != 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			out = append(out, b[last:i]...)
			out = fmt.Appendf(out, `\u%04x`, r)
			last = i + size
		}
		i += size
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// Line is the one-line form of an article in plain `list` output:
// id, date, source (or section) and title, separated by two spaces.
func Line(a *store.Article) string {
	date := "          "
	if !a.Published.IsZero() {
		date = a.Published.Format("2006-01-02")
	}
	where := a.Source
	if where == "" {
		where = a.Section
	}
	if where == "" {
		where = "-"
	}
	return termsafe.Line(fmt.Sprintf("%s  %s  %s  %s", a.ID, date, where, a.Title))
}

// List writes one Line per article.
func List(w io.Writer, arts []*store.Article) error {
	var b strings.Builder
	for _, a := range arts {
		b.WriteString(Line(a))
		b.WriteByte('\n')
		if b.Len() > 64<<10 {
			if _, err := io.WriteString(w, b.String()); err != nil {
				return err
			}
			b.Reset()
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// SearchRecords turns hits into JSON records with score and snippet.
func SearchRecords(hits []store.Hit) []Record {
	recs := make([]Record, len(hits))
	for i, h := range hits {
		recs[i] = NewRecord(h.Article)
		score, snippet := h.Score, h.Snippet
		recs[i].Score, recs[i].Snippet = &score, &snippet
	}
	return recs
}

// Search writes one Line per hit with its snippet indented below it.
func Search(w io.Writer, hits []store.Hit) error {
	var b strings.Builder
	for _, h := range hits {
		b.WriteString(Line(h.Article))
		b.WriteByte('\n')
		if h.Snippet != "" {
			b.WriteString("    ")
			b.WriteString(termsafe.Line(h.Snippet))
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// AddMarks fills the read and starred fields of records from a user's marks
// (all false when marks is empty).
func AddMarks(recs []Record, marks map[string]state.Mark) {
	for i := range recs {
		m := marks[recs[i].ID]
		read, starred := m.Read, m.Starred
		recs[i].Read, recs[i].Starred = &read, &starred
	}
}
