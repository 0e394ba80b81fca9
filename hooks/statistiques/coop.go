package statistiques

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/lib/stats"
	"atelier/hooks/lib/tableur"
)

// La Coop's activity export, cell for cell, so that a structure can hand
// the same file to whoever reads La Coop's. Followed, in the public
// repository inclusion-numerique/coop-mediation-numerique (apps/web/src/):
//
//   - features/activites/use-cases/list/export/buildAccompagnementsWorksheet.ts
//     at 0b78df5fd3ef (the columns, one row per participant, « 1 » or
//     « i/N », the line breaks, the positions, the table with filters);
//   - libs/worksheet/addExportMetadata.ts at 38411ac7d58e and
//     addTitleRow.ts at 4c4d3f17c8e0 (the information block);
//   - worksheet/buildWorksheetHelpers.ts at 03b6c4f01175 (the filters block);
//   - features/activites/use-cases/list/components/generateActivitesFiltersLabels.ts
//     at 03b6c4f01175 and utils/dateAsDay.ts at 06b281bf3f0e (the period);
//   - utils/getUserRoleLabel.ts at db508cdfe880 (who exported);
//   - features/activites/use-cases/list/db/searchActivite.ts at 0b37b26fc3d6
//     and list/components/ActivitesDataTable.tsx at 06b281bf3f0e (the
//     most recent activity first);
//   - the labels: referentiel.TypesLieuCoop, MaterielsCoop,
//     StructuresRedirectionCoop (see there), and features/beneficiaire/
//     domain/genre.ts, statut-social.ts, tranche-age.ts, features/
//     activites/use-cases/cra/fields/thematique.ts, type-activite.ts,
//     individuel/fields/autonomie.ts, collectif/fields/niveau-atelier.ts,
//     whose labels Atelier's referentiel already holds.
//
// La Coop writes the export of one's own activities with the columns
// « Bénéficiaire » and « Notes supplémentaires » (29 columns); Atelier adds
// its own after them (activityColumns).
//
// The 2025 model (migration 1763900028): « Thématique(s) d’accompagnement »
// holds the administrative sub-thématiques after the themes, « Tags » the
// help's tags' names, one per line (tags.map(({ tag: { nom } }) => nom) in
// buildAccompagnementsWorksheet.ts); a session carries no tag in Atelier,
// and a conseiller's own tags stay out (the loader reads the structure's
// only: the file goes to référents and coordinateurs too).
//
// Two cells differ on purpose, for Atelier's privacy rules. The file
// leaves the application and is handed on to whoever reads La Coop's
// files, and Atelier's statistics files never name a beneficiary (the
// same rows may go to référents and coordinateurs, who read no names).
// So « Bénéficiaire » holds what La Coop writes for an anonymous
// beneficiary (displayNameFromIdentity in features/beneficiaire/domain/
// beneficiaire.ts at 46aa33bdf21c), and « Notes supplémentaires », free
// text about a person, stays empty.

// coopColumns are La Coop's columns, in its order.
var coopColumns = []string{"Date", "Enregistré le", "Dernière modification le", "Type", "Participants", "Bénéficiaire",
	"Canaux d’accompagnement", "Nom du lieu", "Adresse", "Commune", "Code postal", "Code Insee", "Durée (min)",
	"Nom de l’atelier", "Matériel numérique utilisé", "Thématique(s) d’accompagnement", "Tags",
	"Nom de la démarche administrative", "Niveau d’autonomie (ou de l’atelier)", "Bénéficiaire réorienté",
	"Structure de redirection", "Commune du bénéficiaire", "Code postal du bénéficiaire", "Code Insee du bénéficiaire",
	"Genre du bénéficiaire", "Tranche d’âge du bénéficiaire", "Statut du bénéficiaire", "Notes supplémentaires", "ID CRA"}

// activityColumns are the export's columns: La Coop's, then Atelier's.
var activityColumns = append(slices.Clip(coopColumns), "Conseiller")

// beneficiaireAnonyme is what La Coop writes for a beneficiary it does
// not follow by name.
const beneficiaireAnonyme = "Bénéficiaire anonyme"

// Types of activity rows, as La Coop names them.
const (
	typeIndividuel = "Accompagnement individuel"
	typeCollectif  = "Atelier collectif"
)

// coopLineBreak separates the values of a multi-valued cell, as La Coop.
const coopLineBreak = "\n"

// Exporteur is the person who downloads the export.
type Exporteur struct {
	Prenom, Nom string
	Role        string // referentiel.Roles value
}

// ActivityExport is the whole export: who exported it and when, the
// filters, and the rows.
type ActivityExport struct {
	Exporteur Exporteur
	Le        time.Time // the export's instant, in the zone its date and hour are written in
	Periode   stats.Periode
	Lieux     []string // the structures chosen in the filters, none when not filtered
	Lignes    []activityRow
}

// NewActivityExport builds the export of the activities of d within f,
// as by downloads it at now. The date and hour are those of the counted
// structure, or of the mainland when several are.
func NewActivityExport(d *stats.Donnees, f stats.Filtre, by Exporteur, now time.Time, lieux []string) ActivityExport {
	loc := frfmt.Location("")
	if len(d.Structures) == 1 {
		for id := range d.Structures {
			loc = d.Fuseau(id)
		}
	}
	return ActivityExport{Exporteur: by, Le: now.In(loc), Periode: f.Periode, Lieux: lieux, Lignes: ActivityRows(d, f)}
}

// activityRow is one line of the export: one participant of an activity.
type activityRow struct {
	Date                stats.Date // in the structure's zone
	Enregistre, Modifie time.Time  // in the structure's zone
	Type                string
	// Rang is the participant's rank among the activity's Participants:
	// La Coop writes « 1 » for an activity of one, else « Rang/Participants ».
	Rang, Participants                               int
	Canal                                            string
	NomLieu, Adresse, Commune, CodePostal, CodeInsee string
	DureeMinutes                                     int
	Atelier, Materiel, Thematiques, Etiquettes       string
	Demarche, Autonomie, Reoriente, Redirection      string
	CommuneBeneficiaire, CodePostalBeneficiaire      string
	CodeInseeBeneficiaire                            string
	Genre, TrancheAge, Statut                        string
	ID                                               string // the session's or the help's: La Coop's « ID CRA »
	Conseiller                                       string
}

// participant is what a row says about one participant.
type participant struct {
	Commune, CodePostal, CodeInsee string
	Genre, TrancheAge, Statut      string // referentiel values
	id                             string // the person's, to order a session's participants
}

// ActivityRows lists one row per participant of the held sessions and
// one per one-to-one help of the filter, the most recent activity first.
// Sessions not held (planned, cancelled) are not activities; a held
// session without a participant has no row, as in La Coop, where an
// activity's rows are its participants.
func ActivityRows(d *stats.Donnees, f stats.Filtre) []activityRow {
	type activity struct {
		first activityRow // the columns shared by the activity's rows
		who   []participant
	}
	var list []activity
	for i := range d.Seances {
		s := &d.Seances[i]
		if s.Statut != "realisee" || !d.SeanceDans(s, f) {
			continue
		}
		day := stats.DateDe(d.Local(s.Structure, s.Debut))
		r := activityRow{Date: day, Enregistre: d.Local(s.Structure, s.Enregistre), Modifie: d.Local(s.Structure, s.Modifie),
			Type: typeCollectif, Canal: referentiel.TypesLieuCoop.Label("lieu_activite"),
			NomLieu: s.Lieu.Nom, Adresse: s.Lieu.Adresse, Commune: s.Lieu.Commune, CodePostal: s.Lieu.CodePostal,
			CodeInsee: s.Lieu.CodeInsee, DureeMinutes: s.DureeMinutes(), Atelier: s.Atelier,
			Materiel: coopLabels(referentiel.MaterielsCoop, s.Materiel), Thematiques: coopLabels(referentiel.Thematiques, s.Thematiques),
			Autonomie: coopPosition(referentiel.Niveaux, s.Niveau), ID: s.ID, Conseiller: strings.Join(s.Animateurs, coopLineBreak)}
		list = append(list, activity{r, seanceParticipants(s, day.Annee)})
	}
	for i := range d.Accompagnements {
		a := &d.Accompagnements[i]
		if d.AccompagnementDans(a, f) {
			r, p := accompagnementActivityRow(d, a)
			list = append(list, activity{r, []participant{p}})
		}
	}
	slices.SortStableFunc(list, func(x, y activity) int {
		if c := cmp.Compare(y.first.Date.String(), x.first.Date.String()); c != 0 {
			return c
		}
		if c := y.first.Enregistre.Compare(x.first.Enregistre); c != 0 {
			return c
		}
		return cmp.Compare(x.first.ID, y.first.ID)
	})
	var rows []activityRow
	for _, act := range list {
		for i, p := range act.who {
			r := act.first
			r.Rang, r.Participants = i+1, len(act.who)
			r.CommuneBeneficiaire, r.CodePostalBeneficiaire, r.CodeInseeBeneficiaire = p.Commune, p.CodePostal, p.CodeInsee
			r.Genre = referentiel.Genres.Label(orNonCommunique(p.Genre))
			r.TrancheAge = referentiel.TranchesAge.Label(orNonCommunique(p.TrancheAge))
			r.Statut = referentiel.StatutsSociaux.Label(orNonCommunique(p.Statut))
			rows = append(rows, r)
		}
	}
	return rows
}

// seanceParticipants are the people marked present, then the anonymous
// participants, who told nothing about themselves (La Coop's anonymous
// participants: « Non communiqué »). The order of the present is the
// people's ids: stable from one export to the next.
func seanceParticipants(s *stats.Seance, annee int) []participant {
	var who []participant
	for _, i := range s.Inscriptions {
		if i.Statut != "present" {
			continue
		}
		p := i.Personne
		who = append(who, participant{Commune: p.Commune, CodePostal: p.CodePostal, CodeInsee: p.CodeInsee, Genre: p.Genre,
			TrancheAge: referentiel.TrancheAgeDeNaissance(p.AnneeNaissance, annee), Statut: p.StatutSocial, id: p.ID})
	}
	slices.SortStableFunc(who, func(x, y participant) int { return cmp.Compare(x.id, y.id) })
	for range s.ParticipantsAnonymes {
		who = append(who, participant{})
	}
	return who
}

func accompagnementActivityRow(d *stats.Donnees, a *stats.Accompagnement) (activityRow, participant) {
	day := stats.DateDe(d.Local(a.Structure, a.Date))
	r := activityRow{Date: day, Enregistre: d.Local(a.Structure, a.Enregistre), Modifie: d.Local(a.Structure, a.Modifie),
		Type: typeIndividuel, Canal: referentiel.TypesLieuCoop.Label(a.TypeLieu),
		Commune: a.Commune, CodePostal: a.CodePostal, CodeInsee: a.CodeInsee, DureeMinutes: a.DureeMinutes,
		Materiel: coopLabels(referentiel.MaterielsCoop, a.Materiel),
		// La Coop keeps the administrative sub-thématiques in the themes'
		// list, after « Aide aux démarches administratives », and writes
		// both in the same cell (thematiqueLabels).
		Thematiques: strings.Join(append(referentiel.Thematiques.Labels(a.Thematiques),
			referentiel.ThematiquesDemarche.Labels(a.ThematiquesDemarche)...), coopLineBreak),
		Etiquettes: strings.Join(a.Etiquettes, coopLineBreak),
		Demarche:   a.Demarche, Autonomie: coopPosition(referentiel.Autonomies, a.Autonomie), Reoriente: "Non",
		ID: a.ID, Conseiller: a.Conseiller}
	if a.StructureRedirection != "" {
		r.Redirection = referentiel.StructuresRedirectionCoop.Label(a.StructureRedirection)
	}
	if a.Oriente {
		r.Reoriente = "Oui"
	}
	if a.TypeLieu == "lieu_activite" {
		// At the structure's own place: its name and address.
		place := d.Structures[a.Structure].Adresse
		r.NomLieu, r.Adresse, r.Commune, r.CodePostal, r.CodeInsee = place.Nom, place.Adresse, place.Commune, place.CodePostal, place.CodeInsee
	}
	p := participant{TrancheAge: a.TrancheAge, Genre: a.Genre, Statut: a.StatutSocial}
	if b := a.Personne; b != nil {
		p = participant{Commune: b.Commune, CodePostal: b.CodePostal, CodeInsee: b.CodeInsee, Genre: b.Genre,
			TrancheAge: referentiel.TrancheAgeDeNaissance(b.AnneeNaissance, day.Annee), Statut: b.StatutSocial}
	}
	return r, p
}

func orNonCommunique(v string) string {
	if v == "" {
		return "non_communique"
	}
	return v
}

// coopLabels writes the labels of a multi-valued field one per line.
func coopLabels(list referentiel.List, values []string) string {
	return strings.Join(list.Labels(values), coopLineBreak)
}

// coopPosition writes a value of an ordered list as La Coop does, « 2/3 »,
// or nothing when not given.
func coopPosition(list referentiel.List, value string) string {
	n := list.Position(value)
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n) + "/" + strconv.Itoa(len(list))
}

// coopDateTime is La Coop's « dd/MM/yyyy 'à' HH:mm ».
func coopDateTime(t time.Time) string { return t.Format("02/01/2006 à 15:04") }

// participants is « 1 » for an activity of one, else « i/N ».
func (r activityRow) participants() string {
	if r.Participants == 1 {
		return "1"
	}
	return strconv.Itoa(r.Rang) + "/" + strconv.Itoa(r.Participants)
}

// cells are the row's values as text, in activityColumns' order.
func (r activityRow) cells() []string {
	modifie := ""
	if !r.Modifie.Equal(r.Enregistre) {
		modifie = coopDateTime(r.Modifie)
	}
	return []string{r.Date.Time().Format("02/01/2006"), coopDateTime(r.Enregistre), modifie, r.Type, r.participants(),
		beneficiaireAnonyme, r.Canal, r.NomLieu, r.Adresse, r.Commune, r.CodePostal, r.CodeInsee, strconv.Itoa(r.DureeMinutes),
		r.Atelier, r.Materiel, r.Thematiques, r.Etiquettes, r.Demarche, r.Autonomie, r.Reoriente, r.Redirection,
		r.CommuneBeneficiaire, r.CodePostalBeneficiaire, r.CodeInseeBeneficiaire, r.Genre, r.TrancheAge, r.Statut,
		"", r.ID, r.Conseiller}
}

// Columns of the cells La Coop writes as numbers or dates, in activityColumns.
const (
	colDate         = 0
	colParticipants = 4
	colDuree        = 12
)

// coopRoles are La Coop's words for who exported (getUserRoleLabel);
// a référent, unknown to La Coop, is written with Atelier's word.
var coopRoles = map[string]string{"conseiller": "Conseiller Numérique", "coordinateur": "Coordinateur"}

// grid is the export as La Coop lays it out in its sheet: the
// information block, the filters, a blank row, then the table (header
// first). A nil row is a blank row.
func (x ActivityExport) grid() (block [][]string, table [][]string) {
	role := coopRoles[x.Exporteur.Role]
	if role == "" {
		role = referentiel.Roles.Label(x.Exporteur.Role)
	}
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	periode := x.Periode.Du.Time().Format("02.01.2006") + " - " + x.Periode.Au.Time().Format("02.01.2006")
	block = [][]string{
		{"Informations export"},
		{"Nom", dash(x.Exporteur.Nom)},
		{"Prénom", dash(x.Exporteur.Prenom)},
		{"Rôle", role},
		{"Total", strconv.Itoa(len(x.Lignes))},
		{"Date d’export", x.Le.Format("02/01/2006")},
		{"Heure d’export", x.Le.Format("15:04")},
		nil,
		{"Filtres"},
		{"Période", periode},
		{"Source", "-"},
		{"Lieux d’accompagnement", dash(strings.Join(x.Lieux, ", "))},
		{"Communes", "-"},
		{"Départements", "-"},
		{"Type d’accompagnement", "-"},
		{"Rôle", "-"},
		{"Thématiques non administratives", "-"},
		{"Thématiques administratives", "-"},
		{"Tags", "-"},
		nil,
		nil, // La Coop's separator row before the table
	}
	table = append(table, activityColumns)
	for _, r := range x.Lignes {
		table = append(table, r.cells())
	}
	return block, table
}

// Rows of the information block that La Coop writes in bold.
var coopTitles = map[string]bool{"Informations export": true, "Filtres": true}

// WriteActivitiesXLSX writes the export as La Coop's workbook: one sheet
// « Activités », the information block, then an Excel table
// « Activités » with a filter button on every column; dates as dates,
// counts and minutes as numbers, every other cell as text (never a
// formula, whatever it starts with), wrapped and top-aligned.
func WriteActivitiesXLSX(w io.Writer, x ActivityExport) error {
	block, table := x.grid()
	return writeWorkbook(w, func(book *xlsxBook) error {
		book.file.SetDocProps(&excelize.DocProperties{Creator: "Atelier", LastModifiedBy: "Atelier",
			Created: x.Le.UTC().Format(time.RFC3339), Modified: x.Le.UTC().Format(time.RFC3339)})
		top := &excelize.Alignment{WrapText: true, Vertical: "top"}
		text, err := book.file.NewStyle(&excelize.Style{Alignment: top})
		if err != nil {
			return fmt.Errorf("xlsx style: %w", err)
		}
		bold, err := book.file.NewStyle(&excelize.Style{Alignment: top, Font: &excelize.Font{Bold: true}})
		if err != nil {
			return fmt.Errorf("xlsx style: %w", err)
		}
		dateFormat := "dd/mm/yyyy"
		date, err := book.file.NewStyle(&excelize.Style{Alignment: top, CustomNumFmt: &dateFormat})
		if err != nil {
			return fmt.Errorf("xlsx style: %w", err)
		}
		sheet, err := book.sheet("Activités", 0)
		if err != nil {
			return err
		}
		for i, width := range columnWidths(append(slices.Clip(block), table...)) {
			if err := sheet.stream.SetColWidth(i+1, i+1, width); err != nil {
				return fmt.Errorf("xlsx column width: %w", err)
			}
		}
		for _, line := range block {
			style := text
			if len(line) > 0 && coopTitles[line[0]] {
				style = bold
			}
			values := make([]any, len(line))
			for i, v := range line {
				values[i] = excelize.Cell{StyleID: style, Value: v}
			}
			if len(line) == 2 && line[0] == "Total" {
				values[1] = excelize.Cell{StyleID: style, Value: len(x.Lignes)}
			}
			if err := sheet.row(values...); err != nil {
				return err
			}
		}
		first := sheet.next
		for k, line := range table {
			values := make([]any, len(line))
			for i, v := range line {
				values[i] = excelize.Cell{StyleID: text, Value: v}
			}
			if k > 0 {
				r := x.Lignes[k-1]
				values[colDate] = excelize.Cell{StyleID: date, Value: r.Date.Time()}
				if r.Participants == 1 {
					values[colParticipants] = excelize.Cell{StyleID: text, Value: 1}
				}
				values[colDuree] = excelize.Cell{StyleID: text, Value: r.DureeMinutes}
			}
			if err := sheet.row(values...); err != nil {
				return err
			}
		}
		last, err := excelize.CoordinatesToCellName(len(activityColumns), sheet.next-1)
		if err != nil {
			return err
		}
		noStripes := false
		if err := sheet.stream.AddTable(&excelize.Table{Range: fmt.Sprintf("A%d:%s", first, last), Name: "Activités",
			StyleName: "TableStyleMedium2", ShowRowStripes: &noStripes}); err != nil {
			return fmt.Errorf("xlsx table: %w", err)
		}
		return nil
	})
}

// columnWidths fits each column to its longest line, within bounds, as
// La Coop sizes its columns to their content.
func columnWidths(lines [][]string) []float64 {
	widths := make([]float64, len(activityColumns))
	for _, line := range lines {
		for i, v := range line {
			if i >= len(widths) {
				break
			}
			for _, part := range strings.Split(v, "\n") {
				widths[i] = max(widths[i], float64(utf8.RuneCountInString(part))+2)
			}
		}
	}
	for i := range widths {
		widths[i] = min(max(widths[i], 10), 60)
	}
	return widths
}

// WriteActivitiesCSV writes the same cells as the workbook for a French
// spreadsheet, every cell guarded against formulas. A blank row is
// written « ; »: some CSV readers skip an empty line, which would move
// the table up.
func WriteActivitiesCSV(w io.Writer, x ActivityExport) error {
	block, table := x.grid()
	out := make([][]string, 0, len(block)+len(table))
	for _, line := range block {
		if line == nil {
			line = []string{"", ""}
		}
		out = append(out, line)
	}
	return tableur.WriteFrench(w, append(out, table...))
}
