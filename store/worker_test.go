package store

import (
	"reflect"
	"testing"
)

// TestStringsOfCoversArticle holds stringsOf to every string of an Article.
// A worker parses into a reused buffer and copies out only the strings
// stringsOf visits: a string field it missed would keep pointing into the
// buffer and change under the article when the next file is read. Two
// exceptions: keep copies Body itself, first, so that strings found inside
// it share its copy; Root comes from the caller's roots, never from a file.
func TestStringsOfCoversArticle(t *testing.T) {
	var a Article
	v := reflect.ValueOf(&a).Elem()
	want := map[*string]string{}
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		switch {
		case name == "Root" || name == "Body":
		case f.Kind() == reflect.String:
			want[f.Addr().Interface().(*string)] = name
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			f.Set(reflect.ValueOf([]string{"x", "y"}))
			for j := range f.Len() {
				want[f.Index(j).Addr().Interface().(*string)] = name
			}
		case f.Kind() == reflect.Slice || f.Kind() == reflect.Map || f.Kind() == reflect.Pointer ||
			f.Kind() == reflect.Struct && f.Type().NumField() > 0 && f.Type().String() != "time.Time":
			t.Errorf("Article.%s (%s) may hold strings: teach stringsOf and this test about it", name, f.Type())
		}
	}
	stringsOf(&a, func(s *string, _ bool) { delete(want, s) })
	for _, name := range want {
		t.Errorf("stringsOf does not visit Article.%s", name)
	}
}
