package store

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// pathologicalSeeds are the inputs DESIGN.md names as hostile ("Limits and
// hostile input"), small enough to run on every fuzz iteration, plus
// CommonMark-style examples of each block and inline construct.
func pathologicalSeeds() [][]byte {
	s := []string{
		// Escape sequences raw, as C1 controls and as character references.
		"Title \x1b]0;pwned\x07\n\nbody \x1b]52;c;aGk=\x07 \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \x1b[2J\x1b[H",
		"C1 \u009b2J \u009d0;x\u009c \u0085\n\nraw \x9b2J \x85",
		"# refs\n\n&#27;]0;pwned&#7; &#x1b;[2J &#155;31m &#x9b; &#0; &#x202e;",
		"bidi \u202eabc\u202c \u2066x\u2069 \u200f",
		"Le caf\xe9 co\xfbte \xa35 \x80\x81\x8d\x8f\x90\x9d",
		"\xef\xbb\xbf---\r\ntitle: CRLF\r\n---\r\n\r\nbody\rlone CR\r\n",
		"東京 🌸 👩‍👩‍👧‍👦 🇫🇷 한국어 ＦＵＬＬ",
		strings.Repeat(">", 90) + " deep",
		nestedListSeed(40),
		strings.Repeat("- ", 250) + "x",
		strings.Repeat("x", 2048),
		strings.Repeat("[", 2000),
		strings.Repeat("[a](", 300),
		"\x00\x00 NUL \x00",
		"", " \n\t\r\n", "\ufeff", "\x1b\x07\x08\x7f\r\n",
		// Front matter, good and broken, with escapes that decode to controls.
		"---\ntitle: [oops\n---\n# Still here\n",
		"---\ntitle: never closed\n\nbody",
		"---\n---\n",
		"+++\ntitle = = 1\n+++\nbody",
		"---\ntitle: \"\\e]0;pwned\\a\"\nauthor: \"\\x1b[2J\"\ntags: [\"\\u009b\", \"\\u202e\"]\nurl: \"\\e\"\n---\nb",
		"+++\ntitle = \"\\u001b]0;x\\u0007\"\nsource = \"\\u202e\"\ndate = 1979-05-27T07:32:00Z\n+++\nb",
		"---\ntitle: Plain\ndate: 2024-03-14\ntags: a, b\nauthor: [x, y]\nsection: \"\\e[1A\"\nsummary: s\n---\n# Plain\n\nBody.",
		"---\n&a [*a, *a, *a]\nb: [*a, *a, *a, *a]\n---\nbillion laughs",
		// CommonMark: every block and inline construct.
		"# ATX\n## h2 ##\nSetext\n======\n\nSub\n---\n",
		"para *em* **strong** ***both*** `code` ``co`de`` [link](http://x \"t\") ![img](i.png) <http://auto> \\*esc\\*",
		"> quote\n> > nested\nlazy\n\n- a\n- b\n  - c\n    1. d\n    2) e\n\n* [ ] task\n+ plus",
		"    indented code\n\n```go\nfunc main() {}\n```\n\n~~~\ntilde\n~~~",
		"| a | b |\n|---|:-:|\n| 1 | 2 |\n\n***\n___\n\nline  \nbreak\\\nhard",
		"<div>\n*html*\n</div>\n\n<script>alert(1)</script>\n\n[ref]: http://x\n[ref]",
		"1. one\n2. two\n\n10) ten\n\nterm\n: def\n\n[^1]: note",
		// Scraped text: boilerplate, a related headline at the end.
		"Headline Here\nShare\nAdvertisement\n\nFirst paragraph.\n\n# not a heading\n> not a quote\n1. not a list\n\nRelated Headline About Something Else Entirely",
	}
	out := make([][]byte, len(s))
	for i, x := range s {
		out[i] = []byte(x)
	}
	return out
}

func nestedListSeed(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat("  ", i) + "- item\n")
	}
	return b.String()
}

// addHostileFiles adds the static hostile library files whose name ends in
// one of exts, cut to max bytes so each iteration stays fast.
func addHostileFiles(f *testing.F, max int, exts ...string) {
	files, _ := filepath.Glob("testdata/hostile/files/*")
	for _, file := range files {
		for _, ext := range exts {
			if strings.HasSuffix(file, ext) {
				data, err := os.ReadFile(file)
				if err != nil {
					f.Fatal(err)
				}
				f.Add(data[:min(len(data), max)])
			}
		}
	}
}

// FuzzParseText checks the scraped-text parser: what every parser promises
// (fuzzParse), exactly one article with a title, and no body line that
// Markdown would read as structure the scraper never meant.
func FuzzParseText(f *testing.F) {
	for _, s := range pathologicalSeeds() {
		f.Add(s)
	}
	addHostileFiles(f, 8<<10, ".txt")
	fuzzSeeds(f, func(_ string, data []byte) { f.Add(data) }, "testdata/text/*.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, "f.txt", data)
		arts, _, err := parseFile(t, "f.txt", data)
		if err != nil || len(arts) != 1 {
			t.Fatalf("%d articles, err %v: text always makes one", len(arts), err)
		}
		a := arts[0]
		if a.Title == "" {
			t.Error("empty title")
		}
		for _, line := range strings.Split(a.Body, "\n") {
			if line != "" && strings.IndexByte("#>-+*=`~|<", line[0]) >= 0 {
				t.Errorf("body line %q would be Markdown structure", line)
			}
			if line != strings.TrimSpace(line) {
				t.Errorf("body line %q not trimmed", line)
			}
		}
	})
}

// FuzzParseMarkdown checks the Markdown parser, front matter included: what
// every parser promises (fuzzParse), and one article with a title.
func FuzzParseMarkdown(f *testing.F) {
	for _, s := range pathologicalSeeds() {
		f.Add(s)
	}
	addHostileFiles(f, 8<<10, ".md")
	fuzzSeeds(f, func(_ string, data []byte) { f.Add(data) }, "testdata/markdown/*.md")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, "f.md", data)
		arts, _, err := parseFile(t, "f.md", data)
		if err != nil || len(arts) != 1 {
			t.Fatalf("%d articles, err %v: Markdown always makes one", len(arts), err)
		}
		if arts[0].Title == "" {
			t.Error("empty title")
		}
	})
}

// FuzzDecodeText checks decodeText and sanitize against a plain rune-by-rune
// reference of the rules in DESIGN.md: the fast paths (eight bytes at a
// time, the clean prefix, sharing the input buffer) must change nothing.
func FuzzDecodeText(f *testing.F) {
	for _, s := range pathologicalSeeds() {
		f.Add(s)
	}
	addHostileFiles(f, 4<<10, ".txt", ".md")
	f.Fuzz(func(t *testing.T, data []byte) {
		in := bytes.Clone(data) // decodeText may share its input buffer
		got := decodeText(in)

		body := data
		if bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
			body = body[3:]
		}
		var want string
		if utf8.Valid(body) {
			want = referenceSanitize(string(body))
		} else {
			d, err := charmap.Windows1252.NewDecoder().Bytes(body)
			if err != nil {
				t.Fatal(err)
			}
			want = referenceSanitize(string(d))
		}
		if got != want {
			t.Fatalf("decodeText(%q)\n got %q\nwant %q", data, got, want)
		}
		if bad := controlIn(got); bad >= 0 {
			t.Fatalf("U+%04X left in %q", bad, got)
		}
		if strings.ContainsRune(got, '\r') {
			t.Fatalf("CR left in %q", got)
		}
		if again := sanitize(got); again != got {
			t.Fatalf("sanitize is not idempotent: %q -> %q", got, again)
		}

		// sanitize on its own keeps invalid bytes as U+FFFD instead of
		// decoding the text as Windows-1252.
		if s, ref := sanitize(string(data)), referenceSanitize(string(data)); s != ref {
			t.Fatalf("sanitize(%q)\n got %q\nwant %q", data, s, ref)
		}
		if ol := oneLine(got); strings.ContainsAny(ol, "\n\t") || ol != strings.Join(strings.Fields(got), " ") {
			t.Fatalf("oneLine(%q) = %q", got, ol)
		}
	})
}

// referenceSanitize is sanitize written as simply as possible: CRLF and lone
// CR become LF; C0 controls but LF and tab, DEL, C1 controls, the soft
// hyphen and the bidi overrides and isolates go; each invalid byte becomes
// U+FFFD.
func referenceSanitize(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\r':
			b.WriteByte('\n')
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case r == '\n', r == '\t':
			b.WriteRune(r)
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r == 0xad:
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		default:
			b.WriteRune(r) // U+FFFD for an invalid byte
		}
	}
	return b.String()
}
