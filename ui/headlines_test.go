package ui

import (
	"fmt"
	"testing"

	"github.com/tidings-app/tidings/store"
)

// listOf is a headline list of n articles in a height of h lines.
func listOf(n, h int) headlines {
	c := &common{}
	l := newHeadlines(c)
	arts := make([]*store.Article, n)
	for i := range arts {
		arts[i] = &store.Article{ID: fmt.Sprint(i), Title: fmt.Sprint("Article ", i)}
	}
	l.SetArticles(arts, store.ByDate, 0)
	l.SetSize(40, h)
	return l
}

// TestHeadlinesNavigation walks the cursor through edge cases: every step
// must leave the cursor on a row and on screen.
func TestHeadlinesNavigation(t *testing.T) {
	type step struct {
		do             func(l *headlines)
		cursor, offset int
	}
	down := func(n int) func(*headlines) { return func(l *headlines) { l.move(n) } }
	page := func(l *headlines) { l.move(l.perPage()) }
	end := func(l *headlines) { l.Select(l.Len() - 1) }
	home := func(l *headlines) { l.Select(0) }
	resize := func(h int) func(*headlines) { return func(l *headlines) { l.SetSize(40, h) } }

	tests := []struct {
		name  string
		n, h  int // articles, height in lines (3 lines a row, the last needs 2)
		steps []step
	}{
		{"empty list", 0, 20, []step{
			{down(1), 0, 0}, {down(-1), 0, 0}, {page, 0, 0}, {end, 0, 0}, {home, 0, 0},
		}},
		{"one item", 1, 20, []step{
			{down(1), 0, 0}, {page, 0, 0}, {end, 0, 0}, {down(-5), 0, 0},
		}},
		{"page past the end", 10, 8, []step{ // 3 rows a page
			{page, 3, 1}, {page, 6, 4}, {page, 9, 7}, {page, 9, 7}, {down(1), 9, 7},
		}},
		{"page back past the top", 10, 8, []step{
			{end, 9, 7}, {page, 9, 7}, {down(-3), 6, 6}, {down(-100), 0, 0},
		}},
		{"resize shrinking below the cursor", 20, 29, []step{ // 10 rows a page
			{down(8), 8, 0}, {resize(8), 8, 6}, {resize(2), 8, 8}, {resize(29), 8, 8}, {home, 0, 0},
		}},
		{"resize growing fills the screen at the end", 20, 8, []step{
			{end, 19, 17}, {resize(29), 19, 10},
		}},
		{"height smaller than a row", 5, 1, []step{
			{down(1), 1, 1}, {end, 4, 4}, {down(-1), 3, 3},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := listOf(tt.n, tt.h)
			for i, s := range tt.steps {
				s.do(&l)
				if l.cursor != s.cursor || l.offset != s.offset {
					t.Fatalf("step %d: cursor %d offset %d, want %d %d", i, l.cursor, l.offset, s.cursor, s.offset)
				}
				if sel := l.Selected(); tt.n > 0 && sel == nil {
					t.Fatalf("step %d: nothing selected", i)
				}
				if tt.n > 0 && (l.cursor < l.offset || l.cursor >= l.offset+l.perPage()) {
					t.Fatalf("step %d: cursor %d is off screen (offset %d, %d rows)", i, l.cursor, l.offset, l.perPage())
				}
			}
		})
	}
}

// TestHeadlinesViewIsBounded checks the list draws exactly its height,
// whatever the library size: only the visible rows are drawn.
func TestHeadlinesViewIsBounded(t *testing.T) {
	for _, n := range []int{0, 1, 5, 100_000} {
		for _, h := range []int{1, 2, 5, 30} {
			l := listOf(n, h)
			l.c.styles = testStyles()
			l.move(n / 2)
			checkFrame(t, l.View(), 40, h)
		}
	}
}
