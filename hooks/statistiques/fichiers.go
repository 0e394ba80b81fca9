package statistiques

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"atelier/hooks/lib/tableur"

	"github.com/xuri/excelize/v2"

	"atelier/hooks/lib/stats"
)

// summaryTables lays the result out as tables, shared by both formats.
func summaryTables(s SummaryExport) []summaryTable {
	r := s.Resultat
	key := summaryTable{Feuille: "Chiffres clés", Titre: "Chiffres clés", Entete: []string{"Indicateur", "Valeur"}}
	for _, c := range r.Chiffres.Cles() {
		libelle, v := summaryFigure(c)
		key.Lignes = append(key.Lignes, summaryLine{libelle, []float64{v}})
	}
	tables := []summaryTable{key}
	for _, rep := range r.Repartitions {
		t := summaryTable{Feuille: summarySheets[rep.Cle], Titre: rep.Titre,
			Entete: []string{rep.Colonne, capitalize(rep.Unite), "Part (%)"}}
		for _, l := range rep.Lignes {
			t.Lignes = append(t.Lignes, summaryLine{l.Libelle, []float64{float64(l.Nombre), share(l.Nombre, rep.Base)}})
		}
		t.Lignes = append(t.Lignes, summaryLine{"Total des " + rep.Unite, []float64{float64(rep.Base), 100}})
		tables = append(tables, t)
	}
	rappels := summaryTable{Feuille: "Absences et rappels", Titre: "Absences selon le rappel envoyé",
		Entete: []string{"Rappel", "Inscrits à l'émargement", "Absents", "Taux d'absence (%)"}}
	for _, l := range r.Rappels {
		taux, ok := l.TauxAbsence()
		rate := math.Round(taux*1000) / 10
		if !ok {
			rate = math.NaN()
		}
		rappels.Lignes = append(rappels.Lignes, summaryLine{l.Libelle, []float64{float64(l.Inscriptions), float64(l.Absents), rate}})
	}
	tables = append(tables, rappels)
	months := summaryTable{Feuille: "Mois par mois", Titre: "Mois par mois", Entete: []string{"Mois", "Ateliers réalisés",
		"Participants aux ateliers", "Accompagnements individuels", "Accompagnements au total", "Heures de médiation (h)",
		"Bénéficiaires différents"}}
	for _, m := range r.ParMois {
		c := m.Chiffres
		months.Lignes = append(months.Lignes, summaryLine{m.Mois.Time().Format("2006-01"), []float64{float64(c.SeancesRealisees),
			float64(c.Participants), float64(c.Individuels), float64(c.Accompagnements), hours(c.MinMediation), float64(c.Beneficiaires)}})
	}
	return append(tables, months)
}

// summaryFigure is a key figure as a number with its unit in the label.
func summaryFigure(c stats.ChiffreCle) (string, float64) {
	switch c.Sorte {
	case stats.SorteMinutes:
		return c.Libelle + " (h)", hours(int(c.Valeur))
	case stats.SorteTaux:
		if !c.Connu {
			return c.Libelle + " (%)", math.NaN()
		}
		return c.Libelle + " (%)", math.Round(c.Valeur*1000) / 10
	}
	return c.Libelle, c.Valeur
}

func hours(minutes int) float64 { return math.Round(float64(minutes)/60*100) / 100 }

func share(n, base int) float64 {
	if base == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(base)*1000) / 10
}

// WriteSummaryXLSX writes the summary as a workbook: the key figures, then
// one sheet per breakdown and the month-by-month series.
func WriteSummaryXLSX(w io.Writer, s SummaryExport) error {
	return writeWorkbook(w, func(x *xlsxBook) error {
		for i, t := range summaryTables(s) {
			sheet, err := x.sheet(t.Feuille, 16)
			if err != nil {
				return err
			}
			if i == 0 {
				for _, info := range [][]any{{"Structures", s.Perimetre}, {"Période", s.Periode}, {}} {
					if err := sheet.row(info...); err != nil {
						return err
					}
				}
			} else if err := sheet.row(excelize.Cell{StyleID: x.bold, Value: t.Titre}); err != nil {
				return err
			}
			if err := sheet.header(t.Entete); err != nil {
				return err
			}
			for _, l := range t.Lignes {
				values := []any{l.Libelle}
				for _, v := range l.Valeurs {
					if math.IsNaN(v) {
						values = append(values, "")
						continue
					}
					values = append(values, v)
				}
				if err := sheet.row(values...); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// WriteSummaryCSV writes the summary as one long table « Tableau ;
// Libellé ; Valeur », easy to filter and pivot in a spreadsheet; each
// column of a table with several figures is its own « Tableau ».
func WriteSummaryCSV(w io.Writer, s SummaryExport) error {
	table := [][]string{{"Tableau", "Libellé", "Valeur"},
		{"Informations", "Structures", s.Perimetre}, {"Informations", "Période", s.Periode}}
	for _, t := range summaryTables(s) {
		for col := 1; col < len(t.Entete); col++ {
			name := t.Titre
			if len(t.Entete) > 2 {
				name += " – " + t.Entete[col]
			}
			for _, l := range t.Lignes {
				table = append(table, []string{name, l.Libelle, frenchNumber(l.Valeurs[col-1])})
			}
		}
	}
	return tableur.WriteFrench(w, table)
}

// frenchNumber writes a number with a decimal comma and no grouping, so
// that French spreadsheets read it as a number.
func frenchNumber(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
}

// writeWorkbook builds a workbook with fill, which adds sheets one after
// the other, and writes it to w.
func writeWorkbook(w io.Writer, fill func(*xlsxBook) error) error {
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsxBook{file: f}
	var err error
	if x.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return fmt.Errorf("xlsx style: %w", err)
	}
	if err := fill(x); err != nil {
		return err
	}
	if err := x.flush(); err != nil {
		return err
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// SummaryExport is what the aggregate exports hold: counts, no person.
type SummaryExport struct {
	Perimetre string // the structures counted
	Periode   string // « octobre 2026 »
	Resultat  *stats.Resultat
}

// summaryTable is one table of the summary: a title, a header and rows of
// a label and numbers.
type summaryTable struct {
	Feuille string // sheet name (31 characters at most)
	Titre   string
	Entete  []string
	Lignes  []summaryLine
}

type summaryLine struct {
	Libelle string
	Valeurs []float64
}

var summarySheets = map[string]string{
	stats.RepThematiques: "Thématiques", stats.RepBesoins: "Besoins", stats.RepLieux: "Canaux",
	stats.RepDurees: "Durées", stats.RepAges: "Tranches d'âge", stats.RepGenres: "Genres",
	stats.RepStatuts: "Statuts", stats.RepCommunes: "Communes",
	stats.RepDemarches: "Démarches", stats.RepPremiers: "Premiers accompagnements", stats.RepEtiquettes: "Étiquettes",
}

type xlsxBook struct {
	file    *excelize.File
	bold    int
	current *excelize.StreamWriter // the sheet being written
	sheets  int
}

type xlsxSheet struct {
	book   *xlsxBook
	stream *excelize.StreamWriter
	next   int // next row number
}

const XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// capitalize puts the first letter in upper case: « accompagnements » →
// « Accompagnements ».
func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// flush ends the sheet being written.
func (x *xlsxBook) flush() error {
	if x.current == nil {
		return nil
	}
	err := x.current.Flush()
	x.current = nil
	if err != nil {
		return fmt.Errorf("xlsx flush: %w", err)
	}
	return nil
}

// sheet ends the previous sheet and starts the next one (the first one
// takes the place of the new file's empty sheet).
func (x *xlsxBook) sheet(name string, width float64) (*xlsxSheet, error) {
	if err := x.flush(); err != nil {
		return nil, err
	}
	var err error
	if x.sheets == 0 {
		err = x.file.SetSheetName(x.file.GetSheetName(0), name)
	} else {
		_, err = x.file.NewSheet(name)
	}
	if err != nil {
		return nil, fmt.Errorf("xlsx sheet %s: %w", name, err)
	}
	x.sheets++
	sw, err := x.file.NewStreamWriter(name)
	if err != nil {
		return nil, fmt.Errorf("xlsx sheet %s: %w", name, err)
	}
	if width > 0 { // else the caller sizes the columns
		if err := sw.SetColWidth(1, 30, width); err != nil {
			return nil, fmt.Errorf("xlsx sheet %s: %w", name, err)
		}
	}
	x.current = sw
	return &xlsxSheet{book: x, stream: sw, next: 1}, nil
}

func (s *xlsxSheet) header(names []string) error {
	values := make([]any, len(names))
	for i, n := range names {
		values[i] = excelize.Cell{StyleID: s.book.bold, Value: n}
	}
	return s.row(values...)
}

func (s *xlsxSheet) row(values ...any) error {
	cell, err := excelize.CoordinatesToCellName(1, s.next)
	if err != nil {
		return err
	}
	s.next++
	if err := s.stream.SetRow(cell, values); err != nil {
		return fmt.Errorf("xlsx row %s: %w", cell, err)
	}
	return nil
}
