// Package pixels tells an image's size from its header alone, so that an
// image declaring more pixels than a logo ever needs is refused before
// anything decodes it: a PNG of a few hundred bytes can declare
// 25 000 × 25 000 pixels, which a decoder (a thumbnail, a PDF) would
// allocate as gigabytes. Standard library and x/image only.
package pixels

import (
	"errors"
	"fmt"
	"image"
	_ "image/gif" // the raster formats PocketBase makes thumbnails of
	_ "image/jpeg"
	_ "image/png"
	"io"

	_ "golang.org/x/image/webp"
)

// MaxPixels is the most pixels an image may declare: 16 million, e.g.
// 4 000 × 4 000, far more than a logo printed a few centimetres wide.
const MaxPixels = 16_000_000

// MaxCote is the longest side accepted, so a 16 000 000 × 1 strip is
// refused too.
const MaxCote = 8_000

// ErrTropGrande is the French message shown next to the field.
var ErrTropGrande = errors.New("L'image est trop grande : 16 millions de pixels au plus (par exemple 4 000 × 4 000), et 8 000 pixels au plus de côté. Réduisez-la puis envoyez-la de nouveau.")

// ErrIllisible is for a file that says it is an image of a known format
// but whose header cannot be read.
var ErrIllisible = errors.New("L'image n'est pas lisible : enregistrez-la de nouveau en PNG ou en JPEG.")

// Taille reads the width and height in an image's header, without
// decoding its pixels. known is false for a format that is not a raster
// image this package knows (SVG…): nothing here decodes it either.
func Taille(r io.Reader) (largeur, hauteur int, known bool, err error) {
	cfg, _, err := image.DecodeConfig(r)
	if errors.Is(err, image.ErrFormat) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, true, fmt.Errorf("read image header: %w", err)
	}
	return cfg.Width, cfg.Height, true, nil
}

// TropGrande tells whether an image of that size is refused.
func TropGrande(largeur, hauteur int) bool {
	return largeur > MaxCote || hauteur > MaxCote || int64(largeur)*int64(hauteur) > MaxPixels
}

// Verifier reads r's header and answers ErrTropGrande or ErrIllisible, or
// nil for an image of a sane size or a format that is not raster.
func Verifier(r io.Reader) error {
	largeur, hauteur, known, err := Taille(r)
	switch {
	case !known:
		return nil
	case err != nil:
		return ErrIllisible
	case TropGrande(largeur, hauteur):
		return ErrTropGrande
	}
	return nil
}
