// Package pdftest reads generated PDFs back for tests: their text
// (pdftotext), their page count (pdfinfo), their images (pdfimages) and the
// QR codes on a page (rasterised by pdftoppm, decoded by gozxing). The
// poppler tools are installed by .ci/run; on a developer's machine without
// them the test is skipped with a message, in CI (CI=true) it fails.
package pdftest

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// need skips (or fails in CI) when a poppler tool is missing.
func need(t testing.TB, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI (package poppler-utils): %v", tool, err)
		}
		t.Skipf("%s not found: install poppler-utils to read PDFs back", tool)
	}
}

// file writes the PDF to a temporary file for the tools.
func file(t testing.TB, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "document.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t testing.TB, tool string, args ...string) []byte {
	t.Helper()
	need(t, tool)
	cmd := exec.Command(tool, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, stderr.String())
	}
	// poppler reports syntax errors on stderr while still answering: a
	// generated PDF must be clean.
	if s := stderr.String(); strings.Contains(s, "Syntax Error") || strings.Contains(s, "Syntax Warning") {
		t.Fatalf("%s finds errors in the PDF:\n%s", tool, s)
	}
	return out
}

// Text is the PDF's text laid out as on the page (pdftotext -layout), with
// no-break spaces turned into plain spaces so tests compare words.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	out := run(t, "pdftotext", "-layout", "-enc", "UTF-8", file(t, pdf), "-")
	return strings.ReplaceAll(string(out), "\u00a0", " ")
}

// PageTexts is the text of each page.
func PageTexts(t testing.TB, pdf []byte) []string {
	t.Helper()
	pages := strings.Split(Text(t, pdf), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	return pages
}

var pagesLine = regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`)

// Pages is the page count pdfinfo reads.
func Pages(t testing.TB, pdf []byte) int {
	t.Helper()
	out := run(t, "pdfinfo", file(t, pdf))
	m := pagesLine.FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo gives no page count:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// Info is pdfinfo's report (title, author, creation date…).
func Info(t testing.TB, pdf []byte) string {
	t.Helper()
	return string(run(t, "pdfinfo", file(t, pdf)))
}

// Images counts the images drawn in the PDF (pdfimages -list), soft masks
// excluded.
func Images(t testing.TB, pdf []byte) int {
	t.Helper()
	out := run(t, "pdfimages", "-list", file(t, pdf))
	n := 0
	for i, l := range strings.Split(string(out), "\n") {
		fields := strings.Fields(l)
		if i < 2 || len(fields) < 3 {
			continue
		}
		if fields[2] == "image" {
			n++
		}
	}
	return n
}

// QRCode decodes the QR code printed on one page (1-based): the page
// rasterised as a phone's camera would see it, else the page's images.
func QRCode(t testing.TB, pdf []byte, page int) string {
	t.Helper()
	// The detector sometimes misreads a code's finder patterns at one
	// resolution (« dimension = 27 ») and reads it at another: a code a
	// phone reads is found at one of these.
	for _, dpi := range []string{"150", "300", "200"} {
		if text := tryQR(rasterise(t, pdf, page, dpi)); text != "" {
			return text
		}
	}
	// On a full page, text and logos sometimes pass for finder patterns
	// whatever the resolution. The images drawn on that page, taken out as
	// they are embedded, hold the code alone with its quiet zone.
	for _, img := range pageImages(t, pdf, page) {
		if text := tryQR(img); text != "" {
			return text
		}
	}
	t.Fatalf("no QR code found on page %d, neither rasterised at 150, 300 or 200 dpi nor among its images", page)
	return ""
}

// pageImages are the images embedded on one page (1-based), as drawn
// (pdfimages -png).
func pageImages(t testing.TB, pdf []byte, page int) []image.Image {
	t.Helper()
	dir := t.TempDir()
	p := strconv.Itoa(page)
	run(t, "pdfimages", "-png", "-f", p, "-l", p, file(t, pdf), filepath.Join(dir, "img"))
	names, err := filepath.Glob(filepath.Join(dir, "img-*.png"))
	if err != nil {
		t.Fatal(err)
	}
	var images []image.Image
	for _, name := range names {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("read image %s of page %d: %v", filepath.Base(name), page, err)
		}
		images = append(images, img)
	}
	return images
}

// rasterise renders one page (1-based) in grey at dpi.
func rasterise(t testing.TB, pdf []byte, page int, dpi string) image.Image {
	t.Helper()
	dir := t.TempDir()
	prefix := filepath.Join(dir, "page")
	p := strconv.Itoa(page)
	run(t, "pdftoppm", "-r", dpi, "-gray", "-png", "-singlefile", "-f", p, "-l", p, file(t, pdf), prefix)
	raw, err := os.ReadFile(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read rasterised page: %v", err)
	}
	return img
}

// QRCodes rasterises one page (1-based) at 150 dpi, cuts it into a grid of
// cols × rows cells (the cards of a sheet) and decodes the QR code of each
// cell, left to right then top to bottom; "" for a cell without one.
func QRCodes(t testing.TB, pdf []byte, page, cols, rows int) []string {
	t.Helper()
	img := rasterise(t, pdf, page, "150")
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		t.Fatalf("rasterised page of type %T cannot be cut", img)
	}
	b := img.Bounds()
	w, h := b.Dx()/cols, b.Dy()/rows
	var codes []string
	for r := range rows {
		for c := range cols {
			cell := image.Rect(b.Min.X+c*w, b.Min.Y+r*h, b.Min.X+(c+1)*w, b.Min.Y+(r+1)*h)
			codes = append(codes, tryQR(sub.SubImage(cell)))
		}
	}
	return codes
}

// tryQR decodes the QR code of img, or "" when there is none.
func tryQR(img image.Image) string {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return ""
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		return ""
	}
	return res.GetText()
}
