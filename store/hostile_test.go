package store

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The hostile library is testdata/hostile/files (files git can hold: escape
// sequences, C1 controls, bidi overrides, Latin-1, CRLF and a BOM, deep
// nesting, huge tokens, broken front matter, binary and empty files) plus
// what buildHostile makes at test time because git cannot hold it or it
// must not weigh on the repository: a FIFO, a socket, symlinks out of the
// root and in loops, a 64 MiB sparse file, 80 nested folders and file names
// with escape sequences. cmd/tidings/hostile_test.go builds the same folder
// to check every output path.

// Names of the generated entries, shared by the expectations below.
const (
	hostileEvilName    = "evil\x1b]0;pwned\x07.txt"
	hostileEvilBOMName = "evil\x1b]2;bom\x07\u009b2J.txt" // only a BOM inside: the title falls back to the name
	hostileEvilDir     = "sec\x1b[2J\u202etion"           // a folder name with CSI and a bidi override
	hostileC1Name      = "c1\u009b31m\u202egnp.md"        // C1 CSI and a bidi override
	hostileBadUTF8Name = "latin\xe9-name.txt"             // not UTF-8
	hostileDeepDepth   = 80                               // folders nested under deep/
	hostileHugeSize    = 64 << 20                         // sparse
)

// buildHostile returns a fresh copy of the hostile library.
func buildHostile(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir("testdata/hostile/files")
	must(err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/hostile/files", e.Name()))
		must(err)
		must(os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644))
	}
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(dir, rel)
		must(os.MkdirAll(filepath.Dir(p), 0o755))
		must(os.WriteFile(p, []byte(content), 0o644))
	}

	// Never opened: a FIFO blocks a reader forever, a socket cannot be read.
	must(syscall.Mkfifo(filepath.Join(dir, "fifo.txt"), 0o644))
	if l, err := net.Listen("unix", filepath.Join(dir, "socket.txt")); err == nil {
		t.Cleanup(func() { l.Close() })
	} else {
		t.Logf("no socket in the hostile set: %v", err)
	}
	// Out of the root, to a secret and to endless devices.
	must(os.Symlink("/etc/passwd", filepath.Join(dir, "passwd.txt")))
	must(os.Symlink("/dev/zero", filepath.Join(dir, "zero.txt")))
	must(os.Symlink("/dev/urandom", filepath.Join(dir, "urandom.md")))
	must(os.Symlink("../../../../../../../../etc/hostname", filepath.Join(dir, "relative-escape.txt")))
	// Loops: a folder link to the root, one to its parent, two files
	// pointing at each other, a link to itself.
	must(os.Symlink(".", filepath.Join(dir, "loop")))
	write("sub/inner.md", "# Inner article\n\nReached once, not through the loops.\n")
	must(os.Symlink("..", filepath.Join(dir, "sub", "up")))
	must(os.Symlink("pong.txt", filepath.Join(dir, "ping.txt")))
	must(os.Symlink("ping.txt", filepath.Join(dir, "pong.txt")))
	must(os.Symlink("self.txt", filepath.Join(dir, "self.txt")))
	// A link that stays inside is followed.
	must(os.Symlink("sub/inner.md", filepath.Join(dir, "alias.md")))
	// 64 MiB that take no disk: the size check must refuse it unread.
	f, err := os.Create(filepath.Join(dir, "huge.txt"))
	must(err)
	must(f.Truncate(hostileHugeSize))
	must(f.Close())
	// 80 folders deep: the article at 60 loads, the one at 80 is cut off
	// by the depth limit of 64.
	deep := filepath.Join(dir, "deep")
	for i := 1; i <= hostileDeepDepth; i++ {
		deep = filepath.Join(deep, "d")
		if i == 60 {
			must(os.MkdirAll(deep, 0o755))
			must(os.WriteFile(filepath.Join(deep, "sixty.txt"), []byte("Sixty folders down\n\nStill within the depth limit.\n"), 0o644))
		}
	}
	must(os.MkdirAll(deep, 0o755))
	must(os.WriteFile(filepath.Join(deep, "eighty.txt"), []byte("Eighty folders down\n\nPast the depth limit.\n"), 0o644))
	// File and folder names are data too.
	write(hostileEvilName, "Evil file name quokka\n\nThe name of this file retitles a terminal that prints it raw.\n")
	write(hostileEvilBOMName, "\ufeff")
	write(filepath.Join(hostileEvilDir, "story.md"), "# Story in an evil folder\n\nThe section name clears the screen, quokka.\n")
	write(hostileC1Name, "# C1 in the name\n\nBody.\n")
	write(hostileBadUTF8Name, "Latin-1 file name\n\nBody.\n")
	return dir
}

// hostileWant is what Load must do with each entry of the hostile library:
// "" means it loads, anything else is a fragment of its skip reason.
var hostileWant = map[string]string{
	"osc-sequences.txt":       "",
	"c1-utf8.txt":             "",
	"c1-raw.txt":              "",
	"bidi.txt":                "",
	"latin1.txt":              "",
	"crlf-bom.md":             "",
	"cjk-emoji.md":            "",
	"blockquote-90.md":        "",
	"list-250.md":             "",
	"list-250-compact.md":     "",
	"token-60k.md":            "",
	"brackets-20k.md":         "",
	"brackets-mixed.md":       "",
	"headings-4000.md":        "",
	"broken-frontmatter.md":   "", // with a warning
	"unclosed-frontmatter.md": "", // with a warning
	"toml-broken.md":          "", // with a warning
	"frontmatter-escapes.md":  "",
	"toml-escapes.md":         "",
	"charrefs.md":             "",
	"raw-escapes.md":          "",
	"html-hostile.html":       "",
	"feed-hostile.rss":        "",
	"lines-hostile.jsonl":     "", // with a warning for its bad line
	"noise-no-nul.txt":        "", // no NUL: decoded as Windows-1252 and sanitized
	"nul-late.txt":            "", // its NUL is past the sniff window; sanitize drops it
	"table-wide.md":           "",
	"only-controls.txt":       "", // nothing left but the title from its name
	"bom-only.txt":            "", // likewise
	"random-binary.txt":       "binary file",
	"nul-bytes.md":            "binary file",
	"empty.txt":               "empty file",
	"blank.md":                "empty file",

	"fifo.txt":            "not a regular file (a FIFO)",
	"socket.txt":          "not a regular file (a socket)",
	"passwd.txt":          "symlink leads out of the library folder",
	"zero.txt":            "symlink leads out of the library folder",
	"urandom.md":          "symlink leads out of the library folder",
	"relative-escape.txt": "symlink", // out of the root, or dangling where /etc/hostname is absent
	"loop":                "symlink loop",
	"sub/up":              "symlink loop",
	"ping.txt":            "looping symlink",
	"pong.txt":            "looping symlink",
	"self.txt":            "looping symlink",
	"alias.md":            "",
	"sub/inner.md":        "",
	"huge.txt":            "too large: 64.0 MiB (limit 8.0 MiB)",
	"deep" + strings.Repeat("/d", 60) + "/sixty.txt": "",
	"deep" + strings.Repeat("/d", 64):                "deeper than 64 folders",
	hostileEvilName:                                  "",
	hostileEvilBOMName:                               "",
	hostileEvilDir + "/story.md":                     "",
	hostileC1Name:                                    "",
	hostileBadUTF8Name:                               "",
}

// hostileArticles is how many articles the hostile library holds: one per
// loading file, but two each in the feed and the JSON Lines file.
func hostileArticles() int {
	n := 0
	for _, reason := range hostileWant {
		if reason == "" {
			n++
		}
	}
	return n + 2
}

// TestLoadHostile loads the hostile library: it finishes in seconds, every
// good file loads with clean text, every bad one is skipped with a reason,
// and nothing is left unaccounted for.
func TestLoadHostile(t *testing.T) {
	dir := buildHostile(t)
	type loaded struct {
		st  *Store
		rep *Report
		err error
	}
	done := make(chan loaded, 1)
	start := time.Now()
	go func() {
		st, rep, err := Load(context.Background(), []Root{DirRoot(dir)}, Options{})
		done <- loaded{st, rep, err}
	}()
	var res loaded
	select {
	case res = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Load did not finish in 20 s: it blocked on a FIFO, a device or a loop")
	}
	took := time.Since(start)
	if res.err != nil {
		t.Fatal(res.err)
	}
	st, rep := res.st, res.rep
	if took > 5*time.Second {
		t.Errorf("loading the hostile library took %v, want seconds at most", took)
	}
	t.Logf("loaded %d articles from %d files, %d skipped, %d warnings, %d bytes read, in %v",
		rep.Articles, rep.Files, len(rep.Skipped), len(rep.Warnings), rep.Bytes, took)
	if rep.Bytes > 2<<20 {
		t.Errorf("read %d bytes: the huge file or a device was read", rep.Bytes)
	}

	skipped := map[string]string{}
	for _, p := range rep.Skipped {
		rel, err := filepath.Rel(dir, p.Path)
		if err != nil {
			t.Fatalf("skip outside the root: %q", p.Path)
		}
		skipped[filepath.ToSlash(rel)] = p.Reason
		if bad := controlIn(p.Reason); bad >= 0 {
			t.Errorf("skip reason for %q carries U+%04X: %q", rel, bad, p.Reason)
		}
	}
	loadedPaths := map[string]int{}
	for _, a := range st.Articles(ByDate) {
		loadedPaths[a.Path]++
		checkClean(t, *a)
		for _, r := range a.Related {
			if bad := controlIn(r); bad >= 0 {
				t.Errorf("%q: related line carries U+%04X", a.Path, bad)
			}
		}
		if a.Title == "" {
			t.Errorf("%q: empty title", a.Path)
		}
		if strings.Contains(a.Body, "pwned\a") || strings.Contains(a.Title, "\x1b") {
			t.Errorf("%q: escape sequence survived loading", a.Path)
		}
	}
	for name, want := range hostileWant {
		if name == "socket.txt" {
			if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
				continue // the platform refused to make one
			}
		}
		got, isSkipped := skipped[name]
		switch {
		case want == "" && isSkipped:
			t.Errorf("%q was skipped (%s), want it loaded", name, got)
		case want == "" && loadedPaths[name] == 0:
			t.Errorf("%q neither loaded nor reported", name)
		case want != "" && !isSkipped:
			t.Errorf("%q was not reported, want a skip saying %q (loaded %d times)", name, want, loadedPaths[name])
		case want != "" && !strings.Contains(got, want):
			t.Errorf("%q skipped with %q, want it to say %q", name, got, want)
		}
	}
	// Everything reported or loaded is expected: no stray skips, nothing
	// from outside the root, the loop folders not walked a second time.
	for name := range skipped {
		if _, ok := hostileWant[name]; !ok {
			t.Errorf("unexpected skip %q: %s", name, skipped[name])
		}
	}
	for p := range loadedPaths {
		if _, ok := hostileWant[p]; !ok {
			t.Errorf("unexpected article from %q", p)
		}
	}
	if got, want := rep.Articles, hostileArticles(); got != want {
		t.Errorf("%d articles, want %d", got, want)
	}
	if rep.Files != len(loadedPaths)+countSkippedFiles(skipped) {
		t.Errorf("report counts %d files; %d loaded and %d skipped", rep.Files, len(loadedPaths), countSkippedFiles(skipped))
	}

	wantWarn := []string{"broken-frontmatter.md", "lines-hostile.jsonl", "toml-broken.md", "unclosed-frontmatter.md"}
	var gotWarn []string
	for _, w := range rep.Warnings {
		rel, _ := filepath.Rel(dir, w.Path)
		gotWarn = append(gotWarn, filepath.ToSlash(rel))
		if bad := controlIn(w.Reason); bad >= 0 {
			t.Errorf("warning for %q carries U+%04X: %q", rel, bad, w.Reason)
		}
	}
	sort.Strings(gotWarn)
	if strings.Join(gotWarn, ",") != strings.Join(wantWarn, ",") {
		t.Errorf("warnings for %q, want %q", gotWarn, wantWarn)
	}

	// The text that matters survives cleaning.
	for path, want := range map[string]string{
		"latin1.txt":             "Le café de la gare coûte £5",
		"crlf-bom.md":            "CRLF and a BOM",
		"cjk-emoji.md":           "東京で桜が満開 🌸",
		"frontmatter-escapes.md": "Escaped ]0;pwned quokka title",
		"toml-escapes.md":        "TOML ]0;pwned title",
		hostileEvilName:          "Evil file name quokka",
		hostileEvilBOMName:       "evil]2;bom2J",
	} {
		a, err := st.Find(path)
		if err != nil {
			t.Errorf("Find(%q): %v", path, err)
			continue
		}
		if a.Title != want {
			t.Errorf("%q: title %q, want %q", path, a.Title, want)
		}
	}
	if a, err := st.Find("crlf-bom.md"); err == nil && strings.ContainsRune(a.Body, '\r') {
		t.Errorf("CR left in %q", a.Body)
	}
	if res := st.Search("quokka", SearchOptions{Limit: 100}); res.Total < 10 {
		t.Errorf("search for the hostile word found %d articles, want at least 10", res.Total)
	}
}

// countSkippedFiles counts the skips that stand for article files handed to
// the parsers (the walk's own skips of folders and links are not files).
func countSkippedFiles(skipped map[string]string) int {
	n := 0
	for _, reason := range skipped {
		switch {
		case strings.Contains(reason, "binary"), strings.Contains(reason, "empty"),
			strings.Contains(reason, "too large"), strings.Contains(reason, "no article"):
			n++
		}
	}
	return n
}

// TestLoadHostileNoFIFOOpen proves the FIFO is never opened: a writer that
// opens it non-blocking fails with ENXIO while no reader has it open, so
// polling during the load catches any reader, however brief.
func TestLoadHostileNoFIFOOpen(t *testing.T) {
	dir := buildHostile(t)
	fifo := filepath.Join(dir, "fifo.txt")
	stop := make(chan struct{})
	opened := make(chan struct{}, 1)
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			fd, err := syscall.Open(fifo, syscall.O_WRONLY|syscall.O_NONBLOCK, 0)
			if err == nil {
				syscall.Close(fd)
				opened <- struct{}{}
				return
			}
		}
	}()
	for range 5 {
		if _, _, err := Load(context.Background(), []Root{DirRoot(dir)}, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	select {
	case <-opened:
		t.Error("the loader opened the FIFO for reading")
	default:
	}
}

// TestLoadHostileSmallLimits runs the library under tiny limits: the file
// count and depth limits stop the walk cleanly and say so.
func TestLoadHostileSmallLimits(t *testing.T) {
	dir := buildHostile(t)
	_, rep, err := Load(context.Background(), []Root{DirRoot(dir)}, Options{MaxFiles: 5, MaxDepth: 2, MaxFileSize: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files != 5 {
		t.Errorf("%d files with a limit of 5", rep.Files)
	}
	var sawLimit, sawDepth bool
	for _, p := range rep.Skipped {
		sawLimit = sawLimit || strings.Contains(p.Reason, "file limit")
		sawDepth = sawDepth || strings.Contains(p.Reason, "deeper than 2")
	}
	if !sawLimit {
		t.Errorf("the file limit is not reported: %v", rep.Skipped)
	}
	_ = sawDepth // the walk may stop on the file limit before it goes deep
}

// TestReadLimitedAgainstEndlessReader checks the size guard that protects
// fs.FS roots: a reader that never ends is cut off just past the limit.
func TestReadLimitedAgainstEndlessReader(t *testing.T) {
	_, err := readLimited(endless{}, 10, 1<<20, nil)
	if err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("endless reader: %v", err)
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

var _ io.Reader = endless{}
