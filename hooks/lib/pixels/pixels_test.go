package pixels

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"runtime"
	"strings"
	"testing"

	"atelier/hooks/lib/pixels/pixelstest"
)

func TestVerifier(t *testing.T) {
	small := encodePNG(t, 40, 30)
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"a small logo", small, nil},
		{"a PNG declaring 25 000 × 25 000", pixelstest.Bombe(25_000, 25_000), ErrTropGrande},
		{"a PNG declaring 16 000 001 pixels", pixelstest.Bombe(4001, 4000), ErrTropGrande},
		{"a strip of 9 000 × 1", pixelstest.Bombe(9000, 1), ErrTropGrande},
		{"exactly 4 000 × 4 000", pixelstest.Bombe(4000, 4000), nil},
		{"an SVG", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="99999" height="99999"/>`), nil},
		{"a truncated PNG header", small[:20], ErrIllisible},
	}
	for _, c := range cases {
		if err := Verifier(bytes.NewReader(c.data)); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if !strings.HasSuffix(ErrTropGrande.Error(), ".") {
		t.Error("the message is not a sentence")
	}
}

// Reading the header of a bomb allocates nothing near its pixels.
func TestVerifierDoesNotDecode(t *testing.T) {
	bomb := pixelstest.Bombe(25_000, 25_000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range 10 {
		if err := Verifier(bytes.NewReader(bomb)); !errors.Is(err, ErrTropGrande) {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("reading 10 headers allocated %d bytes", grew)
	}
}

func encodePNG(t *testing.T, w, h int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
