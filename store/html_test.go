package store

import (
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// parseFile parses a test file the way Load would, without the walk.
func parseFile(t testing.TB, rel string, data []byte) ([]Article, []string, error) {
	t.Helper()
	fm := formatFor(rel)
	if fm == nil {
		t.Fatalf("no format for %s", rel)
	}
	return fm.parse(&sourceFile{relPath: rel, data: data, modTime: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)})
}

func TestParseHTMLPages(t *testing.T) {
	// Page furniture that must never reach a body: code, consent banners,
	// navigation, share bars, related-story rails, footers.
	clutter := []string{"function(", "gtag", "googletag", "cookie", "Cookie", `{"@context"`, "@type",
		"Crosswords", "Newsletters Hub", "Property Finder", "Share on", "Accept all", "More from The Courier",
		"Ferry service to end", "All rights reserved", "Skip to main", "Rätsel", "Abo-Angebote", "Akzeptieren",
		"Mehr zum Thema", "mots fléchés", "traceurs", "Partager", "Weather Centre", "Advertisement", "newsletter"}
	tests := []struct {
		file, title, source, author, date, url string
		body                                   []string // must appear
	}{
		{"news-article.html", "Council approves new river crossing after decade of delays", "The Riverside Courier", "Hannah Okafor",
			"2024-03-14T18:05:00Z", "https://www.riversidecourier.example/news/2024/03/council-approves-river-crossing",
			[]string{"\n## What the scheme includes\n", "\n- a segregated cycle track", "\n> People on the south bank",
				"[published business case](https://www.riversidecourier.example/documents/bridge-business-case.pdf)",
				"£84m", "![](https://cdn.riversidecourier.example/images/bridge-render-1200.jpg)"}},
		{"german.html", "Stadtrat beschließt Ausbau der Straßenbahn bis Grünwald", "Süddeutsche Rundschau", "Jürgen Weiß",
			"2023-11-08T06:45:00Z", "https://www.sueddeutsche-rundschau.example/muenchen/strassenbahn-gruenwald-1.6543210",
			[]string{"## Kritik aus der Opposition", "- Baubeginn: frühestens Herbst 2025", "„Isartal bleibt grün“"}},
		{"french.htm", "Le Conseil d'État suspend l'arrêté anti-pique-nique de Biarritz", "Le Quotidien du Sud-Ouest", "Marie Dupont",
			"2022-08-03T08:12:00Z", "https://www.quotidien-sudouest.example/societe/biarritz-pique-nique-conseil-etat",
			[]string{"## Trois arguments retenus", "1. l'absence de troubles", "[l'ordonnance du Conseil d'État](https://www.quotidien-sudouest.example/documents/ordonnance.pdf)"}},
		{"windows-1252.html", "Café owners say “enough” as rents rise by £200 a month", "", "Seán O’Brien",
			"2009-02-12T00:00:00Z", "", []string{"“We’ve been here nineteen years", "Renée Clarke", "£200"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile("testdata/html/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			arts, warns, err := parseFile(t, "html/"+tt.file, data)
			if err != nil || len(arts) != 1 {
				t.Fatalf("got %d articles, err %v", len(arts), err)
			}
			if len(warns) > 0 {
				t.Errorf("warnings: %q", warns)
			}
			a := arts[0]
			if a.Title != tt.title || a.Source != tt.source || a.Author != tt.author || a.URL != tt.url {
				t.Errorf("got title %q source %q author %q url %q", a.Title, a.Source, a.Author, a.URL)
			}
			if got := a.Published.UTC().Format(time.RFC3339); got != tt.date {
				t.Errorf("date %s, want %s", got, tt.date)
			}
			for _, want := range tt.body {
				if !strings.Contains(a.Body, want) {
					t.Errorf("body lacks %q", want)
				}
			}
			for _, bad := range clutter {
				if strings.Contains(a.Body, bad) || strings.Contains(a.Summary, bad) {
					t.Errorf("page clutter %q leaked into the article", bad)
				}
			}
			if strings.HasPrefix(a.Body, "# ") || strings.Contains(a.Body, "By Hannah") {
				t.Errorf("title or byline repeated in the body:\n%s", a.Body)
			}
		})
	}
}

func TestParseHTMLNotAnArticle(t *testing.T) {
	data, err := os.ReadFile("testdata/html/not-an-article.html")
	if err != nil {
		t.Fatal(err)
	}
	arts, warns, err := parseFile(t, "html/not-an-article.html", data)
	if err != nil || len(arts) != 1 {
		t.Fatalf("got %d articles, err %v", len(arts), err)
	}
	if len(warns) != 1 || !strings.HasPrefix(warns[0], "not an article: ") {
		t.Errorf("warnings %q, want one not-an-article warning", warns)
	}
	a := arts[0]
	if a.Title != "Sign in – Courier Account" || !strings.Contains(a.Body, "Create one for free") {
		t.Errorf("title %q body %q", a.Title, a.Body)
	}
	for _, bad := range []string{"__INITIAL_STATE__", "max-width", "Help centre", "Password"} {
		if strings.Contains(a.Body, bad) {
			t.Errorf("%q leaked into the body", bad)
		}
	}
}

func TestParseHTMLHostile(t *testing.T) {
	if testing.Short() {
		// Megabytes of pathological HTML: seconds under the race detector.
		// The full run (go test ./...) covers it.
		t.Skip("heavy pathological pages; run without -short")
	}
	para := "<p>" + strings.Repeat("Plenty of ordinary words in a paragraph of the story. ", 8) + "</p>"
	tests := []struct {
		name, page string
		want       string // in the body
	}{
		{"2 MB of nested divs", strings.Repeat("<div>", 400_000) + "deep text" + strings.Repeat("</div>", 400_000), "deep text"},
		{"nests at the parser limit", strings.Repeat(strings.Repeat("<div>", 511)+para+strings.Repeat("</div>", 511), 5), "Plenty of ordinary words"},
		{"2 MB of nests just under the parser limit", strings.Repeat(strings.Repeat("<div>", 500)+para+strings.Repeat("</div>", 500), 350), "Plenty of ordinary words"},
		{"many elements", "<title>Big</title>" + strings.Repeat("<div><span>x</span>"+para+"</div>", 4_000), "Plenty"},
		{"huge attribute", `<title>Attr</title><article><h1>Attr</h1><img src="data:image/png;base64,` + strings.Repeat("A", 3<<20) + `"><a href="https://x.example/` + strings.Repeat("b", 1<<20) + `">link text</a>` + strings.Repeat(para, 5) + `</article>`, "link text"},
		{"control characters from references", `<title>a&#27;[2J&#x9b;b&#x202e;c</title><article>` + strings.Repeat(para, 4) + `<p>x&#27;]0;pwned&#7;y &#x85;z</p></article>`, "x]0;pwnedy"},
		{"javascript links", `<article>` + strings.Repeat(para, 4) + `<p><a href="javascript:alert(1)">click</a> and <a href="vbscript:x">more</a></p></article>`, "click and more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			arts, _, err := parseFile(t, "x.html", []byte(tt.page))
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			if err != nil || len(arts) != 1 {
				t.Fatalf("got %d articles, err %v", len(arts), err)
			}
			a := arts[0]
			if !strings.Contains(a.Body, tt.want) {
				t.Errorf("body lacks %q: %.300q", tt.want, a.Body)
			}
			checkClean(t, a)
			if strings.Contains(a.Body, "javascript:") || strings.Contains(a.Body, "data:") || strings.Contains(a.Body, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb") {
				t.Errorf("unsafe or huge link kept: %.300q", a.Body)
			}
		})
	}
}

// checkClean fails when an article's text holds a control character other
// than newline and tab, or a bidi override.
func checkClean(t testing.TB, a Article) {
	t.Helper()
	fields := append([]string{a.Title, a.Source, a.Author, a.URL, a.Summary, a.Body, a.Section}, a.Tags...)
	for _, s := range fields {
		if bad := controlIn(s); bad >= 0 {
			t.Errorf("control character U+%04X in %.80q", bad, s)
		}
	}
	for _, s := range []string{a.Title, a.Source, a.Author, a.URL, a.Summary} {
		if strings.ContainsAny(s, "\n\t") {
			t.Errorf("one-line field has a line break: %q", s)
		}
	}
}

func controlIn(s string) rune {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || unsafeRune(r) {
			return r
		}
	}
	if !utf8.ValidString(s) {
		return 0xFFFD
	}
	return -1
}

func TestTrimSiteName(t *testing.T) {
	tests := []struct{ title, site, want string }{
		{"Council approves bridge | The Courier", "The Courier", "Council approves bridge"},
		{"The Courier - Council approves bridge", "The Courier", "Council approves bridge"},
		{"Stadtrat beschließt – SÜDDEUTSCHE", "Süddeutsche", "Stadtrat beschließt"},
		{"Stadtrat beschließt – Süddeutsche Zeitung", "Süddeutsche", "Stadtrat beschließt – Süddeutsche Zeitung"},
		{"Stadtrat beschließt – Rundschau", "rundschau", "Stadtrat beschließt"},
		{"The Courier", "The Courier", "The Courier"},
		{"Left | Right", "", "Left | Right"},
	}
	for _, tt := range tests {
		if got := trimSiteName(tt.title, tt.site); got != tt.want {
			t.Errorf("trimSiteName(%q, %q) = %q, want %q", tt.title, tt.site, got, tt.want)
		}
	}
}

func FuzzParseHTML(f *testing.F) {
	fuzzSeeds(f, func(_ string, data []byte) { f.Add(data) }, "testdata/html/*.htm*")
	f.Add([]byte(`<title>t</title><article><p>&#27;[2J<a href="javascript:x">a</a><img src="data:x"></p></article>`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, "f.html", data) })
}
