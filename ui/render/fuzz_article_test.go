package render_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/ui/printer"
	"github.com/tidings-app/tidings/ui/render"
)

// FuzzArticleScreen follows file bytes all the way to the screen: loaded
// as a file of the chosen format (with sanitizing, front matter, character
// references), then printed by the command line's styled and plain readers
// and its list line. FuzzRender in render_test.go feeds Glamour Markdown
// directly; this target checks that nothing the parsers make of a file
// (a YAML "\e", an HTML "&#27;", a feed's "&amp;#x9b;") gets past the
// filter at the end.
func FuzzArticleScreen(f *testing.F) {
	seeds := []struct {
		data string
		ext  uint8
	}{
		{"Title \x1b]0;pwned\x07\n\nbody \x1b]52;c;aGk=\x07 \x1b[2J \u009b2J \u202e", 0},
		{"---\ntitle: \"\\e]0;pwned\\a\"\ntags: [\"\\u009b\"]\n---\n# H\n\n&#27;]0;x&#7; &#x1b;[2J `&#27;[31m`", 1},
		{"+++\ntitle = \"\\u001b[2J\"\n+++\n> " + strings.Repeat(">", 40) + " deep\n\n" + strings.Repeat("[", 600), 1},
		{"<title>a&#27;]0;x&#7;</title><article><h1>&#x9b;2J</h1><p>" + strings.Repeat("word ", 60) + "&#27;]52;c;aGk=&#7;</p></article>", 2},
		{`<rss><channel><item><title>&amp;#27;]0;x&amp;#7;</title><description>&lt;p&gt;&amp;#x1b;[2J&lt;/p&gt;</description></item></channel></rss>`, 3},
		{`{"title": "\u001b]0;x\u0007", "body": "\u009b2J <b>&#27;[2J</b>", "author": "\u202e"}`, 4},
	}
	for _, s := range seeds {
		f.Add([]byte(s.data), s.ext, 60)
	}
	exts := []string{".txt", ".md", ".html", ".rss", ".jsonl"}
	f.Fuzz(func(t *testing.T, data []byte, ext uint8, width int) {
		if len(data) > 8<<10 {
			t.Skip("kept small so every input renders in bounded time")
		}
		name := "a" + exts[int(ext)%len(exts)]
		st, _, err := store.Load(context.Background(), []store.Root{store.FSRoot("fuzz", fstest.MapFS{name: {Data: data}})}, store.Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		r, err := render.New(render.Options{Style: render.StyleDark, Width: width, Budget: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range st.Articles(store.ByDate) {
			var styled, plain strings.Builder
			if err := printer.ReadStyled(&styled, a, r); err != nil {
				t.Fatal(err)
			}
			if why := screenProblem(styled.String(), true); why != "" {
				t.Fatalf("styled %s: %s", name, why)
			}
			if err := printer.ReadPlain(&plain, a, r.Width()); err != nil {
				t.Fatal(err)
			}
			if why := screenProblem(plain.String(), false); why != "" {
				t.Fatalf("plain %s: %s", name, why)
			}
			line := printer.Line(a)
			if why := screenProblem(line, false); why != "" || strings.ContainsAny(line, "\n\t") {
				t.Fatalf("list line %q: %s", line, why)
			}
		}
	})
}

// screenProblem is like badEscape in render_test.go (which this external
// test package cannot call): an ESC that does not start SGR (any ESC when
// sgr is false), a C0 control but newline and tab, DEL, a C1 control, a
// bidi override or invalid UTF-8.
func screenProblem(s string, sgr bool) string {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == 0x1b:
			j := i + 1
			if !sgr || j >= len(s) || s[j] != '[' {
				return fmt.Sprintf("ESC at %d: %q", i, s[i:min(len(s), i+20)])
			}
			for j++; j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';' || s[j] == ':'); j++ {
			}
			if j >= len(s) || s[j] != 'm' {
				return fmt.Sprintf("CSI other than SGR at %d: %q", i, s[i:min(len(s), i+20)])
			}
			i = j
		case c < 0x20 && c != '\n' && c != '\t', c == 0x7f:
			return fmt.Sprintf("control %#x at %d", c, i)
		}
	}
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	for _, r := range s {
		if r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			return fmt.Sprintf("%U", r)
		}
	}
	return ""
}
