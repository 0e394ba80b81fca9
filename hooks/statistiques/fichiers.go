package statistiques

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"atelier/hooks/lib/tableur"

	"github.com/xuri/excelize/v2"

	"atelier/hooks/lib/referentiel"
	"atelier/hooks/lib/stats"
)

// ActivityRows lists the held sessions and the one-to-one help of the
// filter, by date. Sessions not held (planned, cancelled) are not
// activities. Session rows leave the beneficiary columns empty: a
// workshop has several participants, counted in Participants.
func ActivityRows(d *stats.Donnees, f stats.Filtre) []activityRow {
	var rows []activityRow
	for i := range d.Seances {
		s := &d.Seances[i]
		if s.Statut != "realisee" || !d.SeanceDans(s, f) {
			continue
		}
		rows = append(rows, activityRow{Date: stats.DateDe(d.Local(s.Structure, s.Debut)), Type: typeCollectif,
			Participants: s.Participants(), Canal: referentiel.TypesLieu.Label("lieu_activite"),
			NomLieu: s.Lieu.Nom, Adresse: s.Lieu.Adresse, Commune: s.Lieu.Commune, CodePostal: s.Lieu.CodePostal,
			CodeInsee: s.Lieu.CodeInsee, DureeMinutes: s.DureeMinutes(), Atelier: s.Atelier,
			Materiel: labels(referentiel.Materiels, s.Materiel), Thematiques: labels(referentiel.Thematiques, s.Thematiques),
			Conseiller: strings.Join(s.Animateurs, ", ")})
	}
	for i := range d.Accompagnements {
		a := &d.Accompagnements[i]
		if d.AccompagnementDans(a, f) {
			rows = append(rows, accompagnementActivityRow(d, a))
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Date.Avant(rows[j].Date) })
	return rows
}

func accompagnementActivityRow(d *stats.Donnees, a *stats.Accompagnement) activityRow {
	day := stats.DateDe(d.Local(a.Structure, a.Date))
	r := activityRow{Date: day, Type: typeIndividuel, Participants: 1, Canal: referentiel.TypesLieu.Label(a.TypeLieu),
		Commune: a.Commune, CodePostal: a.CodePostal, CodeInsee: a.CodeInsee, DureeMinutes: a.DureeMinutes,
		Materiel: labels(referentiel.Materiels, a.Materiel), Thematiques: labels(referentiel.Thematiques, a.Thematiques),
		Demarche: a.Demarche, Autonomie: referentiel.Autonomies.Label(a.Autonomie), Reoriente: "Non",
		Redirection: referentiel.StructuresRedirection.Label(a.StructureRedirection), Conseiller: a.Conseiller}
	if a.Oriente {
		r.Reoriente = "Oui"
	}
	if a.TypeLieu == "lieu_activite" {
		// At the structure's own place: its name and address.
		place := d.Structures[a.Structure].Adresse
		r.NomLieu, r.Adresse, r.Commune, r.CodePostal, r.CodeInsee = place.Nom, place.Adresse, place.Commune, place.CodePostal, place.CodeInsee
	}
	tranche, genre, statut := a.TrancheAge, a.Genre, a.StatutSocial
	if p := a.Personne; p != nil {
		r.CommuneBeneficiaire, r.CodePostalBeneficiaire, r.CodeInseeBeneficiaire = p.Commune, p.CodePostal, p.CodeInsee
		tranche, genre, statut = referentiel.TrancheAgeDeNaissance(p.AnneeNaissance, day.Annee), p.Genre, p.StatutSocial
	}
	r.TrancheAge = referentiel.TranchesAge.Label(orNonCommunique(tranche))
	r.Genre = referentiel.Genres.Label(orNonCommunique(genre))
	r.Statut = referentiel.StatutsSociaux.Label(orNonCommunique(statut))
	return r
}

func orNonCommunique(v string) string {
	if v == "" {
		return "non_communique"
	}
	return v
}

// labels joins the labels of a multi-valued field with « , ».
func labels(list referentiel.List, values []string) string {
	return strings.Join(list.Labels(values), ", ")
}

// WriteActivitiesXLSX writes the activity rows as a one-sheet workbook:
// dates as dates, counts and minutes as numbers, text as text (a text
// cell is never a formula, whatever it starts with).
func WriteActivitiesXLSX(w io.Writer, rows []activityRow) error {
	return writeWorkbook(w, func(x *xlsxBook) error {
		sheet, err := x.sheet("Activités", 18)
		if err != nil {
			return err
		}
		if err := sheet.header(activityColumns); err != nil {
			return err
		}
		for _, r := range rows {
			cells := r.cells()
			values := make([]any, len(cells))
			for i, c := range cells {
				values[i] = c
			}
			values[0] = excelize.Cell{StyleID: x.dateStyle, Value: r.Date.Time()}
			values[2], values[9] = r.Participants, r.DureeMinutes
			if err := sheet.row(values...); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteActivitiesCSV writes the activity rows for a French spreadsheet.
func WriteActivitiesCSV(w io.Writer, rows []activityRow) error {
	table := make([][]string, 0, len(rows)+1)
	table = append(table, activityColumns)
	for _, r := range rows {
		table = append(table, r.cells())
	}
	return tableur.WriteFrench(w, table)
}

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
	dateFormat := "dd/mm/yyyy"
	if x.dateStyle, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat}); err != nil {
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

// activityColumns are La Coop's activity export columns, in its order,
// then the advisor's name.
var activityColumns = []string{"Date", "Type", "Participants", "Canaux d'accompagnement", "Nom du lieu", "Adresse",
	"Commune", "Code postal", "Code Insee", "Durée (min)", "Nom de l'atelier", "Matériel numérique utilisé",
	"Thématique(s) d'accompagnement", "Nom de la démarche administrative", "Niveau d'autonomie",
	"Bénéficiaire réorienté", "Structure de redirection", "Commune du bénéficiaire", "Code postal du bénéficiaire",
	"Code Insee du bénéficiaire", "Genre du bénéficiaire", "Tranche d'âge du bénéficiaire", "Statut du bénéficiaire",
	"Conseiller"}

// activityRow is one line of the activity export, values as printed.
type activityRow struct {
	Date                                             stats.Date // in the structure's zone
	Type                                             string
	Participants                                     int
	Canal                                            string
	NomLieu, Adresse, Commune, CodePostal, CodeInsee string
	DureeMinutes                                     int
	Atelier, Materiel, Thematiques                   string
	Demarche, Autonomie, Reoriente, Redirection      string
	// The beneficiary, on one-to-one help rows only.
	CommuneBeneficiaire, CodePostalBeneficiaire, CodeInseeBeneficiaire string
	Genre, TrancheAge, Statut                                          string
	Conseiller                                                         string
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
}

type xlsxBook struct {
	file            *excelize.File
	bold, dateStyle int
	current         *excelize.StreamWriter // the sheet being written
	sheets          int
}

type xlsxSheet struct {
	book   *xlsxBook
	stream *excelize.StreamWriter
	next   int // next row number
}

const XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Types of activity rows, as La Coop names them.
const (
	typeIndividuel = "Accompagnement individuel"
	typeCollectif  = "Atelier collectif"
)

// capitalize puts the first letter in upper case: « accompagnements » →
// « Accompagnements ».
func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// cells are the row's values as text, in the columns' order.
func (r activityRow) cells() []string {
	return []string{r.Date.Time().Format("02/01/2006"), r.Type, strconv.Itoa(r.Participants), r.Canal, r.NomLieu, r.Adresse,
		r.Commune, r.CodePostal, r.CodeInsee, strconv.Itoa(r.DureeMinutes), r.Atelier, r.Materiel, r.Thematiques,
		r.Demarche, r.Autonomie, r.Reoriente, r.Redirection, r.CommuneBeneficiaire, r.CodePostalBeneficiaire,
		r.CodeInseeBeneficiaire, r.Genre, r.TrancheAge, r.Statut, r.Conseiller}
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
	if err := sw.SetColWidth(1, 30, width); err != nil {
		return nil, fmt.Errorf("xlsx sheet %s: %w", name, err)
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
