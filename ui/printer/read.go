package printer

import (
	"fmt"
	"io"
	"strings"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/ui/render"
	"github.com/tidings-app/tidings/ui/termsafe"
)

// Header is the block of facts above an article: title, then one line each
// for the byline, where it was found and the link, plain text.
func Header(a *store.Article) []string {
	lines := []string{a.Title}
	var meta []string
	if a.Source != "" {
		meta = append(meta, a.Source)
	}
	if a.Section != "" {
		meta = append(meta, a.Section)
	}
	if a.Author != "" {
		meta = append(meta, "by "+a.Author)
	}
	if !a.Published.IsZero() {
		meta = append(meta, a.Published.Format("Mon 2 Jan 2006 15:04"))
	}
	meta = append(meta, fmt.Sprintf("%d min read", a.ReadingMinutes()))
	lines = append(lines, strings.Join(meta, " · "))
	if a.URL != "" {
		lines = append(lines, a.URL)
	}
	if len(a.Tags) > 0 {
		lines = append(lines, "tags: "+strings.Join(a.Tags, ", "))
	}
	for i := range lines {
		lines[i] = termsafe.Line(lines[i])
	}
	return lines
}

// ReadPlain writes an article as clean text: the header, the body wrapped at
// width, related headlines. No escape sequence of any kind is written.
func ReadPlain(w io.Writer, a *store.Article, width int) error {
	var b strings.Builder
	for _, l := range Header(a) {
		b.WriteString(render.Wrap(l, width))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(render.Wrap(termsafe.Plain(a.Body), width))
	b.WriteByte('\n')
	b.WriteString(related(a))
	_, err := io.WriteString(w, b.String())
	return err
}

// ReadStyled writes an article rendered by Glamour for a terminal. The
// renderer's output is already filtered by the render package; the header
// is plain text in the terminal's default colours.
func ReadStyled(w io.Writer, a *store.Article, r *render.Renderer) error {
	var b strings.Builder
	for _, l := range Header(a) {
		b.WriteString("  ")
		b.WriteString(l)
		b.WriteByte('\n')
	}
	res := r.Render(a.Body)
	b.WriteString(res.Text)
	if res.Fallback {
		b.WriteString("\n  (shown as plain text: " + termsafe.Line(res.Reason) + ")\n")
	}
	if rel := related(a); rel != "" {
		b.WriteString("\n  " + strings.ReplaceAll(strings.TrimRight(rel, "\n"), "\n", "\n  ") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func related(a *store.Article) string {
	if len(a.Related) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\nRelated:\n")
	for _, r := range a.Related {
		b.WriteString("  - " + termsafe.Line(r) + "\n")
	}
	return b.String()
}
