package synth

import "testing"

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		Each(10000, 1, func(int, Article) {})
	}
}
