package index

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store/synth"
)

// benchCorpus caches generated corpora and built indexes across benchmarks:
// generating 100k articles takes seconds. Test-only state.
var benchCorpus struct {
	sync.Mutex
	docs map[int][]Doc
	ix   map[int]*Index
}

func corpus(n int) []Doc {
	benchCorpus.Lock()
	defer benchCorpus.Unlock()
	if d, ok := benchCorpus.docs[n]; ok {
		return d
	}
	if benchCorpus.docs == nil {
		benchCorpus.docs, benchCorpus.ix = map[int][]Doc{}, map[int]*Index{}
	}
	docs := make([]Doc, n)
	synth.Each(n, 1, func(i int, a synth.Article) {
		docs[i] = Doc{Title: a.Title, Source: a.Source, Section: a.Section, Author: a.Author, Tags: a.Tags, Body: a.Body, Published: a.Published}
	})
	benchCorpus.docs[n] = docs
	return docs
}

func built(n int) *Index {
	docs := corpus(n)
	benchCorpus.Lock()
	defer benchCorpus.Unlock()
	if ix, ok := benchCorpus.ix[n]; ok {
		return ix
	}
	ix := New()
	ix.Add(docs...)
	benchCorpus.ix[n] = ix
	return ix
}

var sizes = []struct {
	name string
	n    int
}{{"10k", 10_000}, {"100k", 100_000}}

// cpuTime returns the user+sys CPU time of this process so far. The timed
// loop's StopTimer sections (a forced GC) are included: they are small.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkBuild(b *testing.B) {
	for _, sz := range sizes {
		b.Run(sz.name, func(b *testing.B) {
			docs := corpus(sz.n)
			var bytes int64
			for _, d := range docs {
				bytes += int64(len(d.Body) + len(d.Title))
			}
			b.SetBytes(bytes)
			var heap float64
			// CPU time (user+sys of the whole process) besides wall time:
			// the machine is shared, and wall time alone lies when it is busy.
			cpu0 := cpuTime()
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				ix := New()
				ix.Add(docs...)
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&after)
				heap = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
				runtime.KeepAlive(ix)
				b.StartTimer()
			}
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(heap, "heap-MB")
		})
	}
}

// querySet derives fixed queries of one kind from the corpus itself, so the
// words have realistic (Zipf) frequencies.
func querySet(docs []Doc, kind string) []string {
	var qs []string
	for i := 0; len(qs) < 100; i++ {
		d := docs[(i*7919)%len(docs)]
		tw := strings.Fields(strings.ToLower(d.Title))
		bw := strings.Fields(strings.ToLower(d.Body[:min(len(d.Body), 300)]))
		switch kind {
		case "one-term":
			qs = append(qs, tw[0]+" ")
		case "two-terms":
			qs = append(qs, tw[0]+" "+tw[len(tw)-1]+" ")
		case "phrase":
			if len(bw) > 12 {
				qs = append(qs, `"`+strings.Trim(bw[10], ".,*")+" "+strings.Trim(bw[11], ".,*")+`"`)
			}
		case "prefix":
			if w := tw[1]; len(w) >= 4 {
				qs = append(qs, w[:4])
			}
		case "field":
			switch i % 3 {
			case 0:
				qs = append(qs, "title:"+tw[0])
			case 1:
				qs = append(qs, "section:world "+tw[0]+" ")
			default:
				qs = append(qs, fmt.Sprintf("source:%q %s after:2022-01-01 ", d.Source, tw[len(tw)-1]))
			}
		}
	}
	return qs
}

func BenchmarkQuery(b *testing.B) {
	for _, sz := range sizes {
		b.Run(sz.name, func(b *testing.B) {
			docs := corpus(sz.n)
			ix := built(sz.n)
			var lower []string // the naive baseline's pre-folded bodies
			for _, kind := range []string{"one-term", "two-terms", "phrase", "prefix", "field"} {
				b.Run(kind, func(b *testing.B) {
					qs := querySet(docs, kind)
					parsed := make([]Query, len(qs))
					for i, s := range qs {
						parsed[i] = ParseQuery(s)
					}
					var lat, cpu []time.Duration
					hits := 0
					// The process's CPU time is read besides the wall time:
					// on a shared machine the wall time also counts waiting
					// for a core, and a phrase may run on both.
					for b.Loop() {
						for _, q := range parsed {
							c0 := queryCPU()
							t0 := time.Now()
							r := ix.Search(q, SearchOptions{Limit: 50})
							lat = append(lat, time.Since(t0))
							cpu = append(cpu, queryCPU()-c0)
							hits += r.Total
						}
					}
					slices.Sort(lat)
					slices.Sort(cpu)
					if cpu[len(cpu)-1] > 0 {
						b.ReportMetric(float64(cpu[len(cpu)/2].Nanoseconds())/1e3, "cpu-p50-µs")
						b.ReportMetric(float64(cpu[len(cpu)*99/100].Nanoseconds())/1e3, "cpu-p99-µs")
					}
					var sum time.Duration
					for _, d := range lat {
						sum += d
					}
					mean := float64(sum) / float64(len(lat))
					b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
					b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
					b.ReportMetric(float64(hits)/float64(len(lat)), "hits/q")
					b.ReportMetric(0, "ns/op")

					// Naive baseline in the same run: lower-case
					// strings.Contains of the first word over every body.
					b.StopTimer()
					if lower == nil {
						lower = make([]string, len(docs))
						for i, d := range docs {
							lower[i] = strings.ToLower(d.Body)
						}
					}
					var naive time.Duration
					const naiveQueries = 5
					for _, s := range qs[:naiveQueries] {
						w := strings.Trim(strings.Fields(s)[0], `"`)
						if i := strings.IndexByte(w, ':'); i >= 0 {
							w = w[i+1:]
						}
						t0 := time.Now()
						n := 0
						for _, body := range lower {
							if strings.Contains(body, w) {
								n++
							}
						}
						naive += time.Since(t0)
					}
					b.ReportMetric(float64(naive)/naiveQueries/mean, "speedup-x")
					b.StartTimer()
				})
			}
		})
	}
}
