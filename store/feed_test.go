package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseFeeds(t *testing.T) {
	type item struct{ title, author, date, url, body string }
	tests := []struct {
		file, source string
		items        []item
	}{
		{"rss2.rss", "Harbour Town Gazette & Advertiser", []item{
			{"Lifeboat crew rescue three from stricken yacht", "Tom Pascoe", "2024-03-04T21:15:00Z", "https://gazette.example/news/lifeboat-rescue", "\n## Rough seas\n"},
			{"Fish & chip shop wins “best in county” award", "", "2024-03-03T12:00:00Z", "https://gazette.example/news/chip-shop-award", "thanked *his customers*"},
			{"Road closures: Harbour Road will be shut between the roundabout and the…", "", "2024-03-05T09:00:00Z", "", "resurfacing"},
		}},
		{"rdf.rdf", "Wissenschaft aktuell", []item{
			{"Forscher entdecken neue Käferart im Schwarzwald", "Lena Groß", "2023-06-01T06:00:00Z", "https://wissen.example/a/1", "große Art"},
			{"Größtes Radioteleskop Europas geht in Betrieb", "", "2020-01-02T03:04:05Z", "https://wissen.example/a/2", "empfängt"},
		}},
		{"atom.atom", "Dev Notes", []item{
			{"Why we moved our build to Go", "Ana Souza, Raj Patel", "2024-02-19T14:30:00Z", "https://dev.example/blog/posts/go-build", "[the build docs](https://dev.example/docs/build)"},
			{"Postmortem: the 9 February outage", "The Platform Team", "2024-02-12T08:00:00Z", "https://dev.example/blog/posts/outage-0209", "\n> We regret"},
			{"Release 2.3 & what's next", "The Platform Team", "2024-01-30T12:00:00Z", "", `It adds \<b> tags`},
		}},
		{"jsonfeed.json", "The Morning Ledger", []item{
			{"Central bank holds rates for a fifth month", "Priya Nair", "2024-04-11T12:00:00Z", "https://ledger.example/2024/04/rates", "*4.5%*"},
			{"Markets closed higher on Thursday as energy shares rallied for a third…", "Ledger Staff", "2024-04-11T16:40:00Z", "", "The index rose 1.2%."},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile("testdata/feed/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			arts, warns, err := parseFile(t, "feed/"+tt.file, data)
			if err != nil {
				t.Fatal(err)
			}
			if len(warns) > 0 {
				t.Errorf("warnings: %q", warns)
			}
			if len(arts) != len(tt.items) {
				t.Fatalf("got %d articles, want %d", len(arts), len(tt.items))
			}
			keys := map[string]bool{}
			for i, want := range tt.items {
				a := arts[i]
				checkClean(t, a)
				if a.Source != tt.source || a.Title != want.title || a.Author != want.author || a.URL != want.url {
					t.Errorf("item %d: source %q title %q author %q url %q", i+1, a.Source, a.Title, a.Author, a.URL)
				}
				if got := a.Published.UTC().Format(time.RFC3339); got != want.date {
					t.Errorf("item %d: date %s, want %s", i+1, got, want.date)
				}
				if !strings.Contains(a.Body, want.body) {
					t.Errorf("item %d: body lacks %q:\n%s", i+1, want.body, a.Body)
				}
				if strings.Contains(a.Body, "alert(") || strings.Contains(a.Body, "<script") {
					t.Errorf("item %d: script in body", i+1)
				}
				if a.Format != "feed" || a.ID == "" || keys[a.ID] {
					t.Errorf("item %d: format %q, key %q repeated or empty", i+1, a.Format, a.ID)
				}
				keys[a.ID] = true
			}
		})
	}
}

func TestParseFeedItemKeys(t *testing.T) {
	data, err := os.ReadFile("testdata/feed/no-titles-dates-guids.xml")
	if err != nil {
		t.Fatal(err)
	}
	arts, _, err := parseFile(t, "feed/no-titles-dates-guids.xml", data)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"link:https://scratch.example/1",
		"item:#2", "item:Third item#3", "item:Third item#4"}
	for i, a := range arts {
		if a.ID != want[i] {
			t.Errorf("item %d key %q, want %q", i+1, a.ID, want[i])
		}
	}
	if arts[0].Source != "Scratch <Feed>" || !strings.HasPrefix(arts[0].Title, "First item with no title") {
		t.Errorf("source %q title %q", arts[0].Source, arts[0].Title)
	}
}

func TestParseFeedSkips(t *testing.T) {
	tests := []struct{ name, file, data, reason string }{
		{"broken", "x.rss", "<?xml version=\"1.0\"?><rss><channel><title>T</title><item><title>cut", "feed does not parse"},
		{"sitemap", "sitemap.xml", `<?xml version="1.0"?><urlset><url/></urlset>`, "not a feed (the root element is <urlset>"},
		{"not xml", "x.xml", "just some text", "not a feed"},
		{"html in .rss", "x.rss", "<!DOCTYPE html><html><body>hi</body></html>", "not a feed"},
		{"no items", "x.atom", `<feed xmlns="http://www.w3.org/2005/Atom"><title>Empty</title></feed>`, "the feed has no items"},
		{"broken json feed", "x.json", `{"version": "https://jsonfeed.org/version/1.1", "items": [`, "JSON does not parse"},
		{"json feed without items", "x.json", `{"version": "https://jsonfeed.org/version/1", "title": "t", "items": []}`, "the feed has no items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arts, _, err := parseFile(t, tt.file, []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("got %d articles, err %v; want a skip for %q", len(arts), err, tt.reason)
			}
		})
	}
}

func TestParseFeedHostile(t *testing.T) {
	tests := []struct{ name, file, data string }{
		{"control characters", "c.rss", "<rss><channel><title>T&#x1b;[2J\x07</title><item><title>a&#x9b;b\u202e</title><description>&lt;p&gt;x&amp;#27;]0;y&lt;/p&gt;\x01</description><category>c&#x7f;</category></item></channel></rss>"},
		{"deep xhtml", "d.atom", `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>E</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">` + strings.Repeat("<div>", 3000) + "deep" + strings.Repeat("</div>", 3000) + `</div></content></entry></feed>`},
		{"deep html in cdata", "e.rss", "<rss><channel><title>T</title><item><title>I</title><description><![CDATA[" + strings.Repeat("<div>", 100_000) + "deep]]></description></item></channel></rss>"},
		{"latin-1 without a declaration", "l.xml", "<rss><channel><title>Caf\xe9</title><item><title>\xa3300</title></item></channel></rss>"},
		{"undefined entities", "u.rss", "<rss><channel><title>&nbsp;&eacute;&bogus;</title><item><title>x</title></item></channel></rss>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			arts, _, err := parseFile(t, tt.file, []byte(tt.data))
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			if err != nil {
				t.Logf("skipped: %v", err)
			}
			for _, a := range arts {
				checkClean(t, a)
			}
		})
	}
}

// TestLoadFeedsAcceptance is the acceptance check: a folder with an
// RSS file of three items, an Atom file of two, a JSON Feed of two and a
// JSON Lines file of three loads ten articles with the right titles, sources
// and dates, and IDs that are distinct and the same on every load.
func TestLoadFeedsAcceptance(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"news.rss": `<?xml version="1.0"?><rss version="2.0"><channel><title>RSS Source</title><link>https://rss.example/</link>
<item><title>RSS one</title><guid>r1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate><description>First.</description></item>
<item><title>RSS two</title><link>https://rss.example/2</link><pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate><description>Second.</description></item>
<item><title>RSS three</title><pubDate>Wed, 03 Jan 2024 10:00:00 GMT</pubDate><description>Third.</description></item>
</channel></rss>`,
		"blog.atom": `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Source</title><id>urn:a</id><updated>2024-02-03T00:00:00Z</updated>
<entry><title>Atom one</title><id>urn:a:1</id><updated>2024-02-01T09:00:00Z</updated><content type="html">&lt;p&gt;One.&lt;/p&gt;</content></entry>
<entry><title>Atom two</title><id>urn:a:2</id><published>2024-02-02T09:00:00Z</published><updated>2024-02-05T09:00:00Z</updated><summary>Two.</summary></entry>
</feed>`,
		"feed.json": `{"version": "https://jsonfeed.org/version/1.1", "title": "JSON Feed Source", "items": [
{"id": "j1", "title": "JSON one", "content_text": "One.", "date_published": "2024-03-01T08:00:00Z"},
{"id": "j2", "title": "JSON two", "content_html": "<p>Two.</p>", "date_published": "2024-03-02T08:00:00Z"}]}`,
		"items.jsonl": `{"title": "Line one", "body": "One.", "date": "2024-04-01", "source": "Lines Source"}
{"title": "Line two", "body": "Two.", "date": "2024-04-02", "source": "Lines Source", "url": "https://lines.example/2"}
{"id": 3, "title": "Line three", "body": "Three.", "date": "2024-04-03T12:00:00Z", "source": "Lines Source"}
`,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]struct{ source, date string }{
		"RSS one": {"RSS Source", "2024-01-01T10:00:00Z"}, "RSS two": {"RSS Source", "2024-01-02T10:00:00Z"},
		"RSS three": {"RSS Source", "2024-01-03T10:00:00Z"},
		"Atom one":  {"Atom Source", "2024-02-01T09:00:00Z"}, "Atom two": {"Atom Source", "2024-02-02T09:00:00Z"},
		"JSON one": {"JSON Feed Source", "2024-03-01T08:00:00Z"}, "JSON two": {"JSON Feed Source", "2024-03-02T08:00:00Z"},
		"Line one": {"Lines Source", "2024-04-01T00:00:00Z"}, "Line two": {"Lines Source", "2024-04-02T00:00:00Z"},
		"Line three": {"Lines Source", "2024-04-03T12:00:00Z"},
	}
	load := func() map[string]string { // title -> id
		st, rep, err := Load(context.Background(), []Root{DirRoot(dir)}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Skipped) > 0 || len(rep.Warnings) > 0 {
			t.Errorf("skipped %v, warnings %v", rep.Skipped, rep.Warnings)
		}
		if rep.Articles != 10 {
			t.Fatalf("loaded %d articles, want 10", rep.Articles)
		}
		ids := map[string]string{}
		seen := map[string]bool{}
		for _, a := range st.Articles(ByDate) {
			w, ok := want[a.Title]
			if !ok {
				t.Errorf("unexpected article %q", a.Title)
				continue
			}
			if a.Source != w.source || a.Published.UTC().Format(time.RFC3339) != w.date {
				t.Errorf("%q: source %q date %s, want %q %s", a.Title, a.Source, a.Published.UTC().Format(time.RFC3339), w.source, w.date)
			}
			if seen[a.ID] {
				t.Errorf("ID %s repeated", a.ID)
			}
			seen[a.ID] = true
			ids[a.Title] = a.ID
		}
		return ids
	}
	first, second := load(), load()
	for title, id := range first {
		if second[title] != id {
			t.Errorf("%q: ID %s then %s", title, id, second[title])
		}
	}
}

func FuzzParseFeed(f *testing.F) {
	fuzzSeeds(f, func(_ string, data []byte) { f.Add(data) }, "testdata/feed/*.rss", "testdata/feed/*.atom", "testdata/feed/*.rdf", "testdata/feed/*.xml")
	f.Add([]byte(`<feed><entry><title type="xhtml"><div><b>x</b></div></title><content type="text">&lt;b&gt;</content></entry></feed>`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, "f.xml", data) })
}
