package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// tableStart is a table's opening tag and what follows it up to its first
// row or body.
var tableStart = regexp.MustCompile(`(?s)<table[^>]*>.*?(?:<thead|<tbody|<tr)`)

// RGAA 5.4: a screen reader announces a table's title when entering it, so
// every data table of every template has a <caption> or is named by
// aria-labelledby on the table itself (a labelled scrolling box around it
// is not enough).
func TestEveryTableIsNamed(t *testing.T) {
	tables := 0
	err := fs.WalkDir(viewsFS, "views", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		raw, err := fs.ReadFile(viewsFS, path)
		if err != nil {
			return err
		}
		for _, table := range tableStart.FindAllString(string(raw), -1) {
			tables++
			open := table[:strings.Index(table, ">")+1]
			if !strings.Contains(table, "<caption") && !strings.Contains(open, "aria-labelledby=") {
				t.Errorf("%s: a table has no caption and no aria-labelledby: %s", path, open)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if tables < 20 {
		t.Fatalf("only %d tables found in the templates: the pattern no longer finds them", tables)
	}
}
