package store

import (
	"fmt"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// TestParseSimpleYAMLAgrees checks the fast path against the full parser:
// where it accepts input, the fields read from it must be the same.
func TestParseSimpleYAMLAgrees(t *testing.T) {
	inputs := []string{
		"title: Markets rally\ndate: 2025-03-04T09:30:00Z\nauthor: Ada\n",
		"title: \"Quoted: with colon\"\ntags: [a, b, \"c d\"]\n",
		"title: 'single'\ntags:\n  - one\n  - two\nsource: X\n",
		"tags:\n- one\n- two\n",
		"# comment\ntitle: T\n\nsummary: A summary, with commas.\n",
		"title: T\ntags: []\n",
		"count: 3\ndraft: true\n",
	}
	for _, in := range inputs {
		fast, _, ok := parseSimpleYAML(in, nil, nil)
		if !ok {
			t.Errorf("fast path refused simple input %q", in)
			continue
		}
		full := map[string]any{}
		if err := yaml.Unmarshal([]byte(in), &full); err != nil {
			t.Fatal(err)
		}
		field := func(k string) *fmField {
			for i := range fast {
				if fast[i].key == k {
					return &fast[i]
				}
			}
			return nil
		}
		for _, k := range []string{"title", "author", "source", "summary", "tags", "date", "count", "draft"} {
			f, g := fmList(field(k)), asList(full[k])
			if s, want := fmString(field(k)), asString(full[k]); s != want && k != "date" {
				t.Errorf("%q: %s = %q (fast) vs %q (yaml)", in, k, s, want)
			}
			if k == "date" {
				var ft time.Time
				if f := field(k); f != nil {
					ft, _ = fmTime(f)
				}
				gt, _ := asTime(full[k])
				if !ft.Equal(gt) {
					t.Errorf("%q: date %v vs %v", in, ft, gt)
				}
				continue
			}
			if fmt.Sprint(f) != fmt.Sprint(g) {
				t.Errorf("%q: %s = %q (fast) vs %q (yaml)", in, k, f, g)
			}
		}
	}
}

func TestParseSimpleYAMLRefuses(t *testing.T) {
	for _, in := range []string{
		"title: |\n  block\n",
		"author:\n  name: nested\n",
		"title: &anchor x\n",
		"title: \"escaped \\\" quote\"\n",
		"title: value # comment\n",
		"title: [unclosed\n",
		"a: b: c\n",
	} {
		if _, _, ok := parseSimpleYAML(in, nil, nil); ok {
			t.Errorf("fast path accepted %q; the full parser must decide", in)
		}
	}
}
