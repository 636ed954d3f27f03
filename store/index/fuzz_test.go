package index

import (
	"reflect"
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"", "peace talks", `"peace talks" -russia`, "a OR b c", "OR", "a OR", "- -", `"`, `title:"x`,
		`source:"BBC News" after:2020-01-01 before:2021-13-40 is:read`, "section:world/europe tag:ai ceasefir",
		"東京 Ｆｕｌｌ ﬁ Straße ㈠", "title: author: is: -is:read", "x\xffy", "a  OR  OR b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start := time.Now()
		q := ParseQuery(s)
		norm := q.String()
		if time.Since(start) > time.Second {
			t.Fatalf("ParseQuery(%q) took %v", s, time.Since(start))
		}
		if !utf8.ValidString(norm) || utf8.RuneCountInString(norm) > MaxQueryRunes {
			t.Fatalf("bad normalised form %q", norm)
		}
		q2 := ParseQuery(norm)
		if got := q2.String(); got != norm {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, norm, got)
		}
		if !reflect.DeepEqual(q, q2) {
			t.Fatalf("reparse differs for %q: %#v vs %#v", s, q, q2)
		}
		q.Highlight(s)
	})
}
