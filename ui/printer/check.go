package printer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/ui/termsafe"
)

// CheckJSON is the JSON shape of `check --json`: one object.
type CheckJSON struct {
	Roots    []string        `json:"roots"`
	Files    int             `json:"files"`
	Ignored  int             `json:"ignored"`
	Articles int             `json:"articles"`
	Bytes    int64           `json:"bytes"`
	ReadMS   float64         `json:"read_ms"`  // walk, read, parse and index, overlapped in the workers
	IndexMS  float64         `json:"index_ms"` // of TotalMS, what was left after the last file
	TotalMS  float64         `json:"total_ms"`
	Skipped  []store.Problem `json:"skipped"`
	Warnings []store.Problem `json:"warnings"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Check writes a load report. As JSON it is one object; as text it is a
// summary followed by one line per skipped file and per warning.
func Check(w io.Writer, rep *store.Report, asJSON bool) error {
	if asJSON {
		c := CheckJSON{
			Roots: rep.Roots, Files: rep.Files, Ignored: rep.Ignored, Articles: rep.Articles,
			Bytes: rep.Bytes, ReadMS: ms(rep.Read), IndexMS: ms(rep.Index), TotalMS: ms(rep.Total),
			Skipped: nonNil(rep.Skipped), Warnings: nonNil(rep.Warnings),
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(c); err != nil {
			return err
		}
		_, err := w.Write(escapeTerminalJSON(buf.Bytes())) // paths are file names, raw
		return err
	}
	var b strings.Builder
	for _, r := range rep.Roots {
		fmt.Fprintf(&b, "library: %s\n", termsafe.Line(r))
	}
	fmt.Fprintf(&b, "%d articles from %d files (%s), %d other files ignored\n",
		rep.Articles, rep.Files, humanBytes(rep.Bytes), rep.Ignored)
	// Reading, parsing and indexing overlap in the loader's workers.
	fmt.Fprintf(&b, "read, parsed and indexed in %s (%s of it after the last file)\n",
		round(rep.Total), round(rep.Index))
	if len(rep.Skipped) == 0 {
		b.WriteString("no file skipped\n")
	} else {
		fmt.Fprintf(&b, "%d skipped:\n", len(rep.Skipped))
		for _, p := range rep.Skipped {
			fmt.Fprintf(&b, "  %s: %s\n", termsafe.Line(p.Path), termsafe.Line(p.Reason))
		}
	}
	if len(rep.Warnings) > 0 {
		fmt.Fprintf(&b, "%d warnings:\n", len(rep.Warnings))
		for _, p := range rep.Warnings {
			fmt.Fprintf(&b, "  %s: %s\n", termsafe.Line(p.Path), termsafe.Line(p.Reason))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func nonNil(ps []store.Problem) []store.Problem {
	if ps == nil {
		return []store.Problem{}
	}
	return ps
}

func round(d time.Duration) time.Duration {
	switch {
	case d > time.Second:
		return d.Round(10 * time.Millisecond)
	case d > time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Problems writes one warning line per skipped file (and per file loaded
// with a warning) for stderr, paths made safe for a terminal.
func Problems(w io.Writer, rep *store.Report) {
	var b strings.Builder
	for _, p := range rep.Skipped {
		fmt.Fprintf(&b, "tidings: skipped %s: %s\n", termsafe.Line(p.Path), termsafe.Line(p.Reason))
	}
	for _, p := range rep.Warnings {
		fmt.Fprintf(&b, "tidings: warning: %s: %s\n", termsafe.Line(p.Path), termsafe.Line(p.Reason))
	}
	io.WriteString(w, b.String())
}
