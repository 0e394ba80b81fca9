// Package tableur writes the CSV files of the application (exports for
// staff, open data), every cell guarded against spreadsheet formulas: a
// name, a place or a note typed as « =HYPERLINK(…) » or « @SUM(…) » would
// otherwise run when the file is opened in a spreadsheet (CSV injection).
// Standard library only.
package tableur

import (
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// formulaStart are the first characters that make a spreadsheet read a
// cell as a formula (tab and carriage return hide one behind a blank).
const formulaStart = "=+-@\t\r"

// plainNumber is a cell a spreadsheet reads as a number and nothing else
// (« -21.34 », « +33612345678 »): it calls no function, so it keeps its
// sign, which open-data readers rely on for coordinates and phones.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(?:[.,][0-9]+)?$`)

// Guard neutralises a cell a spreadsheet would run as a formula by
// prefixing it with an apostrophe, which spreadsheets show as text.
func Guard(cell string) string {
	if cell == "" || !strings.ContainsRune(formulaStart, rune(cell[0])) || plainNumber.MatchString(cell) {
		return cell
	}
	return "'" + cell
}

// WriteFrench writes UTF-8 with a byte order mark, « ; » separators and
// CRLF line ends, what French spreadsheets expect.
func WriteFrench(w io.Writer, table [][]string) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	return write(cw, table)
}

// Write writes standard CSV (RFC 4180 with LF line ends, « , »
// separators), what open-data schemas ask for.
func Write(w io.Writer, table [][]string) error {
	return write(csv.NewWriter(w), table)
}

func write(cw *csv.Writer, table [][]string) error {
	for _, row := range table {
		guarded := make([]string, len(row))
		for i, cell := range row {
			guarded[i] = Guard(cell)
		}
		if err := cw.Write(guarded); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}
