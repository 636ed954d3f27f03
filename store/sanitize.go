package store

import (
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding/charmap"
)

// decodeText turns file bytes into clean UTF-8 text: a BOM is dropped, text
// that is not valid UTF-8 is decoded as Windows-1252 (real corpora carry
// Latin-1 bytes such as a raw 0xA3 pound sign), line endings become "\n",
// and sanitize removes every control character a terminal could obey.
func decodeText(b []byte) string {
	b = trimBOM(b)
	// The loader hands over a buffer it never touches again, so the string
	// can share it instead of copying every file once more.
	s := unsafe.String(unsafe.SliceData(b), len(b))
	first := firstUnclean(s)
	if first < 0 {
		return s // the common case: one pass over the bytes
	}
	if !utf8.ValidString(s[first:]) {
		d, err := charmap.Windows1252.NewDecoder().Bytes(b)
		if err != nil {
			// The Windows-1252 decoder maps every byte, so this does not
			// happen; keep the valid parts rather than lose the file.
			s = strings.ToValidUTF8(string(b), "\uFFFD")
		} else {
			s = string(d)
		}
		return sanitize(s)
	}
	return sanitizeFrom(s, first)
}

func trimBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:]
	}
	return b
}

// sanitize returns s as valid UTF-8 with CRLF and lone CR turned into "\n"
// and without C0 controls (but "\n" and "\t"), DEL, C1 controls or bidi
// overrides. Clean text, the common case, is returned as it is without
// allocating: the first pass only looks.
func sanitize(s string) string {
	first := firstUnclean(s)
	if first < 0 {
		return s
	}
	return sanitizeFrom(s, first)
}

// sanitizeFrom is sanitize for text known clean before offset first.
func sanitizeFrom(s string, first int) string {
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:first])
	for i := first; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '\r':
				b.WriteByte('\n')
				if i < len(s) && s[i] == '\n' {
					i++
				}
			case c < 0x20 && c != '\n' && c != '\t', c == 0x7f:
				// dropped
			default:
				b.WriteByte(c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
			continue
		}
		if unsafeRune(r) {
			continue
		}
		b.WriteString(s[i-size : i])
	}
	return b.String()
}

// firstUnclean returns the offset of the first byte sanitize must change,
// or -1 when s is clean.
func firstUnclean(s string) int {
	for i := 0; i < len(s); {
		// Eight bytes at a time while none needs a look: printable ASCII,
		// tabs and newlines, the bulk of any article.
		for i+8 <= len(s) {
			w := load64(s, i)
			const ones, highs = 0x0101010101010101, 0x8080808080808080
			// Every byte gets its high bit set before a subtraction, so no
			// borrow crosses bytes: the high bit stays set in bytes whose
			// low seven bits are at least the constant. ^w then drops the
			// bytes that were not ASCII (above catches those).
			v := w | highs
			lt20, lt0b, lt09 := ^(v - 0x20*ones), ^(v - 0x0b*ones), ^(v - 0x09*ones)
			ctrl := (lt09 | lt20&^lt0b) & ^w & highs // C0 but tab and newline
			above := (w + 0x01*ones | w) & highs     // some byte >= 0x7f
			if ctrl|above != 0 {
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unsafeRune(r) {
			return i
		}
		i += size
	}
	return -1
}

// unsafeRune reports the non-ASCII code points that must never reach a
// terminal: C1 controls, the bidi overrides and isolates that can make text
// display in an order other than the one it is stored in, and the soft
// hyphen, an invisible hint that width tables count as zero columns but
// terminals such as tmux draw as one, which pushes lines past the edge.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f, r == 0xad:
		return true
	case r >= 0x202a && r <= 0x202e:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// oneLine collapses all runs of white space (including newlines) into single
// spaces, for fields shown on one line: titles, authors, sources.
func oneLine(s string) string {
	if isOneLine(s) {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// isOneLine reports text that oneLine would return unchanged: no leading,
// trailing or doubled spaces and no other white space. Titles and summaries
// almost always are, so this saves the split and join at load.
func isOneLine(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	const ones, lows, highs = 0x0101010101010101, 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	prevSpace := false
	for i := 0; i < len(s); {
		if i+8 <= len(s) {
			// Eight ASCII bytes at a time (see firstUnclean for the
			// borrow-free comparisons).
			if w := load64(s, i); w&highs == 0 {
				v := w | highs
				if ^(v-0x0e*ones)&(v-0x09*ones)&highs != 0 {
					return false // a byte in '\t'..'\r'
				}
				t := w ^ ' '*ones
				space := ^(t&lows + lows | t | lows) // the high bit of every space
				if space&(space>>8) != 0 || prevSpace && space&0x80 != 0 {
					return false // two spaces in a row
				}
				prevSpace = space>>63 != 0
				i += 8
				continue
			}
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ':
				if prevSpace {
					return false
				}
				prevSpace = true
			case c <= '\r' && c >= '\t':
				return false
			default:
				prevSpace = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) || r == utf8.RuneError && size == 1 {
			return false
		}
		prevSpace = false
		i += size
	}
	return true
}

// load64 reads eight bytes of s at i as a little-endian word; the compiler
// turns the shifts into one load.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
