package synth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// filesPerFolder bounds how many article files WriteDir puts in one folder
// (per section), because huge flat directories are slow to walk and list.
const filesPerFolder = 1000

// WriteDir writes the n articles of the corpus for seed as files under dir:
// about 80% Markdown with YAML front matter and 20% scraped-news text (headline
// line, blank line, paragraphs), in section folders split into numbered
// sub-folders. The output is byte-identical for the same (n, seed). Files are
// written in parallel.
func WriteDir(dir string, n int, seed int64) (files int, bytes int64, err error) {
	workers := min(runtime.GOMAXPROCS(0)*2, max(n, 1))
	var (
		nfiles, nbytes atomic.Int64
		mu             sync.Mutex
		errs           []error
		wg             sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			made := map[string]bool{}
			for i := w; i < n; i += workers {
				a := Make(i, seed)
				name, data := Render(i, a)
				path := filepath.Join(dir, filepath.FromSlash(name))
				sub := filepath.Dir(path)
				if !made[sub] {
					if err := os.MkdirAll(sub, 0o755); err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
						return
					}
					made[sub] = true
				}
				if err := os.WriteFile(path, data, 0o644); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("writing %s: %w", path, err))
					mu.Unlock()
					return
				}
				nfiles.Add(1)
				nbytes.Add(int64(len(data)))
			}
		})
	}
	wg.Wait()
	return int(nfiles.Load()), nbytes.Load(), errors.Join(errs...)
}

// Render returns the slash-separated relative path and the file contents that
// WriteDir writes for article i.
func Render(i int, a Article) (name string, data []byte) {
	// The format choice hashes i so it does not correlate with the section.
	txt := (uint64(i)*0x9E3779B97F4A7C15)>>32%5 == 0
	folder := fmt.Sprintf("%s/%03d", a.Section, i/(filesPerFolder*len(sections)))
	slug := slugify(a.Title)
	var b strings.Builder
	b.Grow(len(a.Body) + 512)
	if txt {
		b.WriteString(a.Title)
		b.WriteString("\n\n")
		b.WriteString(plain(a.Body))
		b.WriteByte('\n')
		return fmt.Sprintf("%s/%06d-%s.txt", folder, i, slug), []byte(b.String())
	}
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %q\n", a.Title)
	fmt.Fprintf(&b, "date: %s\n", a.Published.Format(time.RFC3339))
	fmt.Fprintf(&b, "author: %q\n", a.Author)
	fmt.Fprintf(&b, "source: %q\n", a.Source)
	if len(a.Tags) > 0 {
		b.WriteString("tags: [")
		b.WriteString(strings.Join(a.Tags, ", "))
		b.WriteString("]\n")
	}
	b.WriteString("---\n\n")
	b.WriteString(a.Body)
	b.WriteByte('\n')
	return fmt.Sprintf("%s/%06d-%s.md", folder, i, slug), []byte(b.String())
}

func slugify(title string) string {
	var b strings.Builder
	for _, f := range strings.Fields(strings.ToLower(title)) {
		if b.Len() > 40 {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		for _, r := range f {
			if r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// plain turns the generated Markdown into scraped-looking text: no emphasis,
// headings or list markers, links reduced to their text.
func plain(md string) string {
	var b strings.Builder
	b.Grow(len(md))
	for line := range strings.Lines(md) {
		line = strings.TrimPrefix(line, "## ")
		line = strings.TrimPrefix(line, "- ")
		for {
			open := strings.Index(line, "](")
			if open < 0 {
				break
			}
			close := strings.IndexByte(line[open:], ')')
			lb := strings.LastIndexByte(line[:open], '[')
			if close < 0 || lb < 0 {
				break
			}
			line = line[:lb] + line[lb+1:open] + line[open+close+1:]
		}
		b.WriteString(strings.ReplaceAll(line, "**", ""))
	}
	return b.String()
}
