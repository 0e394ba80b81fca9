// Package importcoop reads the spreadsheets structures already keep their
// people in (La Coop de la médiation numérique's beneficiary template, or
// any XLSX or CSV file) and writes La Coop's template back.
//
// La Coop's template is read as La Coop reads it, in the repository
// inclusion-numerique/coop-mediation-numerique:
// apps/web/src/features/beneficiaire/abilities/importer-beneficiaires/analyse/analyseImportBeneficiairesExcel.ts
// (the sheet « Bénéficiaires », people from row 4 until the first empty
// row, ten columns in a fixed order, the genre by its first letter, the
// birth year as a number) and getBeneficiaireImportSheet.ts (the sheet is
// found by its name). The column titles are those of La Coop's own export,
// apps/web/src/features/beneficiaires/use-cases/list/export/buildBeneficiairesWorksheet.ts.
//
// No PocketBase here: the checks of a person stay in hooks/beneficiaires.
package importcoop

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"atelier/hooks/lib/texte"
)

// The person's fields a column may fill; "" leaves a column out.
const (
	Nom        = "nom"
	Prenom     = "prenom"
	Annee      = "annee_naissance"
	Commune    = "commune"
	CodeInsee  = "code_insee"
	CodePostal = "code_postal"
	Telephone  = "telephone"
	Email      = "email"
	Genre      = "genre"
	Notes      = "notes"
)

// Colonne is one column of La Coop's template.
type Colonne struct {
	Champ, Titre string
}

// Colonnes are La Coop's template columns, in its order.
var Colonnes = []Colonne{
	{Nom, "Nom"}, {Prenom, "Prénom"}, {Annee, "Année de naissance"}, {Commune, "Nom de la commune"},
	{CodeInsee, "Code INSEE"}, {CodePostal, "Code postal"}, {Telephone, "N° de téléphone"},
	{Email, "E-mail"}, {Genre, "Genre"}, {Notes, "Notes supplémentaires"},
}

// Feuille is the name of the template's sheet, by which La Coop finds it.
const Feuille = "Bénéficiaires"

// premiereLigne is the template's first row of people (1-based): the rows
// above hold its title, a hint and the column titles.
const premiereLigne = 4

// MaxLignes bounds the people of one file: past it, a file is not a
// structure's list of people.
const MaxLignes = 20000

// Tableau is a file read: its column titles and its rows of text.
type Tableau struct {
	Entetes []string
	Lignes  []Ligne
	// Coop: La Coop's template, whose columns are known by their place.
	Coop bool
}

// Ligne is a row of the file with its number as a spreadsheet shows it.
type Ligne struct {
	Numero  int
	Valeurs []string
}

// Errors of a file that cannot be read, in French for the page.
var (
	ErrFormat  = errors.New("Ce fichier n'est pas un tableur lisible. Enregistrez-le au format XLSX (Excel) ou CSV, puis déposez-le à nouveau.")
	ErrVide    = errors.New("Ce fichier ne contient aucune ligne à importer.")
	ErrTropLng = fmt.Errorf("Ce fichier contient plus de %d lignes. Découpez-le en plusieurs fichiers.", MaxLignes)
)

// Lire reads an XLSX workbook (recognised by its content, whatever its
// name) or a CSV file (« ; » or « , », UTF-8 or Windows-1252, what
// spreadsheets in France save).
func Lire(data []byte) (*Tableau, error) {
	var t *Tableau
	var err error
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		t, err = lireXLSX(data)
	} else {
		t, err = lireCSV(data)
	}
	if err != nil {
		return nil, err
	}
	if len(t.Lignes) == 0 {
		return nil, ErrVide
	}
	if len(t.Lignes) > MaxLignes {
		return nil, ErrTropLng
	}
	return t, nil
}

func lireXLSX(data []byte) (*Tableau, error) {
	book, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, ErrFormat
	}
	defer book.Close()
	sheets := book.GetSheetList()
	if len(sheets) == 0 {
		return nil, ErrFormat
	}
	coop := false
	sheet := sheets[0]
	for _, s := range sheets {
		if s == Feuille {
			sheet, coop = s, true
		}
	}
	rows, err := book.GetRows(sheet)
	if err != nil {
		return nil, ErrFormat
	}
	if coop {
		return lignesCoop(rows), nil
	}
	return lignesLibres(rows), nil
}

// lignesCoop reads the template as La Coop does: from row 4, its ten
// columns by their place, until the first empty row.
func lignesCoop(rows [][]string) *Tableau {
	t := &Tableau{Coop: true}
	for _, c := range Colonnes {
		t.Entetes = append(t.Entetes, c.Titre)
	}
	for i := premiereLigne - 1; i < len(rows) && len(t.Lignes) <= MaxLignes; i++ {
		values := make([]string, len(Colonnes))
		for j := range values {
			if j < len(rows[i]) {
				values[j] = strings.TrimSpace(rows[i][j])
			}
		}
		if vide(values) {
			break
		}
		t.Lignes = append(t.Lignes, Ligne{Numero: i + 1, Valeurs: values})
	}
	return t
}

// lignesLibres reads any table: the first row holding something gives the
// titles, every later row that is not empty a person.
func lignesLibres(rows [][]string) *Tableau {
	t := &Tableau{}
	for i, row := range rows {
		values := make([]string, len(row))
		for j, v := range row {
			values[j] = strings.TrimSpace(v)
		}
		if vide(values) {
			continue
		}
		if t.Entetes == nil {
			t.Entetes = values
			continue
		}
		if len(t.Lignes) > MaxLignes {
			break
		}
		for len(values) < len(t.Entetes) {
			values = append(values, "")
		}
		t.Lignes = append(t.Lignes, Ligne{Numero: i + 1, Valeurs: values[:len(t.Entetes)]})
	}
	return t
}

func vide(values []string) bool {
	for _, v := range values {
		if v != "" {
			return false
		}
	}
	return true
}

func lireCSV(data []byte) (*Tableau, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, ErrFormat // a binary file (an old .xls, a PDF…)
	}
	if !utf8.Valid(data) {
		decoded, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return nil, ErrFormat
		}
		data = decoded
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = separateur(data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows [][]string
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, ErrFormat
		}
		rows = append(rows, row)
		if len(rows) > MaxLignes+1 {
			break
		}
	}
	return lignesLibres(rows), nil
}

// separateur is « ; » when the first line holds more of them than
// commas (French spreadsheets), « , » otherwise.
func separateur(data []byte) rune {
	line := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line = data[:i]
	}
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		return ';'
	}
	return ','
}

// synonymes are the column titles, folded, that name each field in the
// files structures keep.
var synonymes = map[string][]string{
	Nom:        {"nom", "nom de famille", "nom de naissance", "nom d usage", "nom usuel", "last name", "lastname"},
	Prenom:     {"prenom", "prenoms", "first name", "firstname"},
	Annee:      {"annee de naissance", "annee naissance", "annee", "naissance", "date de naissance", "ne le", "ne e le", "nee le"},
	Commune:    {"nom de la commune", "commune", "ville", "commune de residence", "localite"},
	CodeInsee:  {"code insee", "insee", "code commune", "code insee de la commune"},
	CodePostal: {"code postal", "cp", "code postal de la commune"},
	Telephone:  {"n° de telephone", "telephone", "tel", "tel portable", "portable", "mobile", "numero de telephone", "n° telephone", "numero", "telephone portable"},
	Email:      {"e mail", "email", "mail", "courriel", "adresse e mail", "adresse mail", "adresse email"},
	Genre:      {"genre", "sexe", "civilite"},
	Notes:      {"notes supplementaires", "notes", "note", "commentaire", "commentaires", "remarque", "remarques", "observations"},
}

// ponctuation is dropped from titles before comparing them (« Tél. : »).
var ponctuation = regexp.MustCompile(`[.:*()]`)

// Plier folds a column title for comparison: no accents, case, hyphens,
// apostrophes nor punctuation.
func Plier(titre string) string {
	return strings.Join(strings.Fields(ponctuation.ReplaceAllString(texte.Plier(titre), " ")), " ")
}

// Deviner proposes the field of each column from its title: a title La
// Coop or a structure commonly uses, folded. A field goes to one column
// only, the first; an unknown title is left out ("").
func Deviner(entetes []string) []string {
	out := make([]string, len(entetes))
	taken := map[string]bool{}
	for i, h := range entetes {
		folded := Plier(h)
		for _, c := range Colonnes {
			if taken[c.Champ] {
				continue
			}
			for _, s := range synonymes[c.Champ] {
				if folded == s {
					out[i], taken[c.Champ] = c.Champ, true
					break
				}
			}
			if out[i] != "" {
				break
			}
		}
	}
	return out
}

// Champs are the fields a column may be mapped to, in the template's order.
func Champs() []string {
	out := make([]string, len(Colonnes))
	for i, c := range Colonnes {
		out[i] = c.Champ
	}
	return out
}

// Titre is the French name of a field, as the template titles it.
func Titre(champ string) string {
	for _, c := range Colonnes {
		if c.Champ == champ {
			return c.Titre
		}
	}
	return champ
}

// GenreDe reads a genre as La Coop does (its first letter: F, M or N),
// after the civilities a structure may have typed (« Mme », « Monsieur »).
// It returns the referentiel value, "" when blank, and false when it means
// nothing.
func GenreDe(s string) (string, bool) {
	folded := Plier(s)
	switch folded {
	case "":
		return "", true
	case "mme", "madame", "mlle", "mademoiselle", "femme", "f":
		return "feminin", true
	case "m", "mr", "monsieur", "homme", "h":
		return "masculin", true
	}
	switch folded[0] {
	case 'f':
		return "feminin", true
	case 'm':
		return "masculin", true
	case 'n':
		return "non_communique", true
	}
	return "", false
}

// LibelleGenre is how the template writes a genre.
func LibelleGenre(value string) string {
	switch value {
	case "feminin":
		return "Féminin"
	case "masculin":
		return "Masculin"
	case "non_communique":
		return "Non communiqué"
	}
	return ""
}

var (
	anneeSeule = regexp.MustCompile(`^(\d{4})(?:[.,]0+)?$`)
	dateFR     = regexp.MustCompile(`^\d{1,2}[/.-]\d{1,2}[/.-](\d{4})$`)
	dateISO    = regexp.MustCompile(`^(\d{4})-\d{1,2}-\d{1,2}(?:[T ].*)?$`)
	// A spreadsheet's serial date (days since 30 December 1899), when a
	// birth date column was read without its format.
	dateSerie = regexp.MustCompile(`^\d{4,5}$`)
)

// AnneeDe reads a birth year from a year (« 1954 », « 1954.0 ») or a
// date (« 12/03/1954 », « 1954-03-12 »). Anything else is returned as it
// is, for the person's checks to refuse with their message.
func AnneeDe(s string) string {
	s = strings.TrimSpace(s)
	for _, re := range []*regexp.Regexp{anneeSeule, dateFR, dateISO} {
		if m := re.FindStringSubmatch(s); m != nil {
			return m[1]
		}
	}
	if dateSerie.MatchString(s) {
		if n, err := strconv.Atoi(s); err == nil && n > 3000 {
			if t, err := excelize.ExcelDateToTime(float64(n), false); err == nil {
				return strconv.Itoa(t.Year())
			}
		}
	}
	return s
}

// TelephoneDe restores the leading 0 a spreadsheet drops when it reads a
// phone number as a number (« 612345678 » was « 0612345678 »).
func TelephoneDe(s string) string {
	s = strings.TrimSpace(strings.TrimSuffix(s, ".0"))
	if len(s) == 9 && s[0] != '0' && strings.Trim(s, "0123456789") == "" {
		return "0" + s
	}
	return s
}

// CodeDe restores the leading 0 of a postcode or an INSEE code read as a
// number (« 1000 » was « 01000 »).
func CodeDe(s string) string {
	s = strings.TrimSpace(strings.TrimSuffix(s, ".0"))
	if len(s) == 4 && strings.Trim(s, "0123456789") == "" {
		return "0" + s
	}
	return s
}

// Personne is one person as the template writes them.
type Personne struct {
	Nom, Prenom        string
	Annee              int // 0: unknown
	Commune, CodeInsee string
	CodePostal         string
	Telephone, Email   string
	Genre              string // referentiel value
	Notes              string
}

func (p Personne) cellules() []any {
	annee := any("")
	if p.Annee > 0 {
		annee = p.Annee
	}
	return []any{p.Nom, p.Prenom, annee, p.Commune, p.CodeInsee, p.CodePostal, p.Telephone, p.Email,
		LibelleGenre(p.Genre), p.Notes}
}

// Ecrire writes people in La Coop's template: the sheet « Bénéficiaires »,
// a title, a hint, the column titles on row 3 and one person a row from
// row 4. Every value is a text cell (the year a number), and a text cell
// is never a formula, whatever it starts with.
func Ecrire(w io.Writer, titre string, people []Personne) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), Feuille); err != nil {
		return fmt.Errorf("template sheet: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("template style: %w", err)
	}
	sw, err := f.NewStreamWriter(Feuille)
	if err != nil {
		return fmt.Errorf("template sheet: %w", err)
	}
	if err := sw.SetColWidth(1, len(Colonnes), 20); err != nil {
		return fmt.Errorf("template sheet: %w", err)
	}
	head := make([]any, len(Colonnes))
	for i, c := range Colonnes {
		head[i] = excelize.Cell{StyleID: bold, Value: c.Titre}
	}
	rows := [][]any{
		{excelize.Cell{StyleID: bold, Value: titre}},
		{"Une ligne par personne. Le nom et le prénom sont obligatoires, les autres colonnes facultatives."},
		head,
	}
	for _, p := range people {
		rows = append(rows, p.cellules())
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("template row %d: %w", i+1, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("template flush: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	return nil
}
