package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
)

// Each copy of a page with holes decompresses, with a standard reader, to
// the page with its own value in every hole, whatever the value and
// wherever the holes are.
func TestPageTroueeGivesEachCopyItsValue(t *testing.T) {
	const hole = "TROU"
	pages := []string{
		"<p>avant</p>TROU<p>après</p>",
		"TROU au début, et à la fin TROU",
		"deux TROUTROU collés, " + strings.Repeat("une longue page répétée ", 5000) + "TROU",
		"sans trou du tout",
		"",
	}
	for _, page := range pages {
		p, err := newPageTrouee([]byte(page), hole)
		if err != nil {
			t.Fatal(err)
		}
		for _, value := range []string{"jeton-1", "", strings.Repeat("x", 300)} {
			want := strings.ReplaceAll(page, hole, value)
			if got := string(p.plain(value)); got != want {
				t.Errorf("plain copy = %.80q, want %.80q", got, want)
			}
			compressed, err := p.gzipped(value)
			if err != nil {
				t.Fatal(err)
			}
			zr, err := gzip.NewReader(bytes.NewReader(compressed))
			if err != nil {
				t.Fatal(err)
			}
			zr.Multistream(false) // one member: what every browser reads
			got, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("page %.40q, value %.20q: %v", page, value, err)
			}
			if string(got) != want {
				t.Errorf("compressed copy = %.80q, want %.80q", got, want)
			}
		}
	}
	p, _ := newPageTrouee([]byte("a TROU b"), hole)
	if _, err := p.gzipped(strings.Repeat("x", 70000)); err == nil {
		t.Error("a value longer than a stored block was accepted")
	}
}
