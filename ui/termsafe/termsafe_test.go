package termsafe

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

type filterCase struct {
	name  string
	in    string
	str   string // want from String
	plain string // want from Plain
	line  string // want from Line
}

// same builds a case from String's expectation alone: TestFilters derives
// Plain's (SGR removed) and Line's ('\n', '\t' and separators as spaces).
func same(name, in, want string) filterCase {
	return filterCase{name, in, want, want, want}
}

var filterCases = []filterCase{
	// Text that must survive.
	same("empty", "", ""),
	same("ascii", "Hello, world!", "Hello, world!"),
	same("unicode", "Grüße, 日本語, emoji 👩‍👩‍👧 and U+FFFD \uFFFD", "Grüße, 日本語, emoji 👩‍👩‍👧 and U+FFFD \uFFFD"),
	{"newline and tab", "a\nb\tc", "a\nb\tc", "a\nb\tc", "a b c"},
	{"line separators", "a\u2028b\u2029c", "a\u2028b\u2029c", "a\u2028b\u2029c", "a b c"},

	// SGR.
	{"sgr", "\x1b[1;38;5;252mbold\x1b[0m", "\x1b[1;38;5;252mbold\x1b[0m", "bold", "bold"},
	{"sgr empty params", "\x1b[mx", "\x1b[mx", "x", "x"},
	{"sgr colon truecolor", "\x1b[38:2::255:0:0mx", "\x1b[38:2::255:0:0mx", "x", "x"},
	same("sgr too long", "\x1b["+strings.Repeat("1;", 65)+"mx", "x"),
	same("sgr private marker", "\x1b[>4;2mx", "x"),
	same("sgr question mark", "\x1b[?1mx", "x"),
	same("sgr with intermediate", "\x1b[1 mx", "x"),

	// OSC of every kind and terminator.
	same("osc title bel", "a\x1b]0;pwned\x07b", "ab"),
	same("osc title st", "a\x1b]2;pwned\x1b\\b", "ab"),
	same("osc 52 clipboard", "a\x1b]52;c;cm0gLXJmIH4=\x07b", "ab"),
	same("osc 8 hyperlink", "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"),
	same("osc unterminated", "a\x1b]0;title", "a0;title"),
	same("osc cancelled by CAN", "a\x1b]0;t\x18b", "a0;tb"),
	same("osc cut by another sequence", "a\x1b]0;t\x1b[2Jb", "a0;tb"),
	same("osc over the length bound", "\x1b]0;"+strings.Repeat("x", maxString)+"\x07", "0;"+strings.Repeat("x", maxString)),
	same("osc with utf8 payload", "\x1b]0;日本\x07ok", "ok"),

	// Other string sequences.
	same("dcs", "a\x1bP1$r0m\x1b\\b", "ab"),
	same("apc", "a\x1b_Gf=100;AAAA\x1b\\b", "ab"),
	same("pm", "a\x1b^private\x1b\\b", "ab"),
	same("sos", "a\x1bXstart of string\x1b\\b", "ab"),

	// CSI that is not SGR.
	same("clear screen", "a\x1b[2Jb", "ab"),
	same("cursor home", "\x1b[Hx", "x"),
	same("cursor up", "\x1b[10Ax", "x"),
	same("hide cursor", "\x1b[?25lx", "x"),
	same("alt screen", "\x1b[?1049hx", "x"),
	same("window op", "\x1b[8;100;100tx", "x"),
	same("csi unterminated", "x\x1b[12;3", "x"),
	same("csi with control inside", "\x1b[2\nJ", "\nJ"),
	same("csi too long", "\x1b["+strings.Repeat("1", maxCSI+10)+"J", strings.Repeat("1", 10)+"J"),

	// Other ESC sequences and lone ESC.
	same("reset", "a\x1bcb", "ab"),
	same("save cursor", "a\x1b7b", "ab"),
	same("charset", "a\x1b(0b", "ab"),
	same("decaln", "a\x1b#8b", "ab"),
	same("stray st", "a\x1b\\b", "ab"),
	same("lone esc at end", "ab\x1b", "ab"),
	same("lone esc before newline", "a\x1b\x01b", "ab"),
	same("double esc", "a\x1b\x1b[31mb", "a\x1b[31mb"),

	// C0, DEL, C1.
	same("c0", "a\x00\x01\x02\x03\x04\x05\x06\x0b\x0c\x0e\x0f\x10\x1f\x7fb", "ab"),
	same("cr", "a\r\nb", "a\nb"),
	same("bs bel", "a\x08\x07b", "ab"),
	same("c1 utf8", "a\u0085\u009b2J\u009d0;t\u009c\u0090b", "a2J0;tb"),
	same("c1 raw bytes", "a\x9b2J\x9db", "a\uFFFD2J\uFFFDb"),

	// Bidi.
	same("bidi overrides", "a\u202a\u202b\u202c\u202d\u202eb", "ab"),
	same("bidi isolates", "a\u2066\u2067\u2068\u2069b", "ab"),
	same("bidi marks kept", "a\u200e\u200fb", "a\u200e\u200fb"),

	// Invalid UTF-8.
	same("invalid byte", "caf\xe9!", "caf\uFFFD!"),
	same("invalid run", "a\xff\xfe\xfdb", "a\uFFFDb"),
	same("truncated rune", "a\xe2\x82", "a\uFFFD"),
	same("surrogate", "a\xed\xa0\x80b", "a\uFFFDb"),
	same("overlong", "a\xc0\xafb", "a\uFFFDb"),
}

func TestFilters(t *testing.T) {
	for _, tc := range filterCases {
		t.Run(tc.name, func(t *testing.T) {
			// String's expectation is authoritative; Plain and Line of a case
			// built with same() are derived by applying the simpler rules to it.
			if got := String(tc.in); got != tc.str {
				t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.str)
			}
			wantPlain, wantLine := tc.plain, tc.line
			if wantPlain == tc.str {
				wantPlain = stripSGR(tc.str)
				wantLine = strings.NewReplacer("\n", " ", "\t", " ", "\u2028", " ", "\u2029", " ").Replace(wantPlain)
			}
			if got := Plain(tc.in); got != wantPlain {
				t.Errorf("Plain(%q) = %q, want %q", tc.in, got, wantPlain)
			}
			if got := Line(tc.in); got != wantLine {
				t.Errorf("Line(%q) = %q, want %q", tc.in, got, wantLine)
			}
		})
	}
}

// stripSGR removes well-formed SGR sequences from already-filtered text.
func stripSGR(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			j := strings.IndexByte(s[i:], 'm')
			i += j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestCleanInputIsReturnedWithoutAllocating(t *testing.T) {
	in := "\x1b[38;5;252mHello\x1b[0m, world — Grüße 日本語\n\tnext line"
	if got := String(in); got != in {
		t.Fatalf("String changed clean input: %q", got)
	}
	allocs := testing.AllocsPerRun(100, func() { _ = String(in) })
	if allocs != 0 {
		t.Errorf("String allocated %v times on clean input", allocs)
	}
	plain := "Hello, world — Grüße 日本語\n\tnext line"
	allocs = testing.AllocsPerRun(100, func() { _ = Plain(plain) })
	if allocs != 0 {
		t.Errorf("Plain allocated %v times on clean input", allocs)
	}
}

// check reports the first thing in out that the filter must never let
// through. It is written independently of the filter's parser.
func check(out string, keepSGR bool) string {
	for i := 0; i < len(out); {
		c := out[i]
		switch {
		case c == 0x1b:
			if !keepSGR {
				return "ESC in plain output"
			}
			if i+1 >= len(out) || out[i+1] != '[' {
				return "ESC not starting a CSI"
			}
			j := i + 2
			for j < len(out) && (out[j] >= '0' && out[j] <= '9' || out[j] == ';' || out[j] == ':') {
				j++
			}
			if j >= len(out) || out[j] != 'm' {
				return "CSI that is not SGR"
			}
			if j-(i+2) > maxSGRParams {
				return "SGR too long"
			}
			i = j + 1
			continue
		case c == '\n' || c == '\t':
		case c < 0x20 || c == 0x7f:
			return "C0 control or DEL"
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(out[i:])
			if r == utf8.RuneError && size == 1 {
				return "invalid UTF-8"
			}
			if r <= 0x9f {
				return "C1 control"
			}
			if r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
				return "bidi override"
			}
			i += size
			continue
		}
		i++
	}
	return ""
}

// invalidBytes counts the bytes that a plain UTF-8 decoder rejects; each can
// grow into a 3-byte U+FFFD at most.
func invalidBytes(s string) int {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			n++
		}
		i += size
	}
	return n
}

// checkProperties asserts every invariant the filter promises for one input.
func checkProperties(t *testing.T, in string) {
	t.Helper()
	s, p, l := String(in), Plain(in), Line(in)
	if why := check(s, true); why != "" {
		t.Fatalf("String(%q) = %q: %s", in, s, why)
	}
	if why := check(p, false); why != "" {
		t.Fatalf("Plain(%q) = %q: %s", in, p, why)
	}
	if why := check(l, false); why != "" || strings.ContainsAny(l, "\n\t") {
		t.Fatalf("Line(%q) = %q: %s", in, l, why)
	}
	bound := len(in) + 2*invalidBytes(in)
	for _, out := range []string{s, p, l} {
		if len(out) > bound {
			t.Fatalf("output of %q grew to %d bytes, bound %d", in, len(out), bound)
		}
	}
	if again := String(s); again != s {
		t.Fatalf("String not idempotent on %q: %q then %q", in, s, again)
	}
	if again := Plain(p); again != p {
		t.Fatalf("Plain not idempotent on %q: %q then %q", in, p, again)
	}
	if again := Line(l); again != l {
		t.Fatalf("Line not idempotent on %q: %q then %q", in, l, again)
	}
	if viaString := Plain(s); viaString != p {
		t.Fatalf("Plain(String(%q)) = %q, Plain = %q", in, viaString, p)
	}
}

// alphabet is weighted towards the bytes that start, continue and end
// sequences, so random strings hit the parser's edges often.
var alphabet = []string{
	"\x1b", "[", "]", "P", "_", "^", "X", "\\", "\x07", "\x18", "m", ";", ":", "1", "38", "?", ">",
	"J", "H", "(", "#", " ", "a", "\n", "\t", "\r", "\x00", "\x7f", "\u009b", "\u009c", "\u202e",
	"\u2028", "\xe2", "\x82", "\xac", "\xff", "\x9b", "日", "\x1b[0m", "\x1b]0;", "\x1b\\",
}

func randomInput(r *rand.Rand) string {
	var b strings.Builder
	n := r.IntN(40)
	for range n {
		b.WriteString(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

func TestPropertiesOnRandomInput(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		checkProperties(t, randomInput(r))
	}
}

// TestWriterMatchesString splits inputs at random points: a sequence or a
// UTF-8 character cut between two writes must come out as String would.
func TestWriterMatchesString(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	inputs := []string{
		"\x1b]52;c;aGVsbG8=\x07after",
		"\x1b[38;5;252mcolour\x1b[0m",
		"a\xe2\x82\xacb\xff\xfe",
		"\x1b]0;" + strings.Repeat("y", maxString+5) + "\x07z",
		"\x1b[" + strings.Repeat("2", maxCSI+3) + "J",
		"x\x1b(Bx\x1b",
	}
	for range 3000 {
		inputs = append(inputs, randomInput(r))
	}
	for _, in := range inputs {
		for _, keepSGR := range []bool{true, false} {
			want := String(in)
			if !keepSGR {
				want = Plain(in)
			}
			var out bytes.Buffer
			w := NewWriter(&out, keepSGR)
			rest := in
			for len(rest) > 0 {
				n := 1 + r.IntN(len(rest))
				if _, err := w.Write([]byte(rest[:n])); err != nil {
					t.Fatal(err)
				}
				rest = rest[n:]
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if out.String() != want {
				t.Fatalf("Writer(keepSGR=%v) on %q = %q, want %q", keepSGR, in, out.String(), want)
			}
		}
	}
}

func TestWriterHoldsBackLittle(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out, true)
	w.Write([]byte("\x1b]0;" + strings.Repeat("z", 100000)))
	if len(w.pending) > maxString+8 {
		t.Fatalf("writer holds %d bytes", len(w.pending))
	}
}

func FuzzString(f *testing.F) {
	for _, tc := range filterCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkProperties(t, in)
	})
}

func BenchmarkString(b *testing.B) {
	line := "\x1b[38;5;252mLorem ipsum dolor sit amet, consectetur — adipiscing élit.\x1b[0m  \n"
	clean := strings.Repeat(line, 1000)
	dirty := strings.Repeat(line+"\x1b]0;x\x07", 1000)
	b.Run("clean", func(b *testing.B) {
		b.SetBytes(int64(len(clean)))
		b.ReportAllocs()
		for b.Loop() {
			_ = String(clean)
		}
	})
	b.Run("dirty", func(b *testing.B) {
		b.SetBytes(int64(len(dirty)))
		b.ReportAllocs()
		for b.Loop() {
			_ = String(dirty)
		}
	})
}

func TestSoftHyphenDropped(t *testing.T) {
	for _, f := range []func(string) string{String, Plain, Line} {
		if got := f("hy\u00adphen \x1b[1mbold\x1b[0m"); strings.Contains(got, "\u00ad") {
			t.Errorf("soft hyphen kept: %q", got)
		}
	}
}
