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
	tokens := 0
	for _, d := range docs {
		tokenize(d.Title+" "+d.Body, new([]byte), func(_, _ int, _ string) bool { tokens++; return true })
	}
	cpu0 := cpuTime()
	for b.Loop() {
		t.batch(docs)
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/float64(tokens), "cpu-ns/token")
}
