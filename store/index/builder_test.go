package index

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestBuildersMatchAdd builds documents with several Builders on their own
// goroutines, in batches of uneven sizes, merges them in order, and wants
// the same index (every posting, position, checkpoint and surface) and the
// same search results as one Add.
func TestBuildersMatchAdd(t *testing.T) {
	docs := append([]Doc(nil), corpus(3000)...)
	docs = append(docs,
		Doc{Title: "Hello, World! of the", Body: "Russia’s pull-out don't 'quoted' it's x' of the of the the of a in is it [link](https://x.y/z)"},
		Doc{Title: "Café Straße", Body: "naïveté façade déjà-vu ŁÓDŹ ΑΘΗΝΑ мир ㈠ ゟ 한국어 a’b a''b 东京 Ｆｕｌｌ"},
		Doc{},
	)
	want := New()
	want.Add(docs...)

	sizes := []int{1, 700, 13, 1024, 0, 900, 64}
	var parts [][]Doc
	for i, k := 0, 0; i < len(docs); k++ {
		n := min(sizes[k%len(sizes)], len(docs)-i)
		parts = append(parts, docs[i:i+n])
		i += n
	}
	got := New()
	batches := make([]chan *Batch, len(parts))
	for i := range batches {
		batches[i] = make(chan *Batch, 1)
	}
	const builders = 3
	var wg sync.WaitGroup
	for w := range builders {
		wg.Go(func() {
			b := got.NewBuilder()
			for i := w; i < len(parts); i += builders {
				batches[i] <- b.Build(parts[i])
			}
		})
	}
	var nums []DocNum
	for _, ch := range batches {
		nums = append(nums, got.Merge(<-ch)...)
	}
	wg.Wait()
	for i, n := range nums {
		if n != DocNum(i) {
			t.Fatalf("document %d numbered %d", i, n)
		}
	}

	var wb, gb bytes.Buffer
	dumpIndex(&wb, want, false)
	dumpIndex(&gb, got, false)
	if !bytes.Equal(wb.Bytes(), gb.Bytes()) {
		wl, gl := strings.Split(wb.String(), "\n"), strings.Split(gb.String(), "\n")
		for i := range min(len(wl), len(gl)) {
			if wl[i] != gl[i] {
				t.Fatalf("index differs at line %d:\n got %.300s\nwant %.300s", i, gl[i], wl[i])
			}
		}
		t.Fatalf("index dumps differ in length: %d lines, want %d", len(gl), len(wl))
	}
	var qs []string
	for i := 0; i < 300; i += 7 {
		tw := strings.Fields(strings.ToLower(docs[i].Title))
		bw := strings.Fields(strings.ToLower(docs[i].Body[:min(len(docs[i].Body), 200)]))
		w, v := strings.Trim(tw[0], ".,*'\""), strings.Trim(bw[3], ".,*'\"")
		qs = append(qs, w+" ", v, "title:"+w, `"`+bw[4]+" "+bw[5]+`"`, w+" -"+v, `"of the"`, "caf", "naive", "东京")
	}
	for _, s := range qs {
		q := ParseQuery(s)
		if g, w := got.Search(q, SearchOptions{Limit: 20}), want.Search(q, SearchOptions{Limit: 20}); !reflect.DeepEqual(g, w) {
			t.Fatalf("%q: hits %v, want %v", s, hitDocs(g), hitDocs(w))
		}
	}
}

// TestMergeNumbering checks that batches are numbered in merge order, not
// build order, and that Add and Merge share the numbering.
func TestMergeNumbering(t *testing.T) {
	docs := corpus(300)
	ix := New()
	b := ix.NewBuilder()
	first, second := b.Build(docs[:100]), b.Build(docs[100:200])
	if got := ix.Merge(second); !slices.Equal(got, seq(0, 100)) {
		t.Fatalf("first merge numbered %v", got)
	}
	if got := ix.Add(docs[200:]...); !slices.Equal(got, seq(100, 100)) {
		t.Fatalf("Add after Merge numbered %v", got)
	}
	if got := ix.Merge(first); !slices.Equal(got, seq(200, 100)) {
		t.Fatalf("second merge numbered %v", got)
	}
	if got := ix.Merge(b.Build(nil)); len(got) != 0 {
		t.Fatalf("empty batch numbered %v", got)
	}
	for i, want := range []DocNum{200, 0, 100} {
		r := ix.Search(ParseQuery(`title:"`+docs[i*100].Title+`"`), SearchOptions{Limit: 300})
		if !slices.Contains(hitDocs(r), want) {
			t.Errorf("title of document %d: hits %v, want %d among them", i*100, hitDocs(r), want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("merging a batch twice did not panic")
		}
	}()
	ix.Merge(first)
}

func seq(from, n int) []DocNum {
	out := make([]DocNum, n)
	for i := range out {
		out[i] = DocNum(from + i)
	}
	return out
}
