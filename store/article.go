// Package store loads folders of article files into an in-memory Store with a
// full-text index. It is the bottom of the import graph: it imports nothing
// else of Tidings but its own sub-packages.
package store

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/tidings-app/tidings/store/index"
)

// Article is one news article, whatever file it came from. Articles are
// immutable once loaded: a changed file produces a new *Article, so every UI
// session can hold pointers without locks.
type Article struct {
	// ID is a short, stable hex id derived from the path relative to its root
	// (plus an item key for files holding several articles), so it is the same
	// on every run and every machine.
	ID        string
	Title     string
	Source    string
	Section   string // folder path under the root, slash-separated; "" at the top
	Author    string
	Published time.Time
	URL       string
	Tags      []string
	Summary   string   // as the file gives it; see Lead for the fallback
	Body      string   // Markdown
	Related   []string // trailing "related headline" lines of scraped text
	Path      string   // slash-separated path relative to its root
	Root      string   // the root's display name (a directory, or "built-in")
	Format    string   // parser name: "text", "markdown", …
	Words     int

	doc index.DocNum // its number in the Store's index
}

// Lead is the article's summary for lists and search results: its Summary,
// or else the first paragraph of its body, cut near 240 bytes. Only a
// summary the file gives is kept; the fallback is made when asked, because
// kept it was 17 MB of a 100,000-article library for a line the reader sees
// only when a search hit has no snippet.
func (a *Article) Lead() string {
	if a.Summary != "" {
		return a.Summary
	}
	return oneLine(firstParagraph(a.Body, 240))
}

// ReadingMinutes estimates reading time at 200 words a minute, at least 1.
func (a *Article) ReadingMinutes() int {
	m := (a.Words + 199) / 200
	if m < 1 {
		m = 1
	}
	return m
}

// idLen is the number of hex digits of an ID: 48 bits keeps collisions
// unlikely (below one in ten million pairs at a million articles) while
// staying short enough to type.
const idLen = 12

// makeID hashes the relative path and the item key. salt is empty for the
// first root that claims an id and the root's name for later ones, so the
// same relative path in two roots still gets two ids.
func makeID(salt, relPath, itemKey string) string {
	var buf [256]byte
	b := buf[:0]
	if salt != "" {
		b = append(append(b, salt...), 0)
	}
	b = append(b, relPath...)
	if itemKey != "" {
		b = append(append(b, 0), itemKey...)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:idLen/2])
}
