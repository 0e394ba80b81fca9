package pdfdoc

import "math"

// column of a table: its heading, its share of the table's width and how
// its cells align.
type column struct {
	title string
	width float64
	align int
}

// table draws rows under a header that is repeated at the top of every
// page the table spans. Cells wrap; a row grows to its tallest cell and
// never splits across pages.
type table struct {
	x       float64
	columns []column
	text    style
	minRow  float64 // a sign-in row needs room for a signature
	padding float64
}

func (t table) header(d *document) error {
	h := styleStrong.lineHeight() + 2*t.padding
	x := t.x
	for _, c := range t.columns {
		d.box(x, d.y, c.width, h, 232)
		if err := d.line(style{bold: true, size: t.text.size}, x+t.padding, d.y+t.padding, c.width-2*t.padding, c.title, c.align); err != nil {
			return err
		}
		x += c.width
	}
	d.y += h
	return nil
}

// wrapRow cuts every cell of a row into lines and returns the row's height.
func (t table) wrapRow(d *document, row []string, styles []style) ([][]string, float64, error) {
	cells := make([][]string, len(t.columns))
	height := t.minRow
	for i, c := range t.columns {
		text := ""
		if i < len(row) {
			text = row[i]
		}
		lines, err := d.wrap(styles[i], text, c.width-2*t.padding)
		if err != nil {
			return nil, 0, err
		}
		cells[i] = lines
		height = math.Max(height, float64(len(lines))*styles[i].lineHeight()+2*t.padding)
	}
	return cells, height, nil
}

// draw writes the header and the rows; rowStyle gives each cell's style
// (nil: the table's text style everywhere).
func (t table) draw(d *document, rows [][]string, rowStyle func(row, col int) style) error {
	headerHeight := styleStrong.lineHeight() + 2*t.padding
	if err := d.ensure(headerHeight + t.minRow); err != nil {
		return err
	}
	if err := t.header(d); err != nil {
		return err
	}
	styles := make([]style, len(t.columns))
	for r, row := range rows {
		for c := range styles {
			styles[c] = t.text
			if rowStyle != nil {
				styles[c] = rowStyle(r, c)
			}
		}
		cells, h, err := t.wrapRow(d, row, styles)
		if err != nil {
			return err
		}
		if d.y+h > contentEnd {
			if err := d.newPage(); err != nil {
				return err
			}
			if err := t.header(d); err != nil {
				return err
			}
		}
		if err := t.row(d, cells, styles, h); err != nil {
			return err
		}
	}
	return nil
}

func (t table) row(d *document, cells [][]string, styles []style, h float64) error {
	x := t.x
	for i, c := range t.columns {
		d.box(x, d.y, c.width, h, 255)
		y := d.y + t.padding
		for _, l := range cells[i] {
			if err := d.line(styles[i], x+t.padding, y, c.width-2*t.padding, l, c.align); err != nil {
				return err
			}
			y += styles[i].lineHeight()
		}
		x += c.width
	}
	d.y += h
	return nil
}

// rowsLeft tells how many rows of height h still fit on the current page.
func (t table) rowsLeft(d *document, h float64) int {
	return int(math.Floor((contentEnd - d.y + 0.001) / h))
}
