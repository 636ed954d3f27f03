package ui

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/synth"
	"github.com/tidings-app/tidings/ui/render"
)

// bigLibrary is the 100k-article synthetic corpus, built once per run.
var bigLibrary = sync.OnceValues(func() (*store.Store, []store.Article) {
	gen := synth.Generate(100_000, 1)
	arts := make([]store.Article, len(gen))
	for i, g := range gen {
		arts[i] = store.Article{
			ID: fmt.Sprintf("%012x", i), Title: g.Title, Source: g.Source, Section: g.Section,
			Author: g.Author, Published: g.Published, Tags: g.Tags, Body: g.Body,
			Words: len(strings.Fields(g.Body)), Path: fmt.Sprintf("synth/%06d.md", i), Format: "markdown",
		}
	}
	return store.New(arts), arts
})

// benchRenderer is a true-colour terminal with a dark background, so the
// benchmarks pay for colour sequences and Glamour's dark style as users do.
func benchRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true)
	return r
}

// BenchmarkSearchKeystroke is one keystroke in the search box at 100k
// articles: the key, the search command, its result, and the next frame.
// Keystrokes alternate between typing the last letter of "government" and
// deleting it, so every one is a new query.
func BenchmarkSearchKeystroke(b *testing.B) {
	st, _ := bigLibrary()
	m := newTestModel(b, 120, 40, Options{Store: st, Renderer: benchRenderer()})
	m = press(b, m, "/", "governmen")
	typeT := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'t'}}
	del := tea.KeyMsg{Type: tea.KeyBackspace}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		k := typeT
		if i%2 == 1 {
			k = del
		}
		next, cmd := m.Update(k)
		m = next.(Model)
		m = send(b, m, cmd)
		_ = m.View()
	}
	b.StopTimer()
	if m.list.total == 0 {
		b.Fatal("the search found nothing")
	}
}

// BenchmarkOpenArticle opens an article in the reader with an empty cache:
// the render through Glamour, the layout, and the first frame.
func BenchmarkOpenArticle(b *testing.B) {
	_, arts := bigLibrary()
	small := arts[0]
	for _, a := range arts {
		if len(a.Body) >= 3800 && len(a.Body) <= 4400 {
			small = a
			break
		}
	}
	big := small
	var body strings.Builder
	for i := 0; body.Len() < 64<<10; i++ {
		body.WriteString(arts[i].Body)
		body.WriteString("\n\n")
	}
	big.ID, big.Body = "b16b16b16b16", body.String()
	for _, a := range []store.Article{small, big} {
		b.Run(fmt.Sprintf("%dKB", (len(a.Body)+512)/1024), func(b *testing.B) {
			m := newTestModel(b, 120, 40, Options{Store: store.New([]store.Article{a}), Renderer: benchRenderer()})
			art := m.list.Selected()
			b.ReportAllocs()
			b.SetBytes(int64(len(a.Body)))
			b.ResetTimer()
			for range b.N {
				m.c.cache = render.NewCache(defaultCacheBytes)
				m = send(b, m, nil, openArticleMsg{art: art})
				_ = m.View()
				if m.reader.content == nil {
					b.Fatal("not rendered")
				}
			}
		})
	}
}
