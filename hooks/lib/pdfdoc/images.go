package pdfdoc

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // logos may come in any of these formats
	_ "image/jpeg"
	"image/png"
	"sync"

	"github.com/boombuler/barcode/qr"
	"github.com/signintech/gopdf"
	_ "golang.org/x/image/webp"
)

// qrModule is the size of one QR module in the image; the PDF scales the
// image up without smoothing, so a few pixels per module are enough.
const (
	qrModule    = 4
	qrQuietZone = 4 // modules of white around the code, as the standard asks
)

// qrPNG draws content as a QR code (medium error correction, which still
// reads on a creased or stamped sheet) in a small grayscale PNG.
func qrPNG(content string) ([]byte, error) {
	code, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("encode QR code: %w", err)
	}
	n := code.Bounds().Dx()
	size := (n + 2*qrQuietZone) * qrModule
	// Two colours: the PNG is written with one bit per pixel, tiny and
	// quick to compress. Index 1 is white, 0 black.
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.Black, color.White})
	for i := range img.Pix {
		img.Pix[i] = 1
	}
	origin := code.Bounds().Min
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if r, _, _, _ := code.At(origin.X+x, origin.Y+y).RGBA(); r >= 0x8000 {
				continue
			}
			for dy := 0; dy < qrModule; dy++ {
				row := ((y+qrQuietZone)*qrModule+dy)*img.Stride + (x+qrQuietZone)*qrModule
				clear(img.Pix[row : row+qrModule])
			}
		}
	}
	var buf bytes.Buffer
	if err := qrEncoder.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode QR image: %w", err)
	}
	return buf.Bytes(), nil
}

// qrEncoder reuses its compressor between QR codes: a new one allocates
// about a megabyte, most of the cost of a sheet of appointment cards.
var qrEncoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngBuffers{}}

type pngBuffers struct{ pool sync.Pool }

func (p *pngBuffers) Get() *png.EncoderBuffer {
	b, _ := p.pool.Get().(*png.EncoderBuffer)
	return b
}

func (p *pngBuffers) Put(b *png.EncoderBuffer) { p.pool.Put(b) }

// image draws a PNG or JPEG at (x, y) in a w × h box.
func (d *document) image(data []byte, x, y, w, h float64) error {
	holder, err := gopdf.ImageHolderByBytes(data)
	if err != nil {
		return fmt.Errorf("image holder: %w", err)
	}
	if err := d.pdf.ImageByHolder(holder, x, y, &gopdf.Rect{W: w, H: h}); err != nil {
		return fmt.Errorf("draw image: %w", err)
	}
	return nil
}

// logo draws a structure's logo fitted in a maxW × maxH box at (x, y) and
// returns the width it took. A logo the PDF library cannot embed as it is
// (interlaced or 16-bit PNG, GIF, WebP) is converted; one that cannot be
// read at all (SVG…) is left out: a missing logo never stops a document.
func (d *document) logo(data []byte, x, y, maxW, maxH float64) float64 {
	if len(data) == 0 {
		return 0
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		return 0
	}
	scale := min(maxW/float64(cfg.Width), maxH/float64(cfg.Height))
	w, h := float64(cfg.Width)*scale, float64(cfg.Height)*scale
	if format == "jpeg" || format == "png" {
		if d.image(data, x, y, w, h) == nil {
			return w
		}
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return 0
	}
	rgba := image.NewNRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, rgba); err != nil {
		return 0
	}
	if d.image(buf.Bytes(), x, y, w, h) != nil {
		return 0
	}
	return w
}
