package store

import (
	"math/bits"
	"path"
	"strings"
	"time"
	"unsafe"
)

// A format turns the bytes of one file into articles. Each format lives in a
// file of its own and registers itself from init, so adding a format is adding
// one file.
type format struct {
	name       string   // shown in --json output and check reports
	extensions []string // lower-case, with the dot
	parse      func(f *sourceFile) ([]Article, []string, error)
}

// sourceFile is what a parser gets: the raw bytes (already size-checked and
// known not to be binary) and where they came from.
type sourceFile struct {
	relPath string // slash-separated, relative to the root
	data    []byte
	modTime time.Time
	// w is the loading worker, whose buffers a parser may reuse: the
	// strings of the articles it returns may point into them and into
	// data, and are copied out before the next file (see worker.keep).
	// nil when a parser is called on its own.
	w *worker
}

// single returns a as the file's only article, in a slice the worker
// reuses.
func (f *sourceFile) single(a Article) []Article {
	if f.w == nil {
		return []Article{a}
	}
	f.w.one = append(f.w.one[:0], a)
	return f.w.one
}

// textBuf returns an empty buffer to write rewritten text into; textOf
// turns the filled buffer into a string.
func (f *sourceFile) textBuf() []byte {
	if f.w == nil {
		return nil
	}
	return f.w.text[:0]
}

// textOf returns the text written into b, a buffer from textBuf. A worker's
// buffer is kept for the next file and the string shares it until keep
// copies it out.
func (f *sourceFile) textOf(b []byte) string {
	if f.w == nil {
		return string(b)
	}
	f.w.text = b
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// text returns the file's content as clean, sanitized UTF-8.
func (f *sourceFile) text() string { return decodeText(f.data) }

// formats maps an extension to its format. It is filled by init functions
// only and read-only afterwards.
var formats = map[string]*format{}

func registerFormat(f *format) {
	for _, ext := range f.extensions {
		if _, dup := formats[ext]; dup {
			panic("store: two formats claim " + ext)
		}
		formats[ext] = f
	}
}

// formatFor returns the format for a file name, or nil when Tidings does not
// read that kind of file.
func formatFor(name string) *format {
	return formats[strings.ToLower(path.Ext(name))]
}

// sectionOf is the folder path of a file under its root.
func sectionOf(relPath string) string {
	dir := path.Dir(relPath)
	if dir == "." {
		return ""
	}
	return dir
}

// fillDefaults completes what a parser could not find in the file itself.
func fillDefaults(a *Article, f *sourceFile, fmtName string) {
	a.Path = f.relPath
	a.Format = fmtName
	// Folder and file names are data too: a name can hold escape
	// sequences, C1 controls, bidi overrides or bytes that are not UTF-8.
	if a.Section == "" {
		a.Section = sanitize(sectionOf(f.relPath))
	}
	if a.Published.IsZero() {
		a.Published = f.modTime
	}
	a.Title = oneLine(a.Title)
	a.Author = oneLine(a.Author)
	a.Source = oneLine(a.Source)
	if a.Title == "" {
		a.Title = oneLine(sanitize(strings.TrimSuffix(path.Base(f.relPath), path.Ext(f.relPath))))
	}
	if a.Words == 0 {
		a.Words = countWords(a.Body)
	}
	a.Summary = oneLine(a.Summary)
}

// countWords counts runs of bytes above the space character: words between
// spaces, tabs and newlines (sanitized text has no other bytes below it,
// and CR only before it is sanitized). It looks at eight bytes at a time,
// because it reads every byte of every article at load.
func countWords(s string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	n := 0
	prevSpace := uint64(0x80) // the text starts after "space"
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := load64(s, i)
		// The high bit of a byte of space is set when the byte is <= 0x20:
		// every byte has its high bit set before the subtraction, so no
		// borrow crosses bytes; bytes >= 0x80 are masked out by ^w.
		space := ^((w | highs) - 0x21*ones) & ^w & highs
		starts := ^space & highs & (space<<8 | prevSpace)
		n += bits.OnesCount64(starts)
		prevSpace = space >> 56
	}
	inWord := prevSpace == 0
	for ; i < len(s); i++ {
		space := s[i] <= ' '
		if !space && !inWord {
			n++
		}
		inWord = !space
	}
	return n
}

// firstParagraph returns the first paragraph of prose in a Markdown body,
// skipping headings, cut at about max bytes on a word boundary.
func firstParagraph(body string, max int) string {
	for rest := body; rest != ""; {
		var p string
		p, rest, _ = strings.Cut(rest, "\n\n")
		p = strings.TrimSpace(p)
		if p == "" || strings.HasPrefix(p, "#") || strings.HasPrefix(p, "```") || strings.HasPrefix(p, "|") {
			continue
		}
		p = strings.TrimLeft(p, ">-*+ ")
		p = strings.ReplaceAll(p, `\`, "")
		if len(p) <= max {
			return p
		}
		cut := strings.LastIndexByte(p[:max], ' ')
		if cut < max/2 {
			cut = max
			for cut > 0 && p[cut]&0xC0 == 0x80 { // stay on a rune boundary
				cut--
			}
		}
		return strings.TrimSpace(p[:cut]) + "…"
	}
	return ""
}
