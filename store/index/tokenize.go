package index

import (
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// maxTokenBytes caps a folded token: longer "words" are base64 blobs or
// URLs, and an unbounded key would let one hostile file bloat the dictionary.
const maxTokenBytes = 64

// asciiWord marks the ASCII bytes that make up words.
var asciiWord = func() (t [128]bool) {
	for c := range t {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	return t
}()

// specialFold holds the letters that Unicode decomposition does not reduce
// to ASCII but readers type as ASCII.
var specialFold = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ø': "o", 'Ø': "o",
	'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'ł': "l", 'Ł': "l", 'þ': "th", 'Þ': "th", 'ı': "i",
	'ħ': "h", 'ŧ': "t", 'ŋ': "n",
}

// isCJK reports runes of scripts written without spaces. Each such rune is
// one token (unigrams); phrase queries over positions then match words of
// several characters precisely without a dictionary.
func isCJK(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r))
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' }

// tokenize calls fn for every word of s, until fn returns false, with its byte range in s and its
// folded form (lower case, no diacritics). folded is only valid during the
// call: it may point into buf, which tokenize reuses so that the common ASCII
// path allocates nothing. Words are runs of letters, digits and combining
// marks with apostrophes allowed inside ("don't", "Russia’s"); CJK runes are
// single-rune tokens.
func tokenize(s string, buf *[]byte, fn func(start, end int, folded string) bool) {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if !asciiWord[c] {
				i++
				continue
			}
			// ASCII fast path: scan while the word stays ASCII.
			start, upper := i, false
			j := i
			for j < len(s) {
				c := s[j]
				if c >= utf8.RuneSelf {
					break
				}
				if asciiWord[c] {
					upper = upper || c <= 'Z' && c >= 'A'
					j++
					continue
				}
				if c == '\'' && j+1 < len(s) && s[j+1] < utf8.RuneSelf && asciiWord[s[j+1]] {
					j++
					continue
				}
				break
			}
			if j < len(s) && s[j] >= utf8.RuneSelf {
				r, _ := utf8.DecodeRuneInString(s[j:])
				if (isWordRune(r) && !isCJK(r)) || r == '’' {
					if i = slowToken(s, start, buf, fn); i < 0 {
						return
					}
					continue
				}
			}
			w := s[start:j]
			if upper || len(w) > maxTokenBytes {
				b := (*buf)[:0]
				for k := 0; k < len(w) && k < maxTokenBytes; k++ {
					c := w[k]
					if c >= 'A' && c <= 'Z' {
						c += 'a' - 'A'
					}
					b = append(b, c)
				}
				*buf = b
				if !fn(start, j, unsafeString(b)) {
					return
				}
			} else if !fn(start, j, w) {
				return
			}
			i = j
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case isCJK(r):
			// Not decomposed: ゟ -> より would make one token two.
			*buf = utf8.AppendRune((*buf)[:0], r)
			if !fn(i, i+n, unsafeString(*buf)) {
				return
			}
			i += n
		case isWordRune(r):
			if i = slowToken(s, i, buf, fn); i < 0 {
				return
			}
		default:
			i += n
		}
	}
}

// slowToken scans a word containing non-ASCII runes from start, emits it and
// returns where it ends, or -1 when fn asked to stop.
func slowToken(s string, start int, buf *[]byte, fn func(start, end int, folded string) bool) int {
	j := start
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		if isCJK(r) {
			break
		}
		if isWordRune(r) {
			j += n
			continue
		}
		if isApostrophe(r) && j > start && j+n < len(s) {
			r2, _ := utf8.DecodeRuneInString(s[j+n:])
			if isWordRune(r2) && !isCJK(r2) {
				j += n
				continue
			}
		}
		break
	}
	*buf = foldRunes((*buf)[:0], s[start:j])
	if len(*buf) > 0 && !fn(start, j, unsafeString(*buf)) {
		return -1
	}
	return j
}

// foldRunes appends w lower-cased, compatibility-decomposed and without
// combining marks, keeping only word runes and apostrophes (as ').
func foldRunes(dst []byte, w string) []byte {
	for _, r := range w {
		if r < utf8.RuneSelf {
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			dst = append(dst, byte(r))
			continue
		}
		if r == '’' {
			dst = append(dst, '\'')
			continue
		}
		if f, ok := specialFold[r]; ok {
			dst = append(dst, f...)
			continue
		}
		r = unicode.ToLower(r)
		var tmp [4]byte
		enc := tmp[:utf8.EncodeRune(tmp[:], r)]
		var dec [32]byte
		for _, d := range string(norm.NFKD.Append(dec[:0], enc...)) {
			// Decomposition may yield marks, punctuation or CJK (㈠ -> (一));
			// keeping them would make the folded word re-tokenize differently.
			if unicode.Is(unicode.Mn, d) || !(isWordRune(d) || d == '\'') || isCJK(d) && !isCJK(r) {
				continue
			}
			d = unicode.ToLower(d)
			if f, ok := specialFold[d]; ok {
				dst = append(dst, f...)
			} else {
				dst = utf8.AppendRune(dst, d)
			}
		}
	}
	dst = tidyApostrophes(dst)
	if len(dst) > maxTokenBytes {
		cut := maxTokenBytes
		for cut > 0 && !utf8.RuneStart(dst[cut]) {
			cut--
		}
		dst = dst[:cut]
	}
	return dst
}

// tidyApostrophes keeps apostrophes only between other runes, once: dropped
// marks can leave "'x" or "a”b", which would re-tokenize differently.
func tidyApostrophes(b []byte) []byte {
	out := b[:0]
	for i := 0; i < len(b); i++ {
		if b[i] == '\'' && (len(out) == 0 || out[len(out)-1] == '\'' || i == len(b)-1) {
			continue
		}
		out = append(out, b[i])
	}
	for len(out) > 0 && out[len(out)-1] == '\'' {
		out = out[:len(out)-1]
	}
	return out
}

// Fold returns the folded form of s as the index compares words: each word
// lower-cased and without diacritics, words joined by single spaces.
func Fold(s string) string {
	var out []byte
	var buf []byte
	tokenize(s, &buf, func(_, _ int, f string) bool {
		if len(out) > 0 {
			out = append(out, ' ')
		}
		out = append(out, f...)
		return true
	})
	return string(out)
}

// foldWords returns the folded tokens of s.
func foldWords(s string) []string {
	var out []string
	var buf []byte
	tokenize(s, &buf, func(_, _ int, f string) bool { out = append(out, string([]byte(f))); return true })
	return out
}

// stem returns the search key of a folded word: its English Snowball stem
// when it is plain lower-case ASCII, the word itself otherwise (numbers, other
// scripts). Stop words are kept as they are so that phrases with them work.
func stem(w string) string {
	if len(w) <= 2 {
		return w
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !(c >= 'a' && c <= 'z' || c == '\'') {
			return w
		}
	}
	s := english.Stem(w, false)
	if s == "" {
		return w
	}
	return s
}
