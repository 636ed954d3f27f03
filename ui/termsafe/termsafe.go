// Package termsafe is the one filter that everything bound for a terminal
// passes through after rendering.
//
// Article text, titles, file paths, SSH user names and Glamour's output can
// all carry bytes that a terminal treats as commands: OSC 52 writes the
// user's clipboard, OSC 0/2 retitles the window, OSC 8 plants hyperlinks,
// CSI sequences move the cursor or clear the screen, DCS/APC/PM/SOS strings
// reach terminal extensions, C1 controls and bidi overrides reorder or hide
// text. The filter is an allowlist: printable text, '\n', '\t' and (for
// [String]) SGR colour sequences survive; everything else is removed.
//
// Rules that are worth knowing when reading the output:
//   - Tabs are kept as '\t', not expanded: layout code that needs exact
//     columns expands them itself ([Line] turns them into one space).
//   - Invalid UTF-8 is replaced by one U+FFFD per run of invalid bytes, as
//     strings.ToValidUTF8 does; valid input never grows.
//   - A string sequence (OSC, DCS, SOS, PM, APC) ends at BEL or ST (ESC \).
//     If none comes within 4 KiB, or the string is cut short by CAN, SUB,
//     another ESC or the end of input, only its two-byte introducer is
//     removed and the rest is shown as text: a stray "ESC ]" must not make
//     the rest of an article disappear, and without the ESC the remainder
//     is inert.
//   - C1 controls encoded as UTF-8 (U+0080–U+009F) are removed one by one,
//     not parsed as sequence introducers; what follows them is inert text.
//
// The functions are safe for concurrent use and keep no state between calls;
// a [Writer] keeps state across its own Write calls and is not.
package termsafe

import (
	"io"
	"strings"
	"unicode/utf8"
)

// Bounds on what the parser will look at before deciding. They keep the
// streaming Writer's buffer small and make every decision local.
const (
	// maxSGRParams is the longest parameter string of an SGR sequence that is
	// kept. Lip Gloss and termenv combine at most a foreground, a background
	// and a handful of attributes (about 50 bytes).
	maxSGRParams = 128
	// maxCSI is how many bytes after "ESC [" are scanned for a final byte
	// before the sequence is given up as malformed and dropped.
	maxCSI = 256
	// maxString is how many payload bytes of an OSC/DCS/SOS/PM/APC string
	// are scanned for its terminator.
	maxString = 4096
	// maxIntermediates bounds the intermediate bytes of a plain ESC sequence
	// (real ones have at most two, as in "ESC ( B" or "ESC # 8").
	maxIntermediates = 8
)

// mode selects what survives besides printable text.
type mode uint8

const (
	modeSGR   mode = iota // keep SGR, '\n', '\t'
	modePlain             // keep '\n', '\t'
	modeLine              // keep nothing but text; '\n', '\t' become ' '
)

// String returns s with everything removed that a terminal would interpret,
// except SGR colour sequences ("ESC [ params m" with params made only of
// digits, ';' and ':', at most 128 bytes), '\n' and '\t'. It returns s itself,
// without allocating, when s is already clean.
func String(s string) string { return filter(s, modeSGR) }

// Plain is like [String] but removes SGR sequences too: the result contains no
// ESC byte at all. Use it for --plain and for output that is not a terminal.
func Plain(s string) string { return filter(s, modePlain) }

// Line is like [Plain] and also turns '\n', '\t' and the Unicode line and
// paragraph separators into spaces, for fields that must stay on one line:
// titles, paths, status lines, the echoed query, logged user names.
func Line(s string) string { return filter(s, modeLine) }

func filter(s string, m mode) string {
	i := cleanPrefix(s, m)
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	var inInvalid bool
	appendSafe(&b, s, i, m, true, &inInvalid)
	return b.String()
}

// cleanPrefix returns the length of the longest prefix of s that the filter
// would copy unchanged. It is the fast path: per-frame content is normally
// clean, and then no allocation is needed at all.
func cleanPrefix(s string, m mode) int {
	i := 0
	for i < len(s) {
		// A tight loop over printable ASCII first: it is most of any text.
		for i < len(s) && s[i]-0x20 < 0x5f {
			i++
		}
		if i == len(s) {
			break
		}
		if c := s[i]; (c == '\n' || c == '\t') && m != modeLine {
			i++
			continue
		}
		act, end := next(s, i, m, true)
		if act != actKeep {
			return i
		}
		i = end
	}
	return i
}

// action says what to do with one token of input.
type action uint8

const (
	actKeep    action = iota // copy the token
	actDrop                  // remove the token
	actSpace                 // write one ' ' instead of the token
	actInvalid               // an invalid UTF-8 byte: U+FFFD once per run
	actMore                  // the token may continue past the end of input
)

// appendSafe writes the safe form of s[i:] to b and returns how much of s it
// consumed. Unless final, it stops before a token that may still be
// completed by more input, so a streaming caller can keep that tail.
// inInvalid carries "the previous token was an invalid byte" across calls so
// that a run of invalid bytes yields one U+FFFD however the input is split.
func appendSafe(b *strings.Builder, s string, i int, m mode, final bool, inInvalid *bool) int {
	for i < len(s) {
		j := i
		for j < len(s) && s[j]-0x20 < 0x5f {
			j++
		}
		if j > i {
			b.WriteString(s[i:j])
			i = j
			*inInvalid = false
			continue
		}
		act, end := next(s, i, m, final)
		switch act {
		case actMore:
			return i
		case actKeep:
			b.WriteString(s[i:end])
		case actSpace:
			b.WriteByte(' ')
		case actInvalid:
			if !*inInvalid {
				b.WriteString("\uFFFD")
			}
		}
		*inInvalid = act == actInvalid
		i = end
	}
	return i
}

// next classifies the token that starts at s[i] and returns where it ends.
func next(s string, i int, m mode, final bool) (action, int) {
	c := s[i]
	switch {
	case c-0x20 < 0x5f:
		return actKeep, i + 1
	case c == '\n' || c == '\t':
		if m == modeLine {
			return actSpace, i + 1
		}
		return actKeep, i + 1
	case c == 0x1b:
		return escape(s, i, m, final)
	case c < 0x80: // other C0 controls and DEL
		return actDrop, i + 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && size == 1 {
		if !final && !utf8.FullRuneInString(s[i:]) {
			return actMore, i
		}
		return actInvalid, i + 1
	}
	switch {
	case r <= 0x9f: // C1 controls (U+0080–U+009F)
		return actDrop, i + size
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi overrides and isolates
		return actDrop, i + size
	case r == 0xad:
		// The soft hyphen (Glamour decodes &shy; into one): width tables
		// count it as zero columns, terminals such as tmux draw one, so a
		// line of them overflows the screen and shifts the layout.
		return actDrop, i + size
	case (r == 0x2028 || r == 0x2029) && m == modeLine:
		return actSpace, i + size
	}
	return actKeep, i + size
}

// escape classifies the sequence that starts with the ESC at s[i].
func escape(s string, i int, m mode, final bool) (action, int) {
	if i+1 >= len(s) {
		if !final {
			return actMore, i
		}
		return actDrop, i + 1
	}
	switch c := s[i+1]; {
	case c == '[':
		return csi(s, i, m, final)
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_':
		return stringSeq(s, i, final)
	case c >= 0x20 && c <= 0x2f: // intermediates, as in "ESC ( B"
		j := i + 1
		for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f && j-i <= maxIntermediates {
			j++
		}
		if j == len(s) {
			if !final {
				return actMore, i
			}
			return actDrop, j
		}
		if s[j] >= 0x30 && s[j] <= 0x7e {
			return actDrop, j + 1
		}
		return actDrop, j // malformed: drop what was read, look at s[j] afresh
	case c >= 0x30 && c <= 0x7e: // two-byte sequences: ESC 7, ESC c (reset), ESC \ ...
		return actDrop, i + 2
	default: // a lone ESC before a control, DEL or non-ASCII byte
		return actDrop, i + 1
	}
}

// csi classifies a control sequence "ESC [ params intermediates final".
func csi(s string, i int, m mode, final bool) (action, int) {
	start := i + 2
	limit := min(len(s), start+maxCSI)
	j := start
	for j < limit && s[j] >= 0x30 && s[j] <= 0x3f {
		j++
	}
	paramEnd := j
	for j < limit && s[j] >= 0x20 && s[j] <= 0x2f {
		j++
	}
	if j == limit {
		if limit == len(s) && !final {
			return actMore, i
		}
		// Too long, or cut off by the end of input: drop what was read.
		return actDrop, j
	}
	f := s[j]
	if f < 0x40 || f > 0x7e {
		return actDrop, j // malformed: a control or non-ASCII byte inside
	}
	if m == modeSGR && f == 'm' && paramEnd == j && paramEnd-start <= maxSGRParams && sgrParams(s[start:paramEnd]) {
		return actKeep, j + 1
	}
	return actDrop, j + 1
}

// sgrParams reports whether p holds only digits and separators: private
// markers such as '<', '=', '>', '?' turn "…m" into other commands (xterm's
// "CSI > … m" sets key modifier modes).
func sgrParams(p string) bool {
	for k := 0; k < len(p); k++ {
		if c := p[k]; (c < '0' || c > '9') && c != ';' && c != ':' {
			return false
		}
	}
	return true
}

// stringSeq classifies an OSC, DCS, SOS, PM or APC string starting at s[i].
func stringSeq(s string, i int, final bool) (action, int) {
	start := i + 2
	limit := min(len(s), start+maxString)
	for j := start; j < limit; j++ {
		switch s[j] {
		case 0x07: // BEL: the xterm terminator
			return actDrop, j + 1
		case 0x18, 0x1a: // CAN, SUB cancel the string
			return actDrop, start
		case 0x1b:
			if j+1 >= len(s) {
				if !final {
					return actMore, i
				}
				return actDrop, start
			}
			if s[j+1] == '\\' { // ST
				return actDrop, j + 2
			}
			return actDrop, start // another sequence begins: this one never ended
		}
	}
	if limit == len(s) && !final && limit-start < maxString {
		return actMore, i
	}
	return actDrop, start
}

// Writer filters a byte stream on its way to an underlying writer, keeping
// the parser's state across Write calls so that a sequence or a UTF-8
// character split between two writes is still recognised. It holds back at
// most a few KiB (an incomplete sequence) until the next Write or [Writer.Flush].
// A Writer is not safe for concurrent use.
type Writer struct {
	w         io.Writer
	m         mode
	pending   []byte
	inInvalid bool
	out       strings.Builder
}

// NewWriter returns a Writer that writes the filtered stream to w. With
// keepSGR it filters like [String], otherwise like [Plain].
func NewWriter(w io.Writer, keepSGR bool) *Writer {
	m := modePlain
	if keepSGR {
		m = modeSGR
	}
	return &Writer{w: w, m: m}
}

// Write filters p and writes what is safe to the underlying writer in one
// call. An incomplete sequence at the end of p is held back.
func (w *Writer) Write(p []byte) (int, error) {
	if err := w.write(string(append(w.pending, p...)), false); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush treats the input so far as complete: what was held back is resolved
// as if the stream ended there (a lone ESC is dropped, an unterminated string
// loses its introducer) and written out.
func (w *Writer) Flush() error {
	return w.write(string(w.pending), true)
}

func (w *Writer) write(s string, final bool) error {
	w.out.Reset()
	n := appendSafe(&w.out, s, 0, w.m, final, &w.inInvalid)
	w.pending = append(w.pending[:0], s[n:]...)
	if w.out.Len() == 0 {
		return nil
	}
	_, err := io.WriteString(w.w, w.out.String())
	return err
}
