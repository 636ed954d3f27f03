// Package synth generates a deterministic synthetic news corpus for tests and
// benchmarks.
//
// Article i of a corpus depends only on (seed, i): it is drawn from its own PCG
// stream, so corpora can be generated in parallel, in any order, and come out
// byte-identical on every machine. Words follow a Zipf distribution over a
// fixed vocabulary of real news words (with inflections, so stemming matters)
// and some thousands of pronounceable pseudo-words.
package synth

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Article is one generated news article. Body is Markdown.
type Article struct {
	Title, Source, Section, Author, Body string
	Tags                                 []string
	Published                            time.Time
}

// epoch is the start of the three years publication dates are spread over.
var epoch = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)

const spanSeconds = 3 * 365 * 24 * 3600

// Generate returns the n articles of the corpus for seed.
func Generate(n int, seed int64) []Article {
	out := make([]Article, n)
	Each(n, seed, func(i int, a Article) { out[i] = a })
	return out
}

// Each generates the n articles of the corpus for seed in parallel and calls
// fn for each, from several goroutines at once and in no particular order; i
// says which article it is. It holds no more than one article per worker.
func Each(n int, seed int64, fn func(i int, a Article)) {
	workers := min(runtime.GOMAXPROCS(0), max(n, 1))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				fn(i, Make(i, seed))
			}
		})
	}
	wg.Wait()
}

// Make generates article i of the corpus for seed on its own.
func Make(i int, seed int64) Article {
	r := rand.New(rand.NewPCG(uint64(seed), uint64(i)*0x9E3779B97F4A7C15+1))
	g := gen{r: r}
	a := Article{
		Source:    sources[r.IntN(len(sources))],
		Section:   sections[r.IntN(len(sections))],
		Author:    firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))],
		Published: epoch.Add(time.Duration(r.Int64N(spanSeconds)) * time.Second),
	}
	a.Title = g.title()
	for range r.IntN(5) {
		t := tagWords[r.IntN(len(tagWords))]
		dup := false
		for _, have := range a.Tags {
			dup = dup || have == t
		}
		if !dup {
			a.Tags = append(a.Tags, t)
		}
	}
	a.Body = g.body(3000 + r.IntN(2300))
	return a
}

type gen struct {
	r *rand.Rand
}

// zipfTable samples vocab ranks with P(k) ∝ (k+2)^-1.07 by Vose's alias
// method: one uniform draw, O(1) per word. rand.Zipf calls Exp and Log per
// draw, which made generation several times slower, and their assembly
// versions differ between architectures; this table is built with portable
// arithmetic only, so draws are the same on every machine.
var zipfTable = buildAlias(len(vocab))

type aliasTable struct {
	prob  []float64
	alias []int32
}

func buildAlias(n int) aliasTable {
	w := make([]float64, n)
	sum := 0.0
	for k := range w {
		w[k] = math.Pow(float64(k+2), -1.07)
		sum += w[k]
	}
	t := aliasTable{prob: make([]float64, n), alias: make([]int32, n)}
	var small, large []int32
	for k := range w {
		w[k] *= float64(n) / sum
		if w[k] < 1 {
			small = append(small, int32(k))
		} else {
			large = append(large, int32(k))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		t.prob[s], t.alias[s] = w[s], l
		w[l] -= 1 - w[s]
		if w[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, k := range append(small, large...) {
		t.prob[k], t.alias[k] = 1, k
	}
	return t
}

func (g *gen) rank() int {
	u := g.r.Float64() * float64(len(zipfTable.prob))
	k := int(u)
	if u-float64(k) < zipfTable.prob[k] {
		return k
	}
	return int(zipfTable.alias[k])
}

func (g *gen) word() string { return vocab[g.rank()] }

// contentWord skips stop words, for titles and link texts.
func (g *gen) contentWord() string {
	for {
		k := g.rank()
		if k >= len(stopWords) {
			return vocab[k]
		}
	}
}

func capitalize(w string) string {
	r, n := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + w[n:]
}

func (g *gen) title() string {
	n := 5 + g.r.IntN(6)
	words := make([]string, n)
	for i := range words {
		if i == 0 || i == n-1 || g.r.IntN(3) > 0 {
			words[i] = capitalize(g.contentWord())
		} else {
			words[i] = g.word()
		}
	}
	return strings.Join(words, " ")
}

func (g *gen) sentence(b *strings.Builder) {
	n := 8 + g.r.IntN(14)
	for i := range n {
		w := g.word()
		switch {
		case i == 0:
			w = capitalize(w)
		case g.r.IntN(40) == 0:
			w = "**" + w + "**"
		}
		b.WriteString(w)
		switch {
		case i == n-1:
			b.WriteByte('.')
		case g.r.IntN(12) == 0:
			b.WriteString(", ")
		default:
			b.WriteByte(' ')
		}
	}
}

// body writes Markdown paragraphs until about size bytes: plain paragraphs,
// sometimes a heading, a link or a short bullet list, as news Markdown has.
func (g *gen) body(size int) string {
	var b strings.Builder
	b.Grow(size + 400)
	for b.Len() < size {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		switch k := g.r.IntN(20); {
		case k == 0 && b.Len() > 0:
			b.WriteString("## ")
			b.WriteString(capitalize(g.contentWord()) + " " + g.contentWord() + " " + g.contentWord())
		case k == 1:
			for j := range 2 + g.r.IntN(3) {
				if j > 0 {
					b.WriteByte('\n')
				}
				b.WriteString("- ")
				g.sentence(&b)
			}
		default:
			for j := range 2 + g.r.IntN(4) {
				if j > 0 {
					b.WriteByte(' ')
				}
				if g.r.IntN(10) == 0 {
					t := g.contentWord()
					b.WriteString("See [" + t + " " + g.contentWord() + "](https://example.com/news/" + strings.ToLower(t) + ") for more. ")
				}
				g.sentence(&b)
			}
		}
	}
	return b.String()
}
