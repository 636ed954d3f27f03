package index

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Hello, World!", []string{"hello", "world"}},
		{"Russia’s pull-out don't", []string{"russia's", "pull", "out", "don't"}},
		{"Café Straße ÉLAN naïve", []string{"cafe", "strasse", "elan", "naive"}},
		{"Su-34 250,000", []string{"su", "34", "250", "000"}},
		{"东京 news", []string{"东", "京", "news"}},
		{"'quoted' it's", []string{"quoted", "it's"}},
		{"ﬁnance Ｆｕｌｌ", []string{"finance", "full"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := foldWords(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("foldWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStem(t *testing.T) {
	for _, w := range []string{"withdraw", "withdrawal", "withdrawing", "withdraws"} {
		if got := stem(w); got != "withdraw" {
			t.Errorf("stem(%q) = %q", w, got)
		}
	}
	if stem("the") != "the" || stem("2016") != "2016" {
		t.Error("stop words and numbers must stay as they are")
	}
}

func TestParseQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"peace talks", "peace talks"},
		{"peace talks ", "peace talks "},
		{`"Peace Talks"`, `"peace talks"`},
		{"-sport", "-sport"},
		{`-"peace talks" syria`, `-"peace talks" syria`},
		{"a OR b c", "a OR b c"},
		{"OR a", "or a"},
		{"a OR", "a or"},
		{"title:Withdrawal", "title:withdrawal"},
		{`source:"BBC News"`, `source:"bbc news"`},
		{"section:World/Europe", `section:"world europe"`},
		{"after:2020-01-02 before:2021-01-01", "after:2020-01-02 before:2021-01-01"},
		{"after:2020-13-01", `"after 2020 13 01"`},
		{"title:", "title "},
		{"is:read peace", "is:read peace"},
		{`"unclosed quote`, "unclosed quote"},
		{"- lone", "lone"},
		{"pull-out", `"pull out"`},
		{"Café", "cafe"},
		{"foo:bar", `"foo bar"`},
	}
	for _, tt := range tests {
		q := ParseQuery(tt.in)
		if got := q.String(); got != tt.want {
			t.Errorf("ParseQuery(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		if q2 := ParseQuery(q.String()); !reflect.DeepEqual(q, q2) {
			t.Errorf("ParseQuery(%q) not idempotent: %#v vs %#v", tt.in, q, q2)
		}
	}
	if s := ParseQuery("is:read is:Starred x").States(); !slices.Equal(s, []string{"read", "starred"}) {
		t.Errorf("States = %q", s)
	}
	if !ParseQuery("  ").IsEmpty() || ParseQuery("x").IsEmpty() {
		t.Error("IsEmpty")
	}
	long := strings.Repeat("word ", 200)
	if n := len([]rune(ParseQuery(long).String())); n > MaxQueryRunes {
		t.Errorf("normalised query has %d runes", n)
	}
}

const seedTitle = "Russia Begins Syria Withdrawal as Peace Talks Enter Second Day"

const seedBody = `Russian warplanes continued bombing in Syria and “fewer than 10” departed the region following President Vladimir Putin’s stunning announcement that his forces had accomplished their mission and a partial withdrawal had begun, Pentagon officials said.

A temporary ceasefire between Assad’s forces and opponents in the country introduced on February 27 has largely held.

The statement came a day after Putin announced the withdrawal of most of the Russian forces from Syria, timing his move to coincide with the resumption of Syria peace talks in Geneva.`

func fixture(t testing.TB) (*Index, DocNum) {
	ix := New()
	day := time.Date(2016, 3, 15, 0, 0, 0, 0, time.UTC)
	nums := ix.Add(
		Doc{Title: seedTitle, Source: "BBC News", Section: "world/europe", Author: "Jane Smith", Tags: []string{"Syria", "diplomacy"}, Body: seedBody, Published: day},
		Doc{Title: "Football season opens", Source: "Sport Today", Section: "sport", Tags: []string{"football"}, Body: "The **season** opens with a match in Syria's capital? No: in London. Withdrawing players.", Published: day.AddDate(1, 0, 0)},
		Doc{Title: "Markets rally", Source: "Financial Chronicle", Section: "business", Body: "## Markets\n\nShares rose as *investors* cheered [the talks](https://example.com/peace) on trade.", Published: day.AddDate(-1, 0, 0)},
		Doc{Title: "Syria aid talks", Source: "Le Monde", Section: "world", Author: "Élodie Dupré", Body: "Aid agencies discussed Syria without any reference to Moscow.", Published: day.AddDate(0, 1, 0)},
	)
	return ix, nums[0]
}

func docs(r Results) []DocNum {
	var out []DocNum
	for _, h := range r.Hits {
		out = append(out, h.Doc)
	}
	return out
}

func TestSearchOperators(t *testing.T) {
	ix, seed := fixture(t)
	tests := []struct {
		q    string
		want []DocNum // in rank order when len > 1 and ordered
		any  bool     // order does not matter
	}{
		{q: `"peace talks"`, want: []DocNum{seed}},
		{q: `title:withdrawal`, want: []DocNum{seed}},
		{q: `ceasefir`, want: []DocNum{seed}},
		{q: `ceasef `, want: nil},
		{q: `withdrawing `, want: []DocNum{seed, 1}},
		{q: `syria -russia `, want: []DocNum{3, 1}, any: true},
		{q: `syria -"peace talks" `, want: []DocNum{1, 3}, any: true},
		{q: `source:bbc`, want: []DocNum{seed}},
		{q: `source:"BBC NEWS"`, want: []DocNum{seed}},
		{q: `section:world`, want: []DocNum{seed, 3}, any: true},
		{q: `section:europe`, want: []DocNum{seed}},
		{q: `author:elodie`, want: []DocNum{3}},
		{q: `tag:football`, want: []DocNum{1}},
		{q: `after:2016-03-15 before:2017-01-01`, want: []DocNum{3, seed}},
		{q: `before:2016-03-15`, want: []DocNum{2}},
		{q: `-football`, want: []DocNum{3, seed, 2}},
		{q: `markets OR football `, want: []DocNum{1, 2}, any: true},
		{q: `(markets OR football) season `, want: []DocNum{1}},
		{q: `markets OR football season `, want: []DocNum{1}},
		{q: `talks source:"le monde" `, want: []DocNum{3}},
		{q: `talks OR source:"sport today" shares `, want: []DocNum{2}},
		{q: `is:read`, want: []DocNum{1, 3, seed, 2}},
		{q: `https `, want: nil},
		{q: `moscow `, want: []DocNum{3}},
		{q: `"syria peace" OR "markets rally" `, want: []DocNum{seed, 2}, any: true},
	}
	for _, tt := range tests {
		r := ix.Search(ParseQuery(tt.q), SearchOptions{Limit: 10})
		got := docs(r)
		want := tt.want
		if tt.any {
			slices.Sort(got)
			want = slices.Clone(want)
			slices.Sort(want)
		}
		if !slices.Equal(got, want) || r.Total != len(want) {
			t.Errorf("%q: got %v (total %d), want %v", tt.q, got, r.Total, want)
		}
	}
	if r := ix.Search(Query{}, SearchOptions{}); r.Total != ix.Len() {
		t.Errorf("empty query total %d, want %d", r.Total, ix.Len())
	}
	r := ix.Search(ParseQuery("syria"), SearchOptions{Limit: 10, Filter: func(d DocNum) bool { return d != seed }})
	if slices.Contains(docs(r), seed) {
		t.Error("Filter ignored")
	}
}

func TestRanking(t *testing.T) {
	ix := New()
	now := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	ix.Add(
		Doc{Title: "Other news", Body: "The withdrawal of troops. Filler text about other things entirely.", Published: now},
		Doc{Title: "Withdrawal of troops", Body: "Filler text about other things entirely.", Published: now},
		Doc{Title: "Other news", Body: "The withdrawing of troops. Filler text about other things entirely.", Published: now},
		Doc{Title: "Other news", Body: "The withdrawal of troops. Filler text about other things entirely.", Published: now.AddDate(1, 0, 0)},
	)
	got := docs(ix.Search(ParseQuery("withdrawal "), SearchOptions{Limit: 10}))
	// Title boost first, then exact form, newer first among equals, stemmed form last.
	if want := []DocNum{1, 3, 0, 2}; !slices.Equal(got, want) {
		t.Errorf("ranking %v, want %v", got, want)
	}
	got = docs(ix.Search(ParseQuery("withdrawing "), SearchOptions{Limit: 10}))
	// The title match still leads; the exact form beats the stemmed ones.
	if want := []DocNum{1, 2, 3, 0}; !slices.Equal(got, want) {
		t.Errorf("exact form not boosted: %v, want %v", got, want)
	}
}

// TestPhraseOfCommonWords ranks a phrase of words found in every title and
// body: more occurrences in a shorter body rank higher, and the phrase
// adds to a word's score rather than taking from it. (Its weight was once
// the idf of title and body frequencies added together, which for such
// words pass the number of documents: a negative weight.)
func TestPhraseOfCommonWords(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	filler := strings.Repeat(" and the day of rest", 12)
	ix := New()
	ix.Add(
		Doc{Title: "The art of war", Body: "Once in the middle of the night.", Published: now},
		Doc{Title: "The cost of war", Body: "Most of the time, most of the people, most of the day.", Published: now},
		Doc{Title: "The end of war", Body: "Peace came at the end of the road" + filler, Published: now},
		Doc{Title: "The rest of war", Body: "Nothing of note in the town" + filler, Published: now},
	)
	if got, want := docs(ix.Search(ParseQuery(`"of the"`), SearchOptions{Limit: 10})), []DocNum{1, 0, 2}; !slices.Equal(got, want) {
		t.Errorf(`"of the": %v, want %v`, got, want)
	}
	r := ix.Search(ParseQuery(`peace "of the"`), SearchOptions{Limit: 10})
	plain := ix.Search(ParseQuery(`peace `), SearchOptions{Limit: 10})
	if len(r.Hits) != 1 || len(plain.Hits) != 1 || r.Hits[0].Score <= plain.Hits[0].Score {
		t.Errorf(`peace "of the" scores %v, peace alone %v: the phrase must add to the score`, r.Hits, plain.Hits)
	}
}

// TestExactFormOfCommonWord: the exact form of a word found in most titles
// and bodies still ranks its documents first. (Its bonus was once the idf
// of title and body counts added together, which for such a word pass the
// number of documents: a penalty.)
func TestExactFormOfCommonWord(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	ix := New()
	ix.Add(
		Doc{Title: "Peoples of the north", Body: "The peoples voted in the north.", Published: now},
		Doc{Title: "Peoples of the south", Body: "The people voted in the south.", Published: now},
		Doc{Title: "Peoples of the east", Body: "The peoples voted in the east.", Published: now},
	)
	for _, q := range []string{"people ", "people voted "} {
		if got := docs(ix.Search(ParseQuery(q), SearchOptions{Limit: 10})); len(got) != 3 || got[0] != 1 {
			t.Errorf("%q: %v, want document 1 (the exact form) first", q, got)
		}
	}
}

func TestRemove(t *testing.T) {
	ix, seed := fixture(t)
	ix.Remove(seed)
	ix.Remove(seed)
	if ix.Len() != 3 {
		t.Fatalf("Len %d", ix.Len())
	}
	if r := ix.Search(ParseQuery(`"peace talks"`), SearchOptions{}); r.Total != 0 {
		t.Errorf("removed doc found: %v", docs(r))
	}
	if r := ix.Search(Query{}, SearchOptions{}); r.Total != 3 {
		t.Errorf("empty query total %d", r.Total)
	}
}

func TestSnippet(t *testing.T) {
	ix, seed := fixture(t)
	r := ix.Search(ParseQuery(`ceasefire `), SearchOptions{Limit: 1, SnippetRunes: 60})
	if len(r.Hits) != 1 || r.Hits[0].Doc != seed {
		t.Fatalf("hits %v", docs(r))
	}
	h := r.Hits[0]
	if len([]rune(h.Snippet)) > 62 || len(h.Spans) != 1 || h.Snippet[h.Spans[0].Start:h.Spans[0].End] != "ceasefire" {
		t.Errorf("snippet %q spans %v", h.Snippet, h.Spans)
	}
	r = ix.Search(ParseQuery(`talks trade `), SearchOptions{Limit: 1})
	h = r.Hits[0]
	if strings.ContainsAny(h.Snippet, "*[]#") || strings.Contains(h.Snippet, "https") {
		t.Errorf("markdown left in snippet %q", h.Snippet)
	}
	var words []string
	for _, s := range h.Spans {
		words = append(words, h.Snippet[s.Start:s.End])
	}
	if !slices.Equal(words, []string{"talks", "trade"}) {
		t.Errorf("spans %q in %q", words, h.Snippet)
	}
	// Title fallback.
	r = ix.Search(ParseQuery(`title:rally `), SearchOptions{Limit: 1})
	if h := r.Hits[0]; h.Snippet != "Markets rally" || h.Spans[0] != (Span{8, 13}) {
		t.Errorf("title snippet %q %v", h.Snippet, h.Spans)
	}
}

func TestHighlight(t *testing.T) {
	text := "Withdrawing troops; the WITHDRAWAL began. Peace talks, peace and talks."
	got := ParseQuery(`withdrawal "peace talks" `).Highlight(text)
	var words []string
	for _, s := range got {
		words = append(words, text[s.Start:s.End])
	}
	if want := []string{"Withdrawing", "WITHDRAWAL", "Peace talks"}; !slices.Equal(words, want) {
		t.Errorf("Highlight = %q, want %q", words, want)
	}
	if ParseQuery("-x is:read").Highlight(text) != nil {
		t.Error("no positive words must highlight nothing")
	}
}

func TestConcurrentSearchAndAdd(t *testing.T) {
	ix, _ := fixture(t)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := range 4 {
		wg.Go(func() {
			q := ParseQuery([]string{"syria", `"peace talks"`, "withdr", "-sport"}[g])
			for {
				select {
				case <-stop:
					return
				default:
				}
				ix.Search(q, SearchOptions{Limit: 5})
			}
		})
	}
	for i := range 200 {
		nums := ix.Add(Doc{Title: fmt.Sprintf("Syria update %d", i), Body: "peace talks resume " + strings.Repeat("word ", i%50)})
		if i%3 == 0 {
			ix.Remove(nums[0])
		}
	}
	close(stop)
	wg.Wait()
	if ix.Len() != 4+200-67 {
		t.Errorf("Len %d", ix.Len())
	}
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }

// TestIndexTokensMatchTokenize holds the indexer's inlined tokenizer to the
// reference one: the same words, folded the same way, in the same order.
func TestIndexTokensMatchTokenize(t *testing.T) {
	texts := []string{
		seedTitle, seedBody,
		"Hello, World! Russia’s pull-out don't 'quoted' it's x'",
		"Café Straße ÉLAN naïve ﬁnance Ｆｕｌｌ 东京 news Su-34 250,000",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ tail",
		"short a I x9 UPPERCASEWORDS mixedCase12345678 end'", "abcdefgh abcdefghi ABCDEFG",
		"naïveté façade déjà-vu ŁÓDŹ ΑΘΗΝΑ мир ㈠ ゟ 한국어 a’b a''b",
	}
	for _, d := range corpus(200) {
		texts = append(texts, d.Title, d.Body[:min(len(d.Body), 600)])
	}
	for _, text := range texts {
		var want []string
		var buf []byte
		tokenize(text, &buf, func(_, _ int, f string) bool { want = append(want, f+"|"+stem(f)); return true })
		tk := newTokenizer()
		tk.stamp = 1
		tk.tokens(text)
		var got []string
		for _, tid := range tk.toks {
			got = append(got, "?|"+tk.stems[tid])
		}
		sids := map[string]bool{}
		for _, f := range tk.surfForm {
			sids[f] = true
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %d tokens, want %d", text, len(got), len(want))
		}
		for i := range want {
			f, st, _ := strings.Cut(want[i], "|")
			if got[i] != "?|"+st || !sids[f] {
				t.Fatalf("%q: token %d stem %q, want %q (form %q known: %v)", text, i, got[i], st, f, sids[f])
			}
		}
		if len(sids) != len(tk.surfForm) {
			t.Fatalf("%q: duplicate surface forms", text)
		}
	}
}

// TestPhraseAgainstScan checks phrase matching (any word may lead, positions
// skipped lazily across documents and batches) against a plain scan.
func TestPhraseAgainstScan(t *testing.T) {
	docs := corpus(2000)
	ix := New()
	for i := 0; i < len(docs); i += 700 {
		ix.Add(docs[i:min(i+700, len(docs))]...)
	}
	type fields struct{ title, body []string }
	stems := make([]fields, len(docs))
	for k, d := range docs {
		var toks []string
		var buf []byte
		add := func(_, _ int, f string) bool { toks = append(toks, stem(strings.Clone(f))); return true }
		tokenize(d.Title, &buf, add)
		stems[k].title = toks
		toks = nil
		rest := d.Body
		for { // the body without link targets, as the indexer sees it
			i := strings.Index(rest, "](")
			if i < 0 {
				break
			}
			tokenize(rest[:i], &buf, add)
			j := strings.IndexByte(rest[i:], ')')
			if j < 0 || strings.IndexByte(rest[i:i+j], ' ') >= 0 {
				rest = rest[i+1:]
				continue
			}
			rest = rest[i+j+1:]
		}
		tokenize(rest, &buf, add)
		stems[k].body = toks
	}
	count := func(phrase []string) int {
		has := func(ts []string) bool {
			for i := 0; i+len(phrase) <= len(ts); i++ {
				if slices.Equal(ts[i:i+len(phrase)], phrase) {
					return true
				}
			}
			return false
		}
		n := 0
		for _, f := range stems {
			if has(f.title) || has(f.body) {
				n++
			}
		}
		return n
	}
	// Both ways of intersecting a document's positions: bitsets for every
	// document, merging for every document, and the mix Search uses.
	defer func(v uint32) { bitsMinStarts = v }(bitsMinStarts)
	for _, minStarts := range []uint32{0, math.MaxUint32, bitsMinStarts} {
		bitsMinStarts = minStarts
		for _, q := range []string{`"of the"`, `"the government"`, `"said the minister"`, `"in a"`, `"peace talks"`, `"the the"`, `"at the"`, `"this the"`, `"that he"`, `"to more"`, `"the minister said"`, `"the prime minister said"`} {
			pq := ParseQuery(q)
			var want []string
			for _, w := range pq.groups[0].atoms[0].words {
				want = append(want, stem(w))
			}
			if got, exp := ix.Search(pq, SearchOptions{Limit: 5}).Total, count(want); got != exp {
				t.Errorf("bitsMinStarts %d: %s: %d matches, scan finds %d", minStarts, q, got, exp)
			}
		}
	}
}

// TestPlainRankingMatchesGeneral checks Search's inline ranking loop (no
// filter: a raw score below the bar is only counted) against the general
// one (a Filter that accepts everything forces it): same hits, scores,
// snippets and totals. With a seventh of the documents removed, common words
// have a negative idf, which the bar once assumed could not happen.
func TestPlainRankingMatchesGeneral(t *testing.T) {
	docs := corpus(3000)
	ix := New()
	for i := 0; i < len(docs); i += 1000 {
		ix.Add(docs[i : i+1000]...)
	}
	for d := DocNum(0); d < 3000; d += 7 {
		ix.Remove(d)
	}
	var qs []string
	for i := 0; i < 300; i += 3 {
		tw := strings.Fields(strings.ToLower(docs[i].Title))
		bw := strings.Fields(strings.ToLower(docs[i].Body[:min(len(docs[i].Body), 200)]))
		w, v := strings.Trim(tw[0], ".,*'\""), strings.Trim(bw[3], ".,*'\"")
		qs = append(qs, w+" ", v+" ", "title:"+w+" ", w+" -"+v+" ", w+" "+v+" ", v+"s ", v+"ing ", "nosuchword ")
	}
	all := func(DocNum) bool { return true }
	for _, s := range qs {
		q := ParseQuery(s)
		for _, limit := range []int{1, 10, 50} {
			got := ix.Search(q, SearchOptions{Limit: limit})
			want := ix.Search(q, SearchOptions{Limit: limit, Filter: all})
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%q limit %d: total %d, want %d; hits %v, want %v", s, limit, got.Total, want.Total, hitDocs(got), hitDocs(want))
			}
		}
	}
}

func hitDocs(r Results) []DocNum {
	var out []DocNum
	for _, h := range r.Hits {
		out = append(out, h.Doc)
	}
	return out
}

// TestNonWordBytes checks the eight-byte word-byte classifier against
// asciiWord for every byte value in every lane.
func TestNonWordBytes(t *testing.T) {
	for c := range 256 {
		for lane := range 8 {
			v := uint64(0x6161616161616161) // "aaaaaaaa"
			v = v&^(0xff<<(8*lane)) | uint64(c)<<(8*lane)
			want := uint64(0)
			if c >= 0x80 || !asciiWord[c] {
				want = 0x80 << (8 * lane)
			}
			if got := nonWordBytes(v); got != want {
				t.Fatalf("byte %#x in lane %d: %#x, want %#x", c, lane, got, want)
			}
		}
	}
}

// TestVarint12 checks the branch-free decoder against binary.Uvarint for
// every one- and two-byte value, a three-byte one, and varints cut off by
// the end of the slice.
func TestVarint12(t *testing.T) {
	check := func(b []byte) {
		t.Helper()
		d, n := varint12(b, 0)
		want, wn := binary.Uvarint(b)
		switch {
		case wn > 2 || wn <= 0:
			if n != 0 {
				t.Fatalf("% x: length %d, want 0 (left to uvarint)", b, n)
			}
		case n != wn || uint64(d) != want:
			t.Fatalf("% x: %d, length %d; want %d, length %d", b, d, n, want, wn)
		}
	}
	for v := uint64(0); v < 1<<14; v++ {
		b := binary.AppendUvarint(nil, v)
		check(b)
		check(append(b, 0x80, 0x01)) // more varints after it
	}
	check(binary.AppendUvarint(nil, 1<<20))
	check([]byte{0x85})       // cut off after one byte
	check([]byte{0x85, 0x85}) // and after two
}
