package store

import (
	"bytes"
	"fmt"
	"time"
	"unsafe"
)

// Sizes of the blocks a loading worker carves kept text from: small first, so
// a library of a few files costs little, then big, so the unused tail of each
// block stays a fraction of a percent.
const (
	firstSlab = 64 << 10
	maxSlab   = 1 << 20
)

// worker is what one loading goroutine reuses from file to file: the buffer
// a file is read into, the buffer parsers rewrite text into, and the block
// kept text is carved from. A parsed article's strings may point into the
// reused buffers; keep copies those strings out before the next file, so
// nothing but the text an article keeps stays in memory — not the front
// matter, not a scraped file's raw lines, not the slack of an allocation
// rounded up to a size class.
type worker struct {
	opts Options
	buf  []byte    // the file being parsed
	text []byte    // text a parser rewrote (see sourceFile.textBuf)
	one  []Article // the slice single-article parsers return
	// meta and metaItems are the fast front matter parser's results.
	meta      frontMatter
	metaItems []string
	// lines and ends are parseText's.
	lines []string
	ends  []int
	// slab is the unused rest of the current block; kept text is carved
	// from it. Blocks are never written again once carved, so strings can
	// point into them.
	slab     []byte
	slabSize int
	noSlab   bool       // allocate each file's kept text on its own (live reload)
	src      sourceFile // the file being parsed, reused (see parseFile)
	// shared maps the sources, authors and tags kept so far to their kept
	// copy, so that 80,000 articles from "BBC News" share one.
	shared map[string]string
}

// Bounds of worker.shared: values longer than any real source or author
// are rarely shared, and a library of unique values must not grow a map.
const (
	maxShared        = 64
	maxSharedStrings = 4096
)

func newWorker(opts Options) *worker {
	return &worker{opts: opts, slabSize: firstSlab}
}

// result is what a worker made of one file. Its articles may be held in a
// slice the worker reuses: copy them out before the worker's next file.
type result struct {
	articles []Article
	warnings []string
	skip     string
	bytes    int64
}

// parseFile parses the bytes read from a file (into w.buf) and keeps what
// the articles need. A panic in a parser is turned into a skip: one hostile
// file must not take the whole library down.
func (w *worker) parseFile(relPath string, data []byte, modTime time.Time) (res result) {
	defer func() {
		if r := recover(); r != nil {
			res = result{skip: fmt.Sprintf("parser failed: %v", r), bytes: int64(len(data))}
		}
	}()
	res.bytes = int64(len(data))
	sniff := data
	if len(sniff) > binarySniffLen {
		sniff = sniff[:binarySniffLen]
	}
	if i := bytes.IndexByte(sniff, 0); i >= 0 {
		res.skip = fmt.Sprintf("binary file (NUL byte at offset %d)", i)
		return res
	}
	if isBlank(data) {
		res.skip = errEmpty
		return res
	}
	// The worker's own sourceFile: a new one per file escapes to the heap
	// (the parsers take it through an interface), 7 MB at 100,000 files.
	w.src = sourceFile{relPath: relPath, data: data, modTime: modTime, w: w}
	src := &w.src
	arts, warnings, err := formatFor(relPath).parse(src)
	if err != nil {
		res.skip = w.own(err.Error())
		return res
	}
	if len(arts) == 0 {
		res.skip = "no article found in the file"
		return res
	}
	w.keep(arts)
	for i, s := range warnings {
		warnings[i] = w.own(s)
	}
	res.articles, res.warnings = arts, warnings
	return res
}

// isBlank reports data holding nothing but ASCII white space (what
// bytes.TrimSpace would trim to nothing, for the bytes files start with).
func isBlank(data []byte) bool {
	for _, c := range data {
		switch c {
		case ' ', '\n', '\t', '\r', '\v', '\f':
			continue
		}
		if c < 0x80 {
			return false
		}
		return len(bytes.TrimSpace(data)) == 0 // Unicode spaces: rare
	}
	return true
}

// scratch reports whether s points into one of the worker's reused buffers.
func (w *worker) scratch(s string) bool {
	return len(s) > 0 && (inside(s, w.buf) || inside(s, w.text))
}

func inside(s string, b []byte) bool {
	if cap(b) == 0 {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	base := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return p >= base && p < base+uintptr(cap(b))
}

// own returns s, copied when it points into a reused buffer. Used for the
// rare strings that are not an article's (reasons, warnings).
func (w *worker) own(s string) string {
	if w.scratch(s) {
		return string([]byte(s))
	}
	return s
}

// keep copies every string of arts that points into the worker's reused
// buffers into one block of kept memory. A string inside an article's body
// (a summary is often its first paragraph) shares the body's copy.
func (w *worker) keep(arts []Article) {
	need := 0
	for i := range arts {
		a := &arts[i]
		body := ""
		if w.scratch(a.Body) {
			body = a.Body
			need += len(body)
		}
		stringsOf(a, func(s *string, shared bool) {
			if !w.scratch(*s) || nested(*s, body) {
				return
			}
			if shared {
				if kept, ok := w.shared[*s]; ok {
					*s = kept
					return
				}
			}
			need += len(*s)
		})
	}
	if need == 0 {
		return
	}
	block := w.alloc(need)
	put := func(s string) string {
		n := copy(block, s)
		s = unsafe.String(unsafe.SliceData(block), n)
		block = block[n:]
		return s
	}
	for i := range arts {
		a := &arts[i]
		var oldBody string
		if w.scratch(a.Body) {
			oldBody = a.Body
			a.Body = put(a.Body)
		}
		stringsOf(a, func(s *string, shared bool) {
			switch {
			case len(*s) == 0:
				*s = ""
			case !w.scratch(*s):
			case nested(*s, oldBody):
				off := uintptr(unsafe.Pointer(unsafe.StringData(*s))) - uintptr(unsafe.Pointer(unsafe.StringData(oldBody)))
				*s = a.Body[off : int(off)+len(*s)]
			default:
				*s = put(*s)
				if shared && len(*s) <= maxShared && len(w.shared) < maxSharedStrings {
					if w.shared == nil {
						w.shared = map[string]string{}
					}
					w.shared[*s] = *s
				}
			}
		})
	}
}

// nested reports whether s lies inside outer's memory.
func nested(s, outer string) bool {
	if len(s) == 0 || len(outer) == 0 {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	o := uintptr(unsafe.Pointer(unsafe.StringData(outer)))
	return p >= o && p+uintptr(len(s)) <= o+uintptr(len(outer))
}

// stringsOf calls fn with every string field of a but the body; shared is
// set for the fields that many articles have in common (a source, an
// author, a tag), which keep stores once per worker.
func stringsOf(a *Article, fn func(s *string, shared bool)) {
	fn(&a.ID, false)
	fn(&a.Title, false)
	fn(&a.Source, true)
	fn(&a.Section, true)
	fn(&a.Author, true)
	fn(&a.URL, false)
	fn(&a.Summary, false)
	fn(&a.Path, false)
	fn(&a.Format, false)
	for i := range a.Tags {
		fn(&a.Tags[i], true)
	}
	for i := range a.Related {
		fn(&a.Related[i], false)
	}
}

// alloc returns n bytes of kept memory.
func (w *worker) alloc(n int) []byte {
	if w.noSlab || n > maxSlab/4 {
		return make([]byte, n)
	}
	if n > len(w.slab) {
		for w.slabSize < maxSlab && w.slabSize < 4*n {
			w.slabSize *= 2
		}
		w.slab = make([]byte, w.slabSize)
		w.slabSize = min(2*w.slabSize, maxSlab)
	}
	b := w.slab[:n:n]
	w.slab = w.slab[n:]
	return b
}
