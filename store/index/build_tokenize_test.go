package index

import "testing"

// TestTokenizeStops checks that tokenize stops when fn asks it to, also in
// a word that starts as ASCII and goes on with other letters ("naïve"):
// snippets stop early, and it once indexed the text at -1 there.
func TestTokenizeStops(t *testing.T) {
	for _, s := range []string{"naïve café", "naïve", "don’t stop", "x Straße y"} {
		var buf []byte
		n := 0
		tokenize(s, &buf, func(_, _ int, _ string) bool { n++; return false })
		if n != 1 {
			t.Errorf("%q: fn called %d times after it returned false once", s, n)
		}
	}
}
