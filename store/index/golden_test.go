package index

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
)

// TestGoldenResults records (TIDINGS_GOLDEN_WRITE=file) or compares
// (TIDINGS_GOLDEN=file) the complete results of the benchmark's query sets:
// a safety net for optimisations that must not change any result. The size
// is TIDINGS_GOLDEN_N (default 10000).
func TestGoldenResults(t *testing.T) {
	wpath, cpath := os.Getenv("TIDINGS_GOLDEN_WRITE"), os.Getenv("TIDINGS_GOLDEN")
	if wpath == "" && cpath == "" {
		t.Skip("TIDINGS_GOLDEN or TIDINGS_GOLDEN_WRITE not set")
	}
	n := 10000
	if s := os.Getenv("TIDINGS_GOLDEN_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	docs := corpus(n)
	ix := built(n)
	var lines []string
	for _, kind := range []string{"one-term", "two-terms", "phrase", "prefix", "field"} {
		for _, s := range querySet(docs, kind) {
			for _, opt := range []SearchOptions{{Limit: 50}, {Limit: 10, Filter: func(d DocNum) bool { return d%3 != 0 }}} {
				r := ix.Search(ParseQuery(s), opt)
				b, _ := json.Marshal(r)
				lines = append(lines, fmt.Sprintf("%s|%d|%s", s, opt.Limit, b))
			}
		}
	}
	if wpath != "" {
		b, _ := json.Marshal(lines)
		if err := os.WriteFile(wpath, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(cpath)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i := range want {
		if lines[i] != want[i] {
			bad++
			if bad < 5 {
				t.Errorf("differs:\n got %.600s\nwant %.600s", lines[i], want[i])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d results differ", bad, len(want))
	}
}
