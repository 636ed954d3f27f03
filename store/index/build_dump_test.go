package index

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// dumpIndex writes everything the index holds in a canonical, decoded form:
// per term and surface (in id order) every posting with its payload and
// positions, per document its lengths, checkpoints and metadata. Two indexes
// that answer every query alike dump alike, whatever their segments and
// arenas look like; segments lists the segment boundaries too, which depend
// on how documents were batched, and so does which words' documents have
// pair neighbours (which the dump shows with segments).
func dumpIndex(w io.Writer, ix *Index, segments bool) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	fmt.Fprintf(bw, "docs %d live %d bodyLen %d titleLen %d time %d..%d\n", len(ix.docs), ix.live, ix.bodyLen, ix.titleLen, ix.minTime, ix.maxTime)
	for n := range ix.docs {
		fmt.Fprintf(bw, "doc %d body %d title %d pub %d meta %d %d %d tags %v ck %v\n", n, ix.bodyLens[n], ix.titleLens[n],
			ix.published[n], ix.metaOf[0][n], ix.metaOf[1][n], ix.metaOf[2][n], ix.docs[n].tags, ix.ck[ix.ckAt[n]:ix.ckAt[n+1]])
	}
	postings := func(name string, segs []segment, payload, positions bool) {
		fmt.Fprintf(bw, " %s", name)
		for si := range segs {
			s := &segs[si]
			if segments {
				fmt.Fprintf(bw, " [seg %d..%d n %d]", s.base, s.last, s.n)
			}
			p, pos := ix.docsOf(s), ix.posOf(s)
			d, pi, n := s.base, 0, uint32(0)
			for i := 0; i < len(p); {
				var delta, pl uint32
				delta, i = uvarint(p, i)
				d += DocNum(delta)
				n++
				fmt.Fprintf(bw, " %d", d)
				if !payload {
					continue
				}
				pl, i = uvarint(p, i)
				fmt.Fprintf(bw, ":%d", pl)
				if positions && len(pos) > 0 {
					fmt.Fprint(bw, "@")
					q := uint32(0)
					for range pl >> 1 {
						var dq uint32
						dq, pi = uvarint(pos, pi)
						q += dq
						fmt.Fprintf(bw, "%d,", q)
					}
					// Pair neighbours depend on how documents were
					// batched, like segments.
					if s.pairNear() != 0 {
						var nb uint32
						nb, pi = uvarint(pos, pi)
						if segments {
							fmt.Fprintf(bw, "~%x", nb)
						}
					}
				}
			}
			if d != s.last || n != s.n || pi != len(pos) {
				fmt.Fprintf(bw, " BAD SEGMENT last %d n %d pos %d/%d", d, n, pi, len(pos))
			}
		}
		fmt.Fprintln(bw)
	}
	for id := range ix.postings {
		tp := &ix.postings[id]
		fmt.Fprintf(bw, "term %d df %d %d surfaces %v\n", id, tp.bodyDF, tp.titleDF, tp.surfaces)
		postings("body", tp.body, true, true)
		postings("title", tp.title, true, true)
	}
	for id := range ix.surfInfo {
		s := &ix.surfInfo[id]
		fmt.Fprintf(bw, "surface %d %q term %d stem %v df %d\n", id, s.form, s.term, s.isStem, s.df)
		postings("exact", s.exact, false, false)
	}
	fmt.Fprintf(bw, "sorted %v\n", ix.sorted)
	for i := range ix.meta {
		fmt.Fprintf(bw, "meta %d %q\n", i, ix.meta[i].values)
	}
	terms := make([]string, len(ix.postings))
	for st, id := range ix.terms {
		terms[id] = st
	}
	fmt.Fprintf(bw, "terms %q\n", terms)
}

// dumpDocs is the corpus of TestDumpIndex: synthetic articles, hostile
// text, and the BBC corpus when present.
func dumpDocs(t *testing.T) []Doc {
	docs := append([]Doc(nil), corpus(20000)...)
	for i, text := range []string{
		"Hello, World! Russia’s pull-out don't 'quoted' it's x' of the of the the of a in is it",
		"Café Straße ÉLAN naïve ﬁnance Ｆｕｌｌ 东京 news Su-34 250,000 [link](https://x.y/z) [a b](c d)",
		"naïveté façade déjà-vu ŁÓDŹ ΑΘΗΝΑ мир ㈠ ゟ 한국어 a’b a''b " + string(make([]byte, 100)),
	} {
		docs = append(docs, Doc{Title: text[:len(text)/3], Body: text, Source: fmt.Sprint("s", i), Tags: []string{"x", "y"}})
	}
	paths, _ := filepath.Glob(filepath.Join(bbcDir(), "*", "*.txt"))
	return append(docs, bbcDocs(t, paths)...)
}

// TestDumpIndex writes the dump of an index built from dumpDocs to the file
// named by $TIDINGS_INDEX_DUMP, for comparing builds before and after a
// change to the indexer (the bytes must not change).
func TestDumpIndex(t *testing.T) {
	path := os.Getenv("TIDINGS_INDEX_DUMP")
	if path == "" {
		t.Skip("TIDINGS_INDEX_DUMP not set")
	}
	docs := dumpDocs(t)
	ix := New()
	ix.Add(docs[:5]...)
	ix.Add(docs[5:9000]...)
	ix.Add(docs[9000:]...)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	dumpIndex(f, ix, os.Getenv("TIDINGS_INDEX_DUMP_SEGMENTS") != "")
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
