package statistiques

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"atelier/hooks/lib/referentiel"
	"atelier/hooks/lib/stats"
)

// The golden test of La Coop's activity export: the expected cells are
// written out from La Coop's code (the files listed in coop.go), not from
// Atelier's, for a fixture of activities in Paris around the change to
// summer time. The instants are fixed: the file's content depends on
// them only, never on today.

// coopHeaders are the 29 headers of buildAccompagnementsWorksheet.ts for
// the export of one's own activities (isSelfExport, no CRA V1), in order.
var coopHeaders = []string{
	"Date", "Enregistré le", "Dernière modification le", "Type", "Participants", "Bénéficiaire",
	"Canaux d’accompagnement", "Nom du lieu", "Adresse", "Commune", "Code postal", "Code Insee", "Durée (min)",
	"Nom de l’atelier", "Matériel numérique utilisé", "Thématique(s) d’accompagnement", "Tags",
	"Nom de la démarche administrative", "Niveau d’autonomie (ou de l’atelier)", "Bénéficiaire réorienté",
	"Structure de redirection", "Commune du bénéficiaire", "Code postal du bénéficiaire", "Code Insee du bénéficiaire",
	"Genre du bénéficiaire", "Tranche d’âge du bénéficiaire", "Statut du bénéficiaire", "Notes supplémentaires", "ID CRA",
}

// coopEnumLabels are La Coop's labels of each value Atelier stores, from
// La Coop's label files (its enum name in the comment where it differs).
var coopEnumLabels = []struct {
	name   string
	write  func(string) string // how the export writes one value
	labels map[string]string
}{
	{"type-lieu.ts typeLieuLabels", referentiel.TypesLieuCoop.Label, map[string]string{
		"lieu_activite": "Lieu d’activité", "autre": "Autre lieu", "domicile": "À domicile", "a_distance": "À distance"}},
	{"materiel.ts materielLabels", func(v string) string { return coopLabels(referentiel.MaterielsCoop, []string{v}) }, map[string]string{
		"ordinateur": "Ordinateur", "telephone": "Téléphone", "tablette": "Tablette", "autre": "Autre", "aucun": "Pas de matériel"}},
	{"thematique.ts thematiqueLabels", func(v string) string { return coopLabels(referentiel.Thematiques, []string{v}) }, map[string]string{
		"diagnostic_numerique": "Diagnostic numérique", "prendre_en_main_du_materiel": "Prendre en main du matériel",
		"maintenance_de_materiel": "Maintenance de matériel", "gere_ses_contenus_numeriques": "Gérer ses contenus numériques",
		"navigation_sur_internet": "Navigation sur internet", "email": "E-mail", "bureautique": "Bureautique",
		"reseaux_sociaux": "Réseaux sociaux communication", "sante": "Santé", "banque_et_achats_en_ligne": "Banque et achats en ligne",
		"entrepreneuriat": "Accompagner un professionnel", "insertion_professionnelle": "Insertion professionnelle",
		"securite_numerique": "Prévention en sécurité numérique", "parentalite": "Parentalité",
		"scolarite_et_numerique": "Scolarité et numérique", "creer_avec_le_numerique": "Créer avec le numérique",
		"culture_numerique": "Culture numérique", "intelligence_artificielle": "Intelligence artificielle (IA)",
		"aide_aux_demarches_administratives": "Aide aux démarches administratives"}},
	// thematiquesAdministrativesLabels, in the same thematiqueLabels.
	{"thematique.ts thematiquesAdministrativesLabels", func(v string) string { return referentiel.ThematiquesDemarche.Label(v) }, map[string]string{
		"papiers_elections_citoyennete": "Papiers - Élections Citoyenneté", "famille_scolarite": "Famille - Scolarité",
		"social_sante": "Social - Santé", "travail_formation": "Travail - Formation - Entreprise", "logement": "Logement",
		"transports_mobilite": "Transports - Mobilité", "argent_impots": "Argent - Impôts", "justice": "Justice",
		"etrangers_europe": "Étrangers - Europe", "loisirs_sports_culture": "Loisirs - Sports Culture", "associations": "Associations"}},
	// autonomieStars / autonomieValues.length.
	{"autonomie.ts autonomieStars", func(v string) string { return coopPosition(referentiel.Autonomies, v) }, map[string]string{
		"entierement_accompagne": "1/3", "partiellement_autonome": "2/3", "autonome": "3/3", "": ""}},
	// niveauAtelierStars / niveauAtelierValues.length.
	{"niveau-atelier.ts niveauAtelierStars", func(v string) string { return coopPosition(referentiel.Niveaux, v) }, map[string]string{
		"debutant": "1/3", "intermediaire": "2/3", "avance": "3/3", "": ""}},
	{"structures-redirection.ts structuresRedirectionLabels", referentiel.StructuresRedirectionCoop.Label, map[string]string{
		"administration": "Administration (mairie, préfecture…)", "mediation_numerique": "Autre structure de médiation numérique",
		"operateur_demarche":        "Opérateur ou organisme en charge de la démarche administrative", // OperateurOuOrganismeEnCharge
		"aide_sociale":              "Structure d’aide sociale (maison des solidarités, centre social…)",
		"insertion_professionnelle": "Structure d’insertion professionnelle (France Travail, mission locale, chambre de commerce…)",
		"aide_demarches":            "Structure d’aide aux démarches administratives (France Services…)", // AideAuxDemarchesAdministratives
		"autre":                     "Autre"}},
	{"genre.ts genreLabels", referentiel.Genres.Label, map[string]string{
		"masculin": "Masculin", "feminin": "Féminin", "non_communique": "Non communiqué"}},
	{"tranche-age.ts trancheAgeLabels", referentiel.TranchesAge.Label, map[string]string{
		"70_plus": "70 ans et plus", "60_69": "60 - 69 ans", "40_59": "40 - 59 ans", "25_39": "25 - 39 ans", // SoixanteDixPlus…
		"18_24": "18 - 24 ans", "12_17": "12 - 17 ans", "moins_12": "Moins de 12 ans", "non_communique": "Non communiqué"}},
	{"statut-social.ts statutSocialLabels", referentiel.StatutsSociaux.Label, map[string]string{
		"retraite": "Retraité", "sans_emploi": "Sans emploi", "en_emploi": "En emploi", "scolarise": "Scolarisé",
		"non_communique": "Non communiqué ou hétérogène"}},
}

func TestCoopEnumLabels(t *testing.T) {
	lists := map[string]referentiel.List{"type-lieu.ts typeLieuLabels": referentiel.TypesLieu,
		"materiel.ts materielLabels": referentiel.Materiels, "thematique.ts thematiqueLabels": referentiel.Thematiques,
		"thematique.ts thematiquesAdministrativesLabels": referentiel.ThematiquesDemarche,
		"autonomie.ts autonomieStars":                    referentiel.Autonomies, "niveau-atelier.ts niveauAtelierStars": referentiel.Niveaux,
		"structures-redirection.ts structuresRedirectionLabels": referentiel.StructuresRedirection,
		"genre.ts genreLabels": referentiel.Genres, "tranche-age.ts trancheAgeLabels": referentiel.TranchesAge,
		"statut-social.ts statutSocialLabels": referentiel.StatutsSociaux}
	for _, e := range coopEnumLabels {
		// Every value Atelier stores has La Coop's label.
		for _, v := range lists[e.name].Values() {
			want, ok := e.labels[v]
			if !ok {
				t.Errorf("%s: Atelier's value %q has no La Coop label in the golden table", e.name, v)
				continue
			}
			if got := e.write(v); got != want {
				t.Errorf("%s: %q written %q, La Coop writes %q", e.name, v, got, want)
			}
		}
	}
}

var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

func utc(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, time.UTC)
}

// coopFixture is a structure in Paris with, in March 2026, two held
// sessions (of 3 and 1 participants) and five one-to-one help, plus
// activities the export leaves out.
func coopFixture() (*stats.Donnees, stats.Filtre) {
	alpha := stats.Lieu{Nom: "Médiathèque Alpha", Adresse: "1 rue des Écoles", CodePostal: "86000", Commune: "Poitiers", CodeInsee: "86194"}
	salle := stats.Lieu{Nom: "Salle des fêtes", Adresse: "2 place de la Mairie", CodePostal: "86000", Commune: "Poitiers", CodeInsee: "86194"}
	b1 := stats.Personne{ID: "b1", AnneeNaissance: 1950, Genre: "feminin", StatutSocial: "retraite", Commune: "Poitiers", CodePostal: "86000", CodeInsee: "86194"}
	b2 := stats.Personne{ID: "b2", AnneeNaissance: 1990, Genre: "masculin", StatutSocial: "en_emploi", Commune: "Buxerolles", CodePostal: "86180", CodeInsee: "86041"}
	b3 := stats.Personne{ID: "b3", AnneeNaissance: 2000, Genre: "masculin", Commune: "Poitiers"}
	present := func(p stats.Personne) stats.Inscription { return stats.Inscription{Statut: "present", Personne: p} }
	d := &stats.Donnees{Structures: map[string]stats.Structure{"st": {ID: "st", Nom: "Médiathèque Alpha", Fuseau: paris, Adresse: alpha}}}
	d.Seances = []stats.Seance{
		{ID: "seance1", Structure: "st", Debut: utc(3, 10, 13, 0), Fin: utc(3, 10, 14, 30), Statut: "realisee",
			Atelier: "Premiers pas sur la tablette", Niveau: "intermediaire",
			Thematiques: []string{"prendre_en_main_du_materiel", "email"}, Materiel: []string{"tablette", "telephone"},
			Lieu: salle, ParticipantsAnonymes: 1, Animateurs: []string{"Camille Martin", "Léa Petit"},
			// Registered in any order; the absent one is no participant.
			Inscriptions: []stats.Inscription{present(b2), {Statut: "absent", Personne: b3}, present(b1)},
			Enregistre:   utc(2, 20, 9, 15), Modifie: utc(3, 10, 15, 0)},
		{ID: "seance2", Structure: "st", Debut: utc(3, 29, 8, 0), Fin: utc(3, 29, 9, 0), Statut: "realisee",
			Atelier: "=SOMME(1;2)", Niveau: "avance", Thematiques: []string{"securite_numerique"}, Lieu: salle,
			Animateurs: []string{"Camille Martin"}, Inscriptions: []stats.Inscription{present(b1)},
			Enregistre: utc(3, 1, 10, 0), Modifie: utc(3, 1, 10, 0)},
		// Held without anyone: no participant, no row (as in La Coop).
		{ID: "vide", Structure: "st", Debut: utc(3, 12, 13, 0), Fin: utc(3, 12, 14, 0), Statut: "realisee", Lieu: salle},
		// Not held, or held in April: not in the export.
		{ID: "planifiee", Structure: "st", Debut: utc(3, 15, 13, 0), Fin: utc(3, 15, 14, 0), Statut: "planifiee", Lieu: salle,
			Inscriptions: []stats.Inscription{present(b1)}},
		{ID: "avril", Structure: "st", Debut: utc(3, 31, 22, 30), Fin: utc(3, 31, 23, 30), Statut: "realisee", Lieu: salle,
			Inscriptions: []stats.Inscription{present(b1)}},
	}
	d.Accompagnements = []stats.Accompagnement{
		{ID: "acc1", Structure: "st", Date: utc(3, 20, 10, 0), DureeMinutes: 45, TypeLieu: "lieu_activite",
			Thematiques: []string{"aide_aux_demarches_administratives", "sante"}, Materiel: []string{"ordinateur", "autre", "aucun"},
			Autonomie: "entierement_accompagne", Demarche: "Demande de carte vitale", Oriente: true, StructureRedirection: "aide_sociale",
			Conseiller: "Camille Martin", Personne: &b1, Enregistre: utc(3, 20, 10, 30), Modifie: utc(3, 21, 8, 0),
			ThematiquesDemarche: []string{"social_sante", "papiers_elections_citoyennete"}, Etiquettes: []string{"CAF", "Projet seniors"}},
		{ID: "acc2", Structure: "st", Date: utc(3, 20, 10, 0), DureeMinutes: 30, TypeLieu: "domicile",
			Thematiques: []string{"reseaux_sociaux"}, Materiel: []string{"telephone"}, Autonomie: "partiellement_autonome",
			Commune: "Chasseneuil-du-Poitou", CodePostal: "86360", CodeInsee: "86062", Conseiller: "Camille Martin",
			TrancheAge: "60_69", Genre: "feminin", Enregistre: utc(3, 20, 11, 0), Modifie: utc(3, 20, 11, 0)},
		{ID: "acc3", Structure: "st", Date: utc(3, 5, 17, 0), DureeMinutes: 15, TypeLieu: "a_distance",
			Thematiques: []string{"navigation_sur_internet"}, Materiel: []string{"ordinateur"}, Autonomie: "autonome",
			Oriente: true, StructureRedirection: "operateur_demarche", Conseiller: "Léa Petit",
			Enregistre: utc(3, 5, 17, 45), Modifie: utc(3, 5, 17, 45)},
		// 23:30 in Paris on 31 March, summer time: still March.
		{ID: "acc4", Structure: "st", Date: utc(3, 31, 21, 30), DureeMinutes: 60, TypeLieu: "autre",
			Thematiques: []string{"culture_numerique"}, Oriente: true, StructureRedirection: "autre",
			Commune: "Migné-Auxances", CodePostal: "86440", CodeInsee: "86160", Conseiller: "Léa Petit",
			TrancheAge: "18_24", Genre: "masculin", StatutSocial: "scolarise", Enregistre: utc(3, 31, 21, 45), Modifie: utc(3, 31, 21, 45)},
		// 00:30 in Paris on 1 March: already March.
		{ID: "acc5", Structure: "st", Date: utc(2, 28, 23, 30), DureeMinutes: 20, TypeLieu: "lieu_activite",
			Thematiques: []string{"diagnostic_numerique"}, Materiel: []string{"aucun"}, Autonomie: "autonome",
			Conseiller: "Camille Martin", Personne: &b2, Enregistre: utc(2, 28, 23, 30), Modifie: utc(2, 28, 23, 30)},
		// 23:30 in Paris on 28 February: not March.
		{ID: "fevrier", Structure: "st", Date: utc(2, 28, 22, 30), DureeMinutes: 20, TypeLieu: "domicile",
			Enregistre: utc(2, 28, 22, 30), Modifie: utc(2, 28, 22, 30)},
	}
	return d, stats.Filtre{Periode: stats.Mois(2026, time.March)}
}

// coopGolden is the sheet La Coop writes for the fixture, row by row
// (nil: a blank row): addExportMetadata, addFilters (self export: no
// « Médiateur »), the separator row, the table; then Atelier's column.
func coopGolden() [][]string {
	const anonyme = "Bénéficiaire anonyme"
	seance1 := func(rank, commune, cp, insee, genre, tranche, statut string) []string {
		return []string{"10/03/2026", "20/02/2026 à 10:15", "10/03/2026 à 16:00", "Atelier collectif", rank, anonyme,
			"Lieu d’activité", "Salle des fêtes", "2 place de la Mairie", "Poitiers", "86000", "86194", "90",
			"Premiers pas sur la tablette", "Tablette\nTéléphone", "Prendre en main du matériel\nE-mail", "", "", "2/3", "", "",
			commune, cp, insee, genre, tranche, statut, "", "seance1", "Camille Martin\nLéa Petit"}
	}
	return [][]string{
		{"Informations export"},
		{"Nom", "Martin"},
		{"Prénom", "Camille"},
		{"Rôle", "Conseiller Numérique"},
		{"Total", "9"},
		{"Date d’export", "01/04/2026"},
		{"Heure d’export", "00:05"},
		nil,
		{"Filtres"},
		{"Période", "01.03.2026 - 31.03.2026"},
		{"Source", "-"},
		{"Lieux d’accompagnement", "Médiathèque Alpha"},
		{"Communes", "-"},
		{"Départements", "-"},
		{"Type d’accompagnement", "-"},
		{"Rôle", "-"},
		{"Thématiques non administratives", "-"},
		{"Thématiques administratives", "-"},
		{"Tags", "-"},
		nil,
		nil,
		append(append([]string{}, coopHeaders...), "Conseiller"),
		{"31/03/2026", "31/03/2026 à 23:45", "", "Accompagnement individuel", "1", anonyme, "Autre lieu", "", "",
			"Migné-Auxances", "86440", "86160", "60", "", "", "Culture numérique", "", "", "", "Oui", "Autre",
			"", "", "", "Masculin", "18 - 24 ans", "Scolarisé", "", "acc4", "Léa Petit"},
		{"29/03/2026", "01/03/2026 à 11:00", "", "Atelier collectif", "1", anonyme, "Lieu d’activité", "Salle des fêtes",
			"2 place de la Mairie", "Poitiers", "86000", "86194", "60", "=SOMME(1;2)", "", "Prévention en sécurité numérique", "", "",
			"3/3", "", "", "Poitiers", "86000", "86194", "Féminin", "70 ans et plus", "Retraité", "", "seance2", "Camille Martin"},
		{"20/03/2026", "20/03/2026 à 12:00", "", "Accompagnement individuel", "1", anonyme, "À domicile", "", "",
			"Chasseneuil-du-Poitou", "86360", "86062", "30", "", "Téléphone", "Réseaux sociaux communication", "", "", "2/3", "Non", "",
			"", "", "", "Féminin", "60 - 69 ans", "Non communiqué ou hétérogène", "", "acc2", "Camille Martin"},
		{"20/03/2026", "20/03/2026 à 11:30", "21/03/2026 à 09:00", "Accompagnement individuel", "1", anonyme, "Lieu d’activité",
			"Médiathèque Alpha", "1 rue des Écoles", "Poitiers", "86000", "86194", "45", "", "Ordinateur\nAutre\nPas de matériel",
			"Aide aux démarches administratives\nSanté\nSocial - Santé\nPapiers - Élections Citoyenneté", "CAF\nProjet seniors",
			"Demande de carte vitale", "1/3", "Oui",
			"Structure d’aide sociale (maison des solidarités, centre social…)", "Poitiers", "86000", "86194", "Féminin",
			"70 ans et plus", "Retraité", "", "acc1", "Camille Martin"},
		seance1("1/3", "Poitiers", "86000", "86194", "Féminin", "70 ans et plus", "Retraité"),
		seance1("2/3", "Buxerolles", "86180", "86041", "Masculin", "25 - 39 ans", "En emploi"),
		seance1("3/3", "", "", "", "Non communiqué", "Non communiqué", "Non communiqué ou hétérogène"),
		{"05/03/2026", "05/03/2026 à 18:45", "", "Accompagnement individuel", "1", anonyme, "À distance", "", "", "", "", "",
			"15", "", "Ordinateur", "Navigation sur internet", "", "", "3/3", "Oui",
			"Opérateur ou organisme en charge de la démarche administrative", "", "", "", "Non communiqué", "Non communiqué",
			"Non communiqué ou hétérogène", "", "acc3", "Léa Petit"},
		{"01/03/2026", "01/03/2026 à 00:30", "", "Accompagnement individuel", "1", anonyme, "Lieu d’activité", "Médiathèque Alpha",
			"1 rue des Écoles", "Poitiers", "86000", "86194", "20", "", "Pas de matériel", "Diagnostic numérique", "", "", "3/3", "Non",
			"", "Buxerolles", "86180", "86041", "Masculin", "25 - 39 ans", "En emploi", "", "acc5", "Camille Martin"},
	}
}

// Rows of the golden sheet where the table starts and ends (1-based).
const goldenHeaderRow, goldenLastRow = 22, 31

func coopFixtureExport() ActivityExport {
	d, f := coopFixture()
	by := Exporteur{Prenom: "Camille", Nom: "Martin", Role: "conseiller"}
	return NewActivityExport(d, f, by, utc(3, 31, 22, 5), []string{"Médiathèque Alpha"})
}

func TestActivitiesXLSXIsLaCoops(t *testing.T) {
	if len(coopHeaders) != 29 {
		t.Fatalf("%d La Coop headers", len(coopHeaders))
	}
	var buf bytes.Buffer
	if err := WriteActivitiesXLSX(&buf, coopFixtureExport()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != "Activités" {
		t.Fatalf("sheets %v", sheets)
	}
	rows, err := f.GetRows("Activités")
	if err != nil {
		t.Fatal(err)
	}
	compareGrid(t, "xlsx", rows, coopGolden(), func(s string) string { return s })

	// Numbers and dates as La Coop writes them: the date as a date, « 1 »,
	// the minutes and the total as numbers, « i/N » and titles as text.
	for cell, number := range map[string]bool{"B5": true, "A23": true, "E23": true, "M23": true, "E27": false, "N24": false} {
		typ, _ := f.GetCellType("Activités", cell)
		isNumber := typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset
		isText := typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString
		if number && !isNumber || !number && !isText {
			t.Errorf("%s is of type %v, want a number: %v", cell, typ, number)
		}
	}
	if raw, _ := f.GetCellValue("Activités", "A23", excelize.Options{RawCellValue: true}); strings.Contains(raw, "/") {
		t.Errorf("the date is text %q", raw)
	}
	if fx, _ := f.GetCellFormula("Activités", "N24"); fx != "" {
		t.Errorf("a workshop's title became the formula %q", fx)
	}
	for _, cell := range []string{"A1", "A9"} {
		id, _ := f.GetCellStyle("Activités", cell)
		if style, err := f.GetStyle(id); err != nil || style.Font == nil || !style.Font.Bold {
			t.Errorf("%s is not bold", cell)
		}
	}
	id, _ := f.GetCellStyle("Activités", "O26")
	if style, err := f.GetStyle(id); err != nil || style.Alignment == nil || !style.Alignment.WrapText || style.Alignment.Vertical != "top" {
		t.Errorf("cells with line breaks are not wrapped and top-aligned: %+v", style)
	}

	// The table « Activités » with a filter button on each column.
	tables, err := f.GetTables("Activités")
	if err != nil || len(tables) != 1 {
		t.Fatalf("tables %+v, %v", tables, err)
	}
	if tables[0].Name != "Activités" || tables[0].Range != "A22:AD31" {
		t.Errorf("table %q on %s, want « Activités » on A22:AD31", tables[0].Name, tables[0].Range)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var table string
	for _, zf := range z.File {
		if strings.HasPrefix(zf.Name, "xl/tables/") {
			r, _ := zf.Open()
			b, _ := io.ReadAll(r)
			r.Close()
			table = string(b)
		}
	}
	if !strings.Contains(table, `<autoFilter ref="A22:AD31"`) {
		t.Errorf("no filter buttons on the table:\n%s", table)
	}
	for _, h := range coopHeaders {
		if !strings.Contains(table, `name="`+h+`"`) {
			t.Errorf("table column %q missing", h)
		}
	}
}

func TestActivitiesCSVIsLaCoops(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteActivitiesCSV(&buf, coopFixtureExport()); err != nil {
		t.Fatal(err)
	}
	body, ok := strings.CutPrefix(buf.String(), "\uFEFF")
	if !ok {
		t.Fatal("no byte order mark")
	}
	r := csv.NewReader(strings.NewReader(body))
	r.Comma, r.FieldsPerRecord = ';', -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// A spreadsheet shows the guard as text: the cell reads the same.
	compareGrid(t, "csv", rows, coopGolden(), func(s string) string { return strings.TrimPrefix(s, "'") })
	if !strings.Contains(body, `;"'=SOMME(1;2)";`) {
		t.Errorf("the workshop's title is not guarded against formulas:\n%s", body)
	}
}

// compareGrid compares a sheet read back with the golden one, cell for
// cell, trailing empty cells aside (a reader drops them).
func compareGrid(t *testing.T, format string, got, want [][]string, read func(string) string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d", format, len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		g, w := trimRow(got[i]), trimRow(want[i])
		if len(g) != len(w) {
			t.Errorf("%s row %d: %d cells %q\nwant %d %q", format, i+1, len(g), g, len(w), w)
			continue
		}
		for k := range w {
			if read(g[k]) != w[k] {
				name, _ := excelize.CoordinatesToCellName(k+1, i+1)
				t.Errorf("%s %s: %q, want %q", format, name, g[k], w[k])
			}
		}
	}
}

func trimRow(row []string) []string {
	for len(row) > 0 && row[len(row)-1] == "" {
		row = row[:len(row)-1]
	}
	return row
}
