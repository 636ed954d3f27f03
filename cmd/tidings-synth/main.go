// Command tidings-synth writes the deterministic synthetic corpus that the
// benchmarks use, so the whole-process budget can be measured on the real
// binary: `tidings-synth -n 100000 /tmp/corpus && tidings search --dir
// /tmp/corpus --stats …`.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/tidings-app/tidings/store/synth"
)

func main() {
	n := flag.Int("n", 100_000, "number of articles")
	seed := flag.Int64("seed", 1, "corpus seed (the benchmarks use 1)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: tidings-synth [-n N] [-seed S] DIR\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || *n < 0 {
		flag.Usage()
		os.Exit(2)
	}
	dir := flag.Arg(0)
	start := time.Now()
	files, bytes, err := synth.WriteDir(dir, *n, *seed)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tidings-synth: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d files, %.1f MB, to %s in %s\n", files, float64(bytes)/1e6, dir, time.Since(start).Round(time.Millisecond))
}
