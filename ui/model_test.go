package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

var queryTimes = regexp.MustCompile(`\d\.\d\d ms`)

// TestGolden compares whole screens with testdata/TestGolden/*.golden; run
// with -update to rewrite them after a deliberate change.
func TestGolden(t *testing.T) {
	scenes := []struct {
		name string
		keys []string
	}{
		{"list", nil},
		{"list-moved", []string{"j", "j"}},
		{"search", []string{"/", "storm"}},
		{"search-kept", []string{"/", "storm", "enter", "j"}},
		{"reader", []string{"enter"}},
		{"reader-from-search", []string{"/", "storm", "enter", "enter", "n"}},
		{"reader-end", []string{"j", "j", "j", "enter", "G"}},
		{"help", []string{"?"}},
		{"reader-help", []string{"enter", "?"}},
		{"sorted", []string{"s"}},
		{"marked", []string{"f", "j", "j", "enter", "esc", "j", "f", "m"}},
		{"picker", []string{"p"}},
		{"narrowed", []string{"p", "city", "enter", "f"}},
	}
	for _, size := range [][2]int{{80, 24}, {40, 12}} {
		for _, sc := range scenes {
			t.Run(fmt.Sprintf("%s-%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				m := newTestModel(t, size[0], size[1], Options{})
				m = press(t, m, sc.keys...)
				out := screen(m)
				checkFrame(t, out, size[0], size[1])
				// Query times differ from run to run; their width does not.
				out = queryTimes.ReplaceAllString(out, "n.nn ms")
				golden.RequireEqual(t, out)
			})
		}
	}
}

// checkFrame asserts a frame is exactly the terminal's size.
func checkFrame(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Errorf("frame has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("line %d is %d columns wide, more than %d: %q", i, lw, w, l)
		}
	}
}
