package render

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

func newRenderer(t testing.TB, opts Options) *Renderer {
	t.Helper()
	r, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// trimLines strips the padding Glamour adds to the end of every line.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// TestGolden renders testdata/basic.md in every style; the golden files hold
// the text without SGR (run with -update to rewrite them).
func TestGolden(t *testing.T) {
	md, err := os.ReadFile("testdata/basic.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, style := range []string{StyleDark, StyleLight, StyleNoTTY} {
		t.Run(style, func(t *testing.T) {
			res := newRenderer(t, Options{Style: style, Width: 60}).Render(string(md))
			if res.Fallback {
				t.Fatalf("fell back: %s", res.Reason)
			}
			if style == StyleNoTTY && strings.ContainsRune(res.Text, 0x1b) {
				t.Fatal("notty output has an escape sequence")
			}
			if style != StyleNoTTY && !strings.Contains(res.Text, "\x1b[") {
				t.Fatal("coloured output has no SGR at all")
			}
			if why := badEscape(res.Text); why != "" {
				t.Fatal(why)
			}
			golden.RequireEqual(t, trimLines(ansi.Strip(res.Text)))
		})
	}
}

// badEscape reports an ESC that does not start an SGR sequence, or a control
// character other than newline and tab.
func badEscape(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 0x1b:
			j := i + 1
			if j >= len(s) || s[j] != '[' {
				return fmt.Sprintf("ESC not followed by [ at %d: %q", i, around(s, i))
			}
			j++
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';' || s[j] == ':') {
				j++
			}
			if j >= len(s) || s[j] != 'm' {
				return fmt.Sprintf("non-SGR CSI at %d: %q", i, around(s, i))
			}
			i = j
		case c < 0x20 && c != '\n' && c != '\t', c == 0x7f:
			return fmt.Sprintf("control %#x at %d: %q", c, i, around(s, i))
		}
	}
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	for _, r := range s {
		if r >= 0x80 && r <= 0x9f {
			return fmt.Sprintf("C1 control %U", r)
		}
	}
	return ""
}

func around(s string, i int) string {
	return s[max(0, i-10):min(len(s), i+30)]
}

func nestedList(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat("  ", i) + "- item\n")
	}
	return b.String()
}

// TestPathological feeds the inputs that make bare Glamour take seconds or
// gigabytes, or smuggle escape sequences through it.
func TestPathological(t *testing.T) {
	cases := []struct {
		name     string
		in       string
		fallback bool
		reason   string
	}{
		{"blockquotes 90 deep", strings.Repeat(">", 90) + " deep", true, "nested 90 deep"},
		{"spaced blockquotes 90 deep", strings.Repeat("> ", 90) + "deep", true, "nested 90 deep"},
		{"lists 250 deep", nestedList(250), true, "nested 250 deep"},
		{"inline lists 250 deep", strings.Repeat("- ", 250) + "x", true, "nested 250 deep"},
		{"lazy lines hide no nesting", strings.ReplaceAll(nestedList(40), "\n", "\nlazy\n"), true, "nested 40 deep"},
		{"60 KB token", strings.Repeat("x", 60<<10), true, "a 60 KB unbroken word"},
		{"20000 brackets", strings.Repeat("[", 20000), true, "a 20 KB unbroken word"},
		{"spaced brackets", strings.Repeat("[ ", 5000), false, ""},
		{"many deep lines", strings.Repeat(strings.Repeat("- ", 16)+"hi\n", 2000), true, "too much structure to format"},
		{"identical headings", strings.Repeat("## same\n\n", 4000), true, "4000 headings"},
		{"300 KB", strings.Repeat("word ", 60000), true, "293 KB is over the 256 KB limit"},
		{"numeric escapes", "hello &#27;]0;pwned&#7; and &#27;[2J and &#x1b;]52;c;aGk=&#x07; &#155;2J &#27;[31mred", false, ""},
		{"raw OSC 52 in text", "text \x1b]52;c;cm0gLXJmIH4=\x07 more \x1b[2J \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", false, ""},
		{"raw C1 and bidi", "a \u009b2J b \u202eevil\u202c c \x9b", false, ""},
	}
	for _, style := range []string{StyleDark, StyleNoTTY} {
		r := newRenderer(t, Options{Style: style, Width: 80})
		for _, tc := range cases {
			t.Run(style+"/"+tc.name, func(t *testing.T) {
				start := time.Now()
				res := r.Render(tc.in)
				if d := time.Since(start); d > 3*time.Second {
					t.Errorf("took %v", d)
				}
				if res.Fallback != tc.fallback || res.Reason != tc.reason {
					t.Errorf("fallback=%v reason=%q, want %v %q", res.Fallback, res.Reason, tc.fallback, tc.reason)
				}
				if why := badEscape(res.Text); why != "" {
					t.Error(why)
				}
				if (res.Fallback || style == StyleNoTTY) && strings.ContainsRune(res.Text, 0x1b) {
					t.Error("plain output has an ESC")
				}
				if strings.Contains(res.Text, "pwned") && !strings.Contains(res.Text, "]0;pwned") {
					t.Error("OSC payload reshaped oddly") // shown as inert text or dropped, never half
				}
				for _, line := range strings.Split(ansi.Strip(res.Text), "\n") {
					if w := ansi.StringWidth(line); w > r.Width() {
						t.Fatalf("line %d columns wide > %d: %q", w, r.Width(), line)
					}
				}
			})
		}
	}
}

func TestGlamourDecodedEscapeIsFiltered(t *testing.T) {
	// Glamour turns &#27; into a real ESC; the title-setting OSC it forms
	// must not survive, though the words around it do.
	res := newRenderer(t, Options{}).Render("before &#27;]0;pwned&#7; after")
	if res.Fallback {
		t.Fatal(res.Reason)
	}
	if strings.Contains(res.Text, "\x1b]") || strings.ContainsRune(res.Text, 0x07) {
		t.Fatalf("OSC survived: %q", res.Text)
	}
	text := ansi.Strip(res.Text)
	if !strings.Contains(text, "before") || !strings.Contains(text, "after") {
		t.Fatalf("text lost: %q", text)
	}
}

func TestFallbackWrapsAndBreaksLongWords(t *testing.T) {
	res := newRenderer(t, Options{Width: 30}).Render(strings.Repeat(">", 40) + " " + strings.Repeat("y", 100) + " tail\tend 日本語日本語日本語日本語日本語日本語")
	if !res.Fallback {
		t.Fatal("no fallback")
	}
	for _, line := range strings.Split(res.Text, "\n") {
		if w := ansi.StringWidth(line); w > 30 {
			t.Errorf("line %d wide: %q", w, line)
		}
	}
	if strings.ContainsRune(res.Text, '\t') {
		t.Error("tab left in fallback text")
	}
}

func TestWidthClamping(t *testing.T) {
	for _, tc := range []struct{ in, want int }{
		{-5, DefaultWidth}, {0, DefaultWidth}, {1, MinWidth}, {19, MinWidth}, {20, 20},
		{80, 80}, {120, 120}, {121, MaxWidth}, {100000, MaxWidth},
	} {
		r := newRenderer(t, Options{Width: tc.in})
		if r.Width() != tc.want || ClampWidth(tc.in) != tc.want {
			t.Errorf("width %d -> %d, want %d", tc.in, r.Width(), tc.want)
		}
	}
	// An absurd width is clamped before Glamour pads every line to it.
	res := newRenderer(t, Options{Width: 1 << 30, Style: StyleNoTTY}).Render("hello")
	for _, line := range strings.Split(res.Text, "\n") {
		if len(line) > MaxWidth {
			t.Fatalf("line of %d bytes", len(line))
		}
	}
}

func TestUnknownStyle(t *testing.T) {
	if _, err := New(Options{Style: "auto"}); err == nil {
		t.Fatal("no error for an unknown style")
	}
}

func TestTimeBudget(t *testing.T) {
	r := newRenderer(t, Options{Budget: time.Nanosecond})
	res := r.Render("# Title\n\nsome *text* that Glamour cannot finish in a nanosecond")
	if !res.Fallback || !strings.Contains(res.Reason, "rendering took over") {
		t.Fatalf("fallback=%v reason=%q", res.Fallback, res.Reason)
	}
	if r.tr != nil {
		t.Fatal("an abandoned glamour renderer would be reused")
	}
	r.budget = time.Minute
	if res := r.Render("# Title"); res.Fallback {
		t.Fatalf("renderer not rebuilt: %s", res.Reason)
	}
}

func TestCheckMeasures(t *testing.T) {
	for _, tc := range []struct {
		in    string
		depth int
	}{
		{"plain", 0},
		{"> q", 1},
		{">> q", 2},
		{"> - > 1. x", 4},
		{"- a\n  - b\n    - c\n- d", 3},
		{"- a\n\n  para\n  - b", 2},
		{"1) a\n   2) b", 2},
		{"***\n*emphasis*\n-1 degrees\n2024 was a year", 0},
	} {
		if got := measure(tc.in).depth; got != tc.depth {
			t.Errorf("depth of %q = %d, want %d", tc.in, got, tc.depth)
		}
	}
	if got := measure("ab  abcd\nabc").token; got != 4 {
		t.Errorf("token = %d, want 4", got)
	}
}

func TestConcurrentRenderersShareNothing(t *testing.T) {
	md, err := os.ReadFile("testdata/basic.md")
	if err != nil {
		t.Fatal(err)
	}
	want := newRenderer(t, Options{}).Render(string(md)).Text
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			r := newRenderer(t, Options{})
			for range 5 {
				if got := r.Render(string(md)).Text; got != want {
					t.Error("concurrent render differs")
				}
			}
		})
	}
	wg.Wait()
}

func TestCacheEviction(t *testing.T) {
	res := func(n int) Result { return Result{Text: strings.Repeat("x", n)} }
	entry := 1000 + entryOverhead + 1 // text + overhead + one-byte ID
	c := NewCache(3 * entry)
	c.Put(Key{ID: "a"}, res(1000))
	c.Put(Key{ID: "b"}, res(1000))
	c.Put(Key{ID: "c"}, res(1000))
	if c.Len() != 3 || c.Bytes() != 3*entry {
		t.Fatalf("len %d bytes %d", c.Len(), c.Bytes())
	}
	c.Get(Key{ID: "a"}) // a is now the most recent; b the least
	c.Put(Key{ID: "d"}, res(1000))
	if _, ok := c.Get(Key{ID: "b"}); ok {
		t.Error("b should have been evicted")
	}
	for _, id := range []string{"a", "c", "d"} {
		if _, ok := c.Get(Key{ID: id}); !ok {
			t.Errorf("%s missing", id)
		}
	}
	// Width and style are part of the key.
	if _, ok := c.Get(Key{ID: "a", Width: 80}); ok {
		t.Error("hit for another width")
	}
	// Replacing keeps the accounting right; an oversized result is not kept.
	c.Put(Key{ID: "a"}, res(10))
	if c.Bytes() != 2*entry+10+entryOverhead+1 {
		t.Errorf("bytes %d after replace", c.Bytes())
	}
	c.Put(Key{ID: "huge"}, res(10*entry))
	if _, ok := c.Get(Key{ID: "huge"}); ok || c.Bytes() > 3*entry {
		t.Error("oversized result cached")
	}
}

func TestCacheConcurrent(t *testing.T) {
	c := NewCache(64 << 10)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				k := Key{ID: fmt.Sprint(i % 50), Width: 80, Style: StyleDark}
				if _, ok := c.Get(k); !ok {
					c.Put(k, Result{Text: strings.Repeat("r", 100*(g+1))})
				}
			}
		})
	}
	wg.Wait()
	if c.Bytes() > 64<<10 {
		t.Fatalf("cache over its bound: %d", c.Bytes())
	}
}

// FuzzRender keeps inputs small so each runs in bounded time, and checks
// that the output is safe and not absurdly bigger than the input.
func FuzzRender(f *testing.F) {
	seeds := []string{
		"# h\n\npara *em* **strong** `code` [link](http://x)",
		"- a\n  - b\n    1. c\n> quote\n>> nested",
		"| a | b |\n|---|---|\n| 1 | 2 |",
		"```go\nfunc main() {}\n```",
		"&#27;]0;pwned&#7; &#27;[2J &#x1b;[31m",
		"\x1b]52;c;aGk=\x07 \x1b[2J \u009b2J \u202e",
		strings.Repeat(">", 30) + " x",
		strings.Repeat("- ", 30) + "x",
		strings.Repeat("[", 600),
		"<div>html</div>\n\n<script>alert(1)</script>",
		"term\n: definition\n\n[^1]: footnote",
	}
	for _, s := range seeds {
		f.Add(s, 40)
	}
	f.Fuzz(func(t *testing.T, md string, width int) {
		if len(md) > 4096 {
			t.Skip("kept small so every input renders in bounded time")
		}
		r, err := New(Options{Width: width, Style: StyleDark})
		if err != nil {
			t.Fatal(err)
		}
		res := r.Render(md)
		if why := badEscape(res.Text); why != "" {
			t.Fatalf("%s in %q", why, res.Text)
		}
		// Glamour pads every line to the width and colours it; even so the
		// output stays within a constant factor of input size times width.
		if limit := (len(md) + 64) * (r.Width() + 16) * 32; len(res.Text) > limit {
			t.Fatalf("output %d bytes for %d bytes of input", len(res.Text), len(md))
		}
	})
}

// article builds a deterministic news-like Markdown article of about n bytes.
func article(n int) string {
	words := strings.Fields("the government said on Tuesday that the new rules would apply to all " +
		"companies with more than fifty staff from next April according to a statement " +
		"published by the department which also confirmed plans for further consultation")
	var b strings.Builder
	b.WriteString("# A headline about the economy\n\n")
	for i := 0; b.Len() < n; i++ {
		switch i % 9 {
		case 3:
			fmt.Fprintf(&b, "## Section %d\n\n", i)
		case 5:
			b.WriteString("- first point about the story\n- second point with [a link](https://example.com/a)\n  - a detail\n\n")
		case 7:
			b.WriteString("> \"We will act,\" the minister said in a **statement**.\n\n")
		default:
			for j := range 60 {
				b.WriteString(words[(i*7+j)%len(words)])
				b.WriteByte(' ')
			}
			b.WriteString("end.\n\n")
		}
	}
	return b.String()
}

func BenchmarkRender(b *testing.B) {
	for _, size := range []int{4 << 10, 64 << 10} {
		md := article(size)
		for _, style := range []string{StyleDark, StyleNoTTY} {
			b.Run(fmt.Sprintf("%s/%dKB", style, size>>10), func(b *testing.B) {
				r := newRenderer(b, Options{Style: style, Width: 100})
				b.SetBytes(int64(len(md)))
				b.ReportAllocs()
				for b.Loop() {
					if res := r.Render(md); res.Fallback {
						b.Fatal(res.Reason)
					}
				}
			})
		}
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  string
	}{
		{"hello world this is", 11, "hello world\nthis is"},
		{"  indented text", 10, "  indented\ntext"},
		{"a\tb", 10, "a    b"},
		{"keep\n\nbreaks", 10, "keep\n\nbreaks"},
		{"xxxxxxxxxxxxxxxxxxxxxxxxx", 10, "xxxxxxxxxx\nxxxxxxxxxx\nxxxxx"},
		{"ab xxxxxxxxxxxx", 10, "ab\nxxxxxxxxxx\nxx"},
		{"日本語日本語", 5, "日本\n語日\n本語"},
		{"trailing   ", 20, "trailing"},
		{"- - - - - -", 4, "- -\n- -\n- -"},
		{"wide 日", 1, "w\ni\nd\ne\n日"},
	} {
		got := Wrap(tc.in, tc.width)
		if got != tc.want {
			t.Errorf("Wrap(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
}
