// Package pdfdoc draws Atelier's printed documents: attendance attestations
// and sign-in sheets (feuilles d'émargement). It knows nothing of
// PocketBase: callers hand it plain data (names, titles, times and the
// structure's time zone) and get PDF bytes back.
//
// The same data always gives the same bytes (no clock, no random, fixed
// metadata), so a stored document can be drawn again identically. Fonts are
// the Go fonts, embedded and parsed once: they cover French accents, « »,
// the typographic apostrophe and €.
package pdfdoc

import (
	"compress/zlib"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// A4 portrait, in points, and the margins every document uses.
const (
	pageWidth    = 595.28
	pageHeight   = 841.89
	marginX      = 48.0
	marginTop    = 44.0
	contentWidth = pageWidth - 2*marginX
	contentEnd   = pageHeight - 64.0 // content stops here; the footer lives below
	footerTop    = pageHeight - 42.0
	leading      = 1.32 // line height as a multiple of the font size
)

const (
	fontRegular = "regular"
	fontBold    = "bold"
)

var (
	fontsOnce sync.Once
	fontSet   *gopdf.FontContainer
	fontsErr  error
)

// fonts parses the embedded TrueType fonts once for the whole process:
// parsing costs more than drawing a whole attestation.
func fonts() (*gopdf.FontContainer, error) {
	fontsOnce.Do(func() {
		fc := &gopdf.FontContainer{}
		if err := fc.AddTTFFontData(fontRegular, goregular.TTF); err != nil {
			fontsErr = fmt.Errorf("load Go Regular font: %w", err)
			return
		}
		if err := fc.AddTTFFontData(fontBold, gobold.TTF); err != nil {
			fontsErr = fmt.Errorf("load Go Bold font: %w", err)
			return
		}
		fontSet = fc
	})
	return fontSet, fontsErr
}

// spaces maps the thin and narrow spaces French typography uses (and that
// the Go fonts lack) to the no-break space they have.
var spaces = strings.NewReplacer("\u202f", "\u00a0", "\u2009", "\u00a0", "\u2007", "\u00a0", "\u200a", "\u00a0", "\t", " ")

// clean makes a text safe to draw on one line: known spaces mapped, control
// characters dropped.
func clean(s string) string {
	s = spaces.Replace(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// style is a font and a size.
type style struct {
	bold bool
	size float64
}

func (s style) family() string {
	if s.bold {
		return fontBold
	}
	return fontRegular
}

func (s style) lineHeight() float64 { return s.size * leading }

var (
	styleText   = style{size: 10.5}
	styleSmall  = style{size: 8.5}
	styleStrong = style{bold: true, size: 10.5}
)

// pageInfo is what the footer of one page says: the part of the document it
// belongs to (one person's attestation) and the text on its left.
type pageInfo struct {
	part int
	left string
}

// document is an A4 PDF being drawn from top to bottom, with automatic
// page breaks and a footer « Page i sur n » written once every page exists.
type document struct {
	pdf     *gopdf.GoPdf
	current style
	y       float64
	pages   []pageInfo
	part    int
	left    string       // footer text of the pages of the current part
	header  func() error // draws what every new page of the current part repeats
}

func newDocument(info gopdf.PdfInfo) (*document, error) {
	fc, err := fonts()
	if err != nil {
		return nil, err
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	// Page contents are short: the fastest compression costs a few bytes
	// and less time.
	pdf.SetCompressLevel(zlib.BestSpeed)
	pdf.SetInfo(info)
	for _, family := range []string{fontRegular, fontBold} {
		if err := pdf.AddTTFFontFromFontContainer(family, fc); err != nil {
			return nil, fmt.Errorf("add font %s: %w", family, err)
		}
	}
	// Text then always carries its own colour: PDF text is painted with
	// the fill colour, which the gray table headers would leave behind.
	pdf.SetTextColor(0, 0, 0)
	return &document{pdf: pdf}, nil
}

// use selects a style for the next measures and drawings.
func (d *document) use(s style) error {
	if s == d.current {
		return nil
	}
	if err := d.pdf.SetFont(s.family(), "", s.size); err != nil {
		return fmt.Errorf("set font: %w", err)
	}
	d.current = s
	return nil
}

func (d *document) width(s style, text string) (float64, error) {
	if err := d.use(s); err != nil {
		return 0, err
	}
	w, err := d.pdf.MeasureTextWidth(text)
	if err != nil {
		return 0, fmt.Errorf("measure %q: %w", text, err)
	}
	return w, nil
}

// newPage starts a page of the current part and draws its repeated header.
func (d *document) newPage() error {
	d.pdf.AddPage()
	d.pages = append(d.pages, pageInfo{part: d.part, left: d.left})
	d.y = marginTop
	if d.header != nil {
		return d.header()
	}
	return nil
}

// startPart begins a new part (one attestation of a bulk document) on a
// new page: its pages are numbered on their own, and the following pages
// of the part start with header (the first one has its own).
func (d *document) startPart(footer string, header func() error) error {
	d.part++
	d.left, d.header = footer, nil
	if err := d.newPage(); err != nil {
		return err
	}
	d.header = header
	return nil
}

// ensure breaks the page when h points do not fit below the cursor. A
// block taller than a page is drawn anyway rather than looping.
func (d *document) ensure(h float64) error {
	if d.y+h <= contentEnd || d.y <= marginTop+1 {
		return nil
	}
	return d.newPage()
}

// Alignments of a line in its box.
const (
	alignLeft   = gopdf.Left
	alignCenter = gopdf.Center
	alignRight  = gopdf.Right
)

// line draws one line of text whose top is at y, in a box of width w.
func (d *document) line(s style, x, y, w float64, text string, align int) error {
	if err := d.use(s); err != nil {
		return err
	}
	d.pdf.SetXY(x, y)
	rect := &gopdf.Rect{W: w, H: s.lineHeight()}
	if err := d.pdf.CellWithOption(rect, clean(text), gopdf.CellOption{Align: align | gopdf.Top}); err != nil {
		return fmt.Errorf("draw %q: %w", text, err)
	}
	return nil
}

// wrap cuts text into lines no wider than width, at spaces (a no-break
// space keeps « 14 h 30 » together); a word wider than a line is cut
// between letters. Line breaks in text are kept.
func (d *document) wrap(s style, text string, width float64) ([]string, error) {
	space, err := d.width(s, " ")
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, paragraph := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		paragraph = clean(paragraph)
		var current string
		var used float64
		// Only plain spaces break: no-break spaces belong to their words.
		for _, word := range strings.FieldsFunc(paragraph, func(r rune) bool { return r == ' ' }) {
			w, err := d.width(s, word)
			if err != nil {
				return nil, err
			}
			switch {
			case current == "":
			case used+space+w <= width:
				current, used = current+" "+word, used+space+w
				continue
			default:
				lines = append(lines, current)
			}
			if w > width {
				pieces, err := d.cutWord(s, word, width)
				if err != nil {
					return nil, err
				}
				lines = append(lines, pieces[:len(pieces)-1]...)
				word = pieces[len(pieces)-1]
				if w, err = d.width(s, word); err != nil {
					return nil, err
				}
			}
			current, used = word, w
		}
		lines = append(lines, current)
	}
	return lines, nil
}

// cutWord splits a word too wide for a line into pieces that fit.
func (d *document) cutWord(s style, word string, width float64) ([]string, error) {
	var pieces []string
	var piece []rune
	for _, r := range word {
		w, err := d.width(s, string(append(piece, r)))
		if err != nil {
			return nil, err
		}
		if w > width && len(piece) > 0 {
			pieces = append(pieces, string(piece))
			piece = piece[:0]
		}
		piece = append(piece, r)
	}
	return append(pieces, string(piece)), nil
}

// paragraph draws wrapped text at the cursor across the content width (or
// from x over w) and moves the cursor below it, breaking pages as needed.
func (d *document) paragraph(s style, x, w float64, text string, align int) error {
	lines, err := d.wrap(s, text, w)
	if err != nil {
		return err
	}
	for _, l := range lines {
		if err := d.ensure(s.lineHeight()); err != nil {
			return err
		}
		if err := d.line(s, x, d.y, w, l, align); err != nil {
			return err
		}
		d.y += s.lineHeight()
	}
	return nil
}

// rule draws a horizontal line across the content width at the cursor.
func (d *document) rule(gray uint8) {
	d.pdf.SetStrokeColor(gray, gray, gray)
	d.pdf.SetLineWidth(0.6)
	d.pdf.Line(marginX, d.y, pageWidth-marginX, d.y)
	d.pdf.SetStrokeColor(0, 0, 0)
}

// box draws a rectangle; fill is a gray level, or 255 for none.
func (d *document) box(x, y, w, h float64, fill uint8) {
	d.pdf.SetLineWidth(0.6)
	d.pdf.SetStrokeColor(90, 90, 90)
	if fill < 255 {
		d.pdf.SetFillColor(fill, fill, fill)
		d.pdf.RectFromUpperLeftWithStyle(x, y, w, h, "FD")
	} else {
		d.pdf.RectFromUpperLeftWithStyle(x, y, w, h, "D")
	}
	d.pdf.SetStrokeColor(0, 0, 0)
}

// finish writes the footers (« Page i sur n », numbered within each part)
// and returns the document's bytes.
func (d *document) finish() ([]byte, error) {
	if len(d.pages) == 0 {
		return nil, errors.New("empty document")
	}
	total := map[int]int{}
	for _, p := range d.pages {
		total[p.part]++
	}
	seen := map[int]int{}
	for i, p := range d.pages {
		seen[p.part]++
		if err := d.pdf.SetPage(i + 1); err != nil {
			return nil, fmt.Errorf("footer of page %d: %w", i+1, err)
		}
		d.current = style{} // a page's content stream needs its font set again
		d.pdf.SetTextColor(70, 70, 70)
		if err := d.line(styleSmall, marginX, footerTop, contentWidth*0.75, p.left, alignLeft); err != nil {
			return nil, err
		}
		number := fmt.Sprintf("Page %d sur %d", seen[p.part], total[p.part])
		if err := d.line(styleSmall, marginX, footerTop, contentWidth, number, alignRight); err != nil {
			return nil, err
		}
		d.pdf.SetTextColor(0, 0, 0)
	}
	out, err := d.pdf.GetBytesPdfReturnErr()
	if err != nil {
		return nil, fmt.Errorf("write PDF: %w", err)
	}
	return out, nil
}

// capitalize puts the first letter of s in upper case.
func capitalize(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}
