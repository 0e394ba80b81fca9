package app_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/testkit"

	"github.com/xuri/excelize/v2"
)

// The exports of the statistics page: La Coop's activity export in XLSX
// and CSV for conseillers (cell for cell: hooks/statistiques/coop_test.go),
// aggregate tables only for référents and coordinateurs, and no
// spreadsheet formula smuggled through a cell.

// coopColumns are the activity export's columns: La Coop's 29, then
// Atelier's advisor.
var coopColumns = []string{"Date", "Enregistré le", "Dernière modification le", "Type", "Participants", "Bénéficiaire",
	"Canaux d’accompagnement", "Nom du lieu", "Adresse", "Commune", "Code postal", "Code Insee", "Durée (min)",
	"Nom de l’atelier", "Matériel numérique utilisé", "Thématique(s) d’accompagnement", "Tags",
	"Nom de la démarche administrative", "Niveau d’autonomie (ou de l’atelier)", "Bénéficiaire réorienté",
	"Structure de redirection", "Commune du bénéficiaire", "Code postal du bénéficiaire", "Code Insee du bénéficiaire",
	"Genre du bénéficiaire", "Tranche d’âge du bénéficiaire", "Statut du bénéficiaire", "Notes supplémentaires", "ID CRA",
	"Conseiller"}

// coopTableRow is the sheet row (from 0) of the table's header, under
// La Coop's information and filters blocks.
const coopTableRow = 21

const formula = `=HYPERLINK("https://evil.example","Cliquez")`

func readXLSX(t *testing.T, body []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not an XLSX file: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func checkHeader(t *testing.T, header []string) {
	t.Helper()
	if strings.Join(header, "|") != strings.Join(coopColumns, "|") {
		t.Errorf("header\n got %q\nwant %q", header, coopColumns)
	}
}

func cell(header, row []string, column string) string {
	for i, h := range header {
		if h == column && i < len(row) {
			return row[i]
		}
	}
	return ""
}

// infoValue is the value next to label in the information block.
func infoValue(rows [][]string, label string) string {
	for _, r := range rows[:coopTableRow] {
		if len(r) == 2 && r[0] == label {
			return r[1]
		}
	}
	return ""
}

func TestActivitiesXLSX(t *testing.T) {
	t.Parallel()
	s := statsSite(t)
	setFields(t, s.app, "accompagnements", testkit.AccompagnementA, map[string]any{"demarche": formula,
		"materiel": []string{"telephone", "ordinateur"}, "thematiques": []string{"email", "sante"}, "oriente": true,
		"structure_redirection": "aide_sociale", "autonomie": "autonome"})
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA, map[string]any{"genre": "feminin", "statut_social": "retraite",
		"code_postal": "86000", "code_insee": "86194"})
	setFields(t, s.app, "ateliers", testkit.AtelierA, map[string]any{"niveau": "intermediaire"})
	rec := s.getAs(s.signIn(testkit.ConseillerA), "/espace/statistiques/activites.xlsx?"+statsPeriod())
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d\n%s", rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("content type %q", ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, `attachment; filename="activites-mediatheque-alpha-`) ||
		!strings.HasSuffix(cd, `.xlsx"`) {
		t.Errorf("content disposition %q", cd)
	}
	f := readXLSX(t, rec.Body.Bytes())
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != "Activités" {
		t.Fatalf("sheets %v", sheets)
	}
	rows, err := f.GetRows("Activités")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != coopTableRow+6 {
		t.Fatalf("%d rows, want the blocks, the header, 3 participants of the held session and 2 one-to-one help:\n%q", len(rows), rows)
	}
	// Who exported, when (the structure's clock), for which filters.
	structure, err := s.app.FindRecordById("structures", testkit.ID(testkit.StructureA))
	if err != nil {
		t.Fatal(err)
	}
	now := testkit.Now().In(frfmt.Location(structure.GetString("fuseau")))
	for label, want := range map[string]string{"Nom": "Nom conseillera", "Prénom": "Prénom conseillera", "Rôle": "Conseiller Numérique",
		"Total": "5", "Date d’export": now.Format("02/01/2006"), "Lieux d’accompagnement": "-"} {
		if got := infoValue(rows, label); got != want {
			t.Errorf("%s = %q, want %q", label, got, want)
		}
	}
	header := rows[coopTableRow]
	checkHeader(t, header)
	var session [][]string
	var helped, anonymous []string
	for _, r := range rows[coopTableRow+1:] {
		switch {
		case cell(header, r, "Type") == "Atelier collectif":
			session = append(session, r)
		case cell(header, r, "Commune du bénéficiaire") != "":
			helped = r
		default:
			anonymous = r
		}
	}
	if len(session) != 3 {
		t.Fatalf("%d rows for the held session of 3 participants", len(session))
	}
	for i, r := range session {
		for column, want := range map[string]string{"Participants": strconv.Itoa(i+1) + "/3", "Nom de l’atelier": "Atelier propre à Alpha",
			"Nom du lieu": "Salle Alpha", "Commune": "Poitiers", "Durée (min)": "120", "Thématique(s) d’accompagnement": "E-mail",
			"Canaux d’accompagnement": "Lieu d’activité", "Niveau d’autonomie (ou de l’atelier)": "2/3",
			"Bénéficiaire": "Bénéficiaire anonyme", "Conseiller": "Prénom conseillera Nom conseillera"} {
			if got := cell(header, r, column); got != want {
				t.Errorf("session row %d %s = %q, want %q", i+1, column, got, want)
			}
		}
	}
	// The person marked present, then the two walk-ins.
	for i, want := range []string{"Féminin", "Non communiqué", "Non communiqué"} {
		if got := cell(header, session[i], "Genre du bénéficiaire"); got != want {
			t.Errorf("session row %d genre %q, want %q", i+1, got, want)
		}
	}
	for column, want := range map[string]string{"Type": "Accompagnement individuel", "Participants": "1", "Durée (min)": "30",
		"Thématique(s) d’accompagnement": "E-mail\nSanté", "Matériel numérique utilisé": "Téléphone\nOrdinateur",
		"Nom de la démarche administrative": formula, "Niveau d’autonomie (ou de l’atelier)": "3/3", "Bénéficiaire réorienté": "Oui",
		"Structure de redirection": "Structure d’aide sociale (maison des solidarités, centre social…)", "Commune du bénéficiaire": communeA,
		"Code postal du bénéficiaire": "86000", "Code Insee du bénéficiaire": "86194", "Genre du bénéficiaire": "Féminin",
		"Tranche d’âge du bénéficiaire": "70 ans et plus", "Statut du bénéficiaire": "Retraité", "Bénéficiaire": "Bénéficiaire anonyme",
		"Nom du lieu": "Médiathèque Alpha", "Conseiller": "Prénom conseillera Nom conseillera", "ID CRA": testkit.ID(testkit.AccompagnementA)} {
		if got := cell(header, helped, column); got != want {
			t.Errorf("help %s = %q, want %q", column, got, want)
		}
	}
	if got := cell(header, helped, "Enregistré le"); !regexp.MustCompile(`^\d\d/\d\d/\d{4} à \d\d:\d\d$`).MatchString(got) {
		t.Errorf("Enregistré le %q", got)
	}
	for column, want := range map[string]string{"Conseiller": "Prénom conseillera2 Nom conseillera2",
		"Genre du bénéficiaire": "Non communiqué", "Tranche d’âge du bénéficiaire": "Non communiqué", "Bénéficiaire réorienté": "Non"} {
		if got := cell(header, anonymous, column); got != want {
			t.Errorf("anonymous help %s = %q, want %q", column, got, want)
		}
	}
	// Numbers are numbers, dates are dates, and a text is never a formula.
	first := coopTableRow + 2
	for _, col := range []int{1, 13} {
		c, _ := excelize.CoordinatesToCellName(col, first)
		if typ, _ := f.GetCellType("Activités", c); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s is not a number: %v", c, typ)
		}
	}
	for r := first; r < first+5; r++ {
		name, _ := excelize.CoordinatesToCellName(18, r)
		if fx, _ := f.GetCellFormula("Activités", name); fx != "" {
			t.Errorf("cell %s holds a formula %q", name, fx)
		}
	}
	raw, _ := f.GetCellValue("Activités", "A"+strconv.Itoa(first), excelize.Options{RawCellValue: true})
	if strings.Contains(raw, "/") {
		t.Errorf("the date is stored as text %q", raw)
	}
	for _, r := range rows {
		for _, v := range r {
			if strings.Contains(v, "Fixturenom") || strings.Contains(v, testkit.NomBeneficiaireA) {
				t.Errorf("a beneficiary's name in the export: %q", v)
			}
		}
	}
}

func TestActivitiesCSV(t *testing.T) {
	t.Parallel()
	s := statsSite(t)
	setFields(t, s.app, "accompagnements", testkit.AccompagnementA, map[string]any{"demarche": formula})
	setFields(t, s.app, "accompagnements", testkit.AccompagnementA2, map[string]any{"demarche": "+33 6 12 34 56 78"})
	rec := s.getAs(s.signIn(testkit.ConseillerA), "/espace/statistiques/activites.csv?"+statsPeriod())
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	body := rec.Body.String()
	if !strings.HasPrefix(body, "\uFEFF") {
		t.Error("no byte order mark")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF")))
	r.Comma, r.FieldsPerRecord = ';', -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != coopTableRow+6 {
		t.Fatalf("%d rows:\n%s", len(rows), body)
	}
	if rows[0][0] != "Informations export" || rows[8][0] != "Filtres" {
		t.Errorf("blocks %q", rows[:coopTableRow])
	}
	checkHeader(t, rows[coopTableRow])
	for _, want := range []string{`;"'=HYPERLINK(""https://evil.example"",""Cliquez"")";`, ";'+33 6 12 34 56 78;",
		";Atelier collectif;1/3;", ";Atelier collectif;3/3;"} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %q in\n%s", want, body)
		}
	}
	if strings.Contains(body, ";=") || strings.Contains(body, `;"=`) {
		t.Errorf("a cell starts with = unguarded:\n%s", body)
	}
}

// Coordinateurs cannot download activities (people's attributes row by
// row): 403, whatever the format; they get the summary, which names
// nobody (référents get the activities without names:
// statistiques_sans_noms_test.go).
func TestSummaryExportsHaveNoNames(t *testing.T) {
	t.Parallel()
	s := statsSite(t)
	period := statsPeriod()
	for _, who := range []string{testkit.Coordinateur} {
		cookie := s.signIn(who)
		for _, ext := range []string{"xlsx", "csv"} {
			expectBody(t, s.getAs(cookie, "/espace/statistiques/activites."+ext+"?"+period), http.StatusForbidden,
				[]string{"Action refusée"}, []string{communeA})
		}
	}
	rec := s.getAs(s.signIn(testkit.ReferentA), "/espace/statistiques/synthese.xlsx?"+period)
	if rec.Code != http.StatusOK {
		t.Fatalf("summary: %d", rec.Code)
	}
	f := readXLSX(t, rec.Body.Bytes())
	want := []string{"Chiffres clés", "Thématiques", "Besoins", "Canaux", "Durées", "Tranches d'âge", "Genres", "Statuts", "Communes",
		"Démarches", "Premiers accompagnements", "Étiquettes", "Absences et rappels", "Mois par mois"}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sheets %q", got)
	}
	key, _ := f.GetRows("Chiffres clés")
	found := false
	for _, r := range key {
		if len(r) == 2 && r[0] == "Accompagnements au total" && r[1] == "5" {
			found = true
		}
	}
	if !found || key[0][1] != "Médiathèque Alpha" {
		t.Errorf("key figures %q", key)
	}
	communes, _ := f.GetRows("Communes")
	if !strings.Contains(flatten(communes), communeA+"|1|") {
		t.Errorf("communes %q", communes)
	}
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for _, bad := range []string{"Fixturenom", "Prénom", "Camille", communeB} {
			if strings.Contains(flatten(rows), bad) {
				t.Errorf("sheet %s holds %q", sheet, bad)
			}
		}
	}

	rec = s.getAs(s.signIn(testkit.Coordinateur), "/espace/statistiques/synthese.csv?"+period)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.HasPrefix(body, "\uFEFFTableau;Libellé;Valeur\r\n") {
		t.Fatalf("summary CSV: %d\n%s", rec.Code, body)
	}
	for _, want := range []string{"Chiffres clés;Accompagnements au total;7\r\n", "Chiffres clés;Heures de médiation (h);",
		"Personnes accompagnées par commune de résidence – Personnes;" + communeB + ";1\r\n",
		"Mois par mois – Accompagnements au total;"} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %q in\n%s", want, body)
		}
	}
	if strings.Contains(body, "Fixturenom") || strings.Contains(body, "Prénom") {
		t.Errorf("a name in the summary:\n%s", body)
	}
}

func TestExportRefusals(t *testing.T) {
	t.Parallel()
	s := statsSite(t)
	rec := s.get("/espace/statistiques/activites.xlsx")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/connexion") {
		t.Errorf("anonymous export: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	cookie := s.signIn(testkit.ConseillerA)
	for _, path := range []string{"activites.xlsx", "activites.csv", "synthese.xlsx", "synthese.csv"} {
		expectBody(t, s.getAs(cookie, "/espace/statistiques/"+path+"?structure="+testkit.ID(testkit.StructureB)),
			http.StatusNotFound, []string{"Page introuvable"}, []string{communeB})
	}
	expectBody(t, s.getAs(cookie, "/espace/statistiques/synthese.csv?periode=autre&du=2026-02-30"),
		http.StatusUnprocessableEntity, []string{"Indiquez une date valide"}, nil)
}

func flatten(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|") + "|\n")
	}
	return b.String()
}
