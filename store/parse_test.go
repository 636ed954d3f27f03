package store

import (
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenArticle is what a golden file records of a parsed article.
type goldenArticle struct {
	Title, Source, Section, Author, Published, URL, Summary, Format string
	Tags, Related                                                   []string
	Words                                                           int
	Body                                                            string
	Warnings                                                        []string
}

// TestParseGolden parses every file under testdata/{text,markdown} and
// compares the result with its .golden file (run with -update to refresh).
func TestParseGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*/*")
	n := 0
	for _, path := range files {
		if info, err := os.Stat(path); strings.HasSuffix(path, ".golden") || err == nil && info.IsDir() {
			continue // fuzz corpora live under testdata/fuzz/<Target>/
		}
		n++
		t.Run(filepath.ToSlash(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			rel := filepath.ToSlash(strings.TrimPrefix(path, "testdata/"))
			fm := formatFor(rel)
			if fm == nil {
				t.Fatalf("no format for %s", rel)
			}
			mod := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
			arts, warns, err := fm.parse(&sourceFile{relPath: rel, data: data, modTime: mod})
			var got []goldenArticle
			if err != nil { // a file Load skips: the golden file holds the reason
				got = append(got, goldenArticle{Warnings: []string{"skip: " + err.Error()}})
			}
			for _, a := range arts {
				got = append(got, goldenArticle{
					Title: a.Title, Source: a.Source, Section: a.Section, Author: a.Author,
					Published: a.Published.UTC().Format(time.RFC3339), URL: a.URL, Summary: a.Lead(),
					Format: a.Format, Tags: a.Tags, Related: a.Related, Words: a.Words, Body: a.Body,
					Warnings: warns,
				})
			}
			out, _ := json.MarshalIndent(got, "", "  ")
			golden := path + ".golden"
			if *update {
				if err := os.WriteFile(golden, append(out, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./store -run TestParseGolden -update)", err)
			}
			if strings.TrimSpace(string(want)) != strings.TrimSpace(string(out)) {
				t.Errorf("parse of %s differs from %s:\n%s", path, golden, out)
			}
		})
	}
	if n < 10 {
		t.Fatalf("only %d golden inputs", n)
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"clean ascii", "hello\tworld\n", "hello\tworld\n"},
		{"crlf", "a\r\nb\r\n", "a\nb\n"},
		{"lone cr", "a\rb", "a\nb"},
		{"escape and bell", "x\x1b]0;pwned\x07y", "x]0;pwnedy"},
		{"csi clear", "\x1b[2Jtext", "[2Jtext"},
		{"del and nul", "a\x7fb\x00c", "abc"},
		{"c1 as utf-8", "a\u009b31mb\u0085c", "a31mbc"},
		{"bidi overrides", "abc\u202edcba\u2066x\u2069", "abcdcbax"},
		{"soft hyphen", "hy\u00adphen", "hyphen"},
		{"keeps unicode", "café ☕ 日本語", "café ☕ 日本語"},
		{"invalid utf-8 marked", "a\xffb", "a\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sanitize(tt.in); got != tt.want {
				t.Errorf("sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"latin-1 pound", []byte("cost \xa3300m"), "cost £300m"},
		{"windows-1252 quotes", []byte("\x93quoted\x94 \x80"), "“quoted” €"},
		{"bom stripped", []byte("\xef\xbb\xbfTitle\r\n\r\nBody"), "Title\n\nBody"},
		{"utf-8 kept", []byte("naïve — ok"), "naïve — ok"},
		{"undefined windows-1252 byte", []byte("a\x81b\xe9"), "a\uFFFDbé"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decodeText(tt.in); got != tt.want {
				t.Errorf("decodeText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestIsHeadlineLike(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Putin's shock plan to pull troops from Syria puts onus on Assad", true},
		{"He said it would wait and see.", false},
		{"Two words", false},
		{"Charlton v Yeovil", false},
		{"Half-Life 2 is out now for the PC", false},
		{"Clark Boyd is technology correspondent for The World, a BBC World Service co-production", false},
		{"lower case start of a line here", false},
		{"A quote that ends in a quote mark”", false},
		{"First line\nsecond line of it", false},
	}
	for _, tt := range tests {
		if got := isHeadlineLike(tt.in); got != tt.want {
			t.Errorf("isHeadlineLike(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestFirstUncleanMatchesReference checks the word-at-a-time scan against a
// byte-by-byte reference on random text with rare bad bytes.
func TestFirstUncleanMatchesReference(t *testing.T) {
	ref := func(s string) int {
		for i, r := range s {
			if r == utf8.RuneError || r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || unsafeRune(r) {
				if r == utf8.RuneError {
					if _, size := utf8.DecodeRuneInString(s[i:]); size != 1 {
						continue // a real U+FFFD is fine
					}
				}
				return i
			}
		}
		return -1
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "Z", " ", "~", "\n", "\t", "é", "日", "\x1f", "\x7f", "\x1b", "\u0085", "\u202e", "\xff", "!", "\u00ad"}
	for n := 0; n < 5000; n++ {
		var b strings.Builder
		for k := rng.IntN(40); k > 0; k-- {
			if rng.IntN(10) == 0 {
				b.WriteString(alphabet[rng.IntN(len(alphabet))])
			} else {
				b.WriteString(alphabet[rng.IntN(4)])
			}
		}
		s := b.String()
		if got, want := firstUnclean(s), ref(s); got != want {
			t.Fatalf("firstUnclean(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestCountWords(t *testing.T) {
	ref := func(s string) int {
		return len(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '\r' }))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	parts := []string{"a", "word", " ", "  ", "\n", "\t", "é", "\r\n", "x"}
	for n := 0; n < 5000; n++ {
		var b strings.Builder
		for k := rng.IntN(30); k > 0; k-- {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		if got, want := countWords(s), ref(s); got != want {
			t.Fatalf("countWords(%q) = %d, want %d", s, got, want)
		}
	}
	for _, s := range []string{"", " ", "one", " one two  three\n"} {
		if got, want := countWords(s), ref(s); got != want {
			t.Errorf("countWords(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"plain title":      "plain title",
		" padded ":         "padded",
		"two  spaces":      "two spaces",
		"line\nbreak\ttab": "line break tab",
		"nbsp\u00a0inside": "nbsp inside",
		"":                 "",
		"unicode ✓ fine":   "unicode ✓ fine",
	} {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestIsOneLine checks the eight-bytes-at-a-time test against its
// definition on random text: oneLine would return it unchanged.
func TestIsOneLine(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	parts := []string{"a", "word", " ", "  ", "\n", "\t", "\r", "\v", "é", "\u00a0", "\u2003", "x", "\x1b", "日本"}
	for n := 0; n < 20000; n++ {
		var b strings.Builder
		for k := rng.IntN(40); k > 0; k-- {
			if rng.IntN(4) == 0 {
				b.WriteString(parts[rng.IntN(len(parts))])
			} else {
				b.WriteString(parts[rng.IntN(2)])
			}
		}
		s := b.String()
		if got, want := isOneLine(s), strings.Join(strings.Fields(s), " ") == s; got != want {
			t.Fatalf("isOneLine(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestLead checks the summary shown for an article: the one the file gives,
// else the body's first paragraph of text, on one line and cut at a word.
func TestLead(t *testing.T) {
	long := strings.Repeat("word ", 60) // 300 bytes
	for _, tc := range []struct {
		a    Article
		want string
	}{
		{Article{Summary: "Given.", Body: "Body text."}, "Given."},
		{Article{Body: "# Heading\n\n```\ncode\n```\n\nFirst\nparagraph.\n\nSecond."}, "First paragraph."},
		{Article{Body: "> Quoted *lead*.\n\nMore."}, "Quoted *lead*."},
		{Article{Body: long}, strings.TrimSpace(long[:240]) + "…"},
		{Article{Body: "# Only a heading"}, ""},
	} {
		if got := tc.a.Lead(); got != tc.want {
			t.Errorf("Lead of %q = %q, want %q", tc.a.Body, got, tc.want)
		}
	}
}
