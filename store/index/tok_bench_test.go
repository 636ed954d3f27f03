package index

import "testing"

func BenchmarkTokenize(b *testing.B) {
	docs := corpus(2000)
	var buf []byte
	n := 0
	for b.Loop() {
		for _, d := range docs {
			tokenize(d.Body, &buf, func(_, _ int, f string) bool { n++; return true })
		}
	}
	b.ReportMetric(float64(n)/float64(b.N), "tokens/op")
}

func BenchmarkTokenizerBatch(b *testing.B) {
	docs := corpus(2000)
	t := newTokenizer()
	for b.Loop() {
		t.batch(docs, 0)
	}
}
