package index

import "testing"

// BenchmarkWorkerBatch measures one Builder's steady state on batches of
// Add's size: the per-worker cost of indexing, without the merge, on one
// goroutine (so the figure is less disturbed by other work on the machine
// than BenchmarkBuild's).
func BenchmarkWorkerBatch(b *testing.B) {
	docs := corpus(3 * batchDocs)
	tokens := 0
	for _, d := range docs[batchDocs:] {
		tokenize(d.Title+" "+d.Body, new([]byte), func(_, _ int, _ string) bool { tokens++; return true })
	}
	bld := New().NewBuilder()
	bld.Build(docs[:batchDocs]) // dictionaries warm, as after the first batch
	cpu0 := cpuTime()
	for b.Loop() {
		bld.Build(docs[batchDocs : 2*batchDocs])
		bld.Build(docs[2*batchDocs:])
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/float64(tokens), "cpu-ns/token")
}
