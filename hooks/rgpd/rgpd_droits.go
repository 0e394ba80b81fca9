package rgpd

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

// ExportPerson gathers the person's record, the duplicates merged into it,
// their registrations, help, attestations and the messages sent to them or
// about them by their structure. Everything belongs to the person's
// structure, which the conseiller reads through the API rules.
func ExportPerson(app core.App, person *core.Record, now time.Time) (*personneExport, error) {
	structure, err := app.FindRecordById("structures", person.GetString("structure"))
	if err != nil {
		return nil, fmt.Errorf("structure of %s: %w", person.Id, err)
	}
	loc := frfmt.Location(structure.GetString("fuseau"))
	x := &personneExport{GenereLe: exportDate{now.In(loc)}, Structure: structure.GetString("nom"), Personne: exportFicheOf(person, loc),
		FichesFusionnees: []exportFiche{}}
	merged, err := app.FindAllRecords("beneficiaires", dbx.HashExp{"fusionne_vers": person.Id})
	if err != nil {
		return nil, fmt.Errorf("merged records of %s: %w", person.Id, err)
	}
	emails := []string{person.GetString("email")}
	for _, m := range merged {
		x.FichesFusionnees = append(x.FichesFusionnees, exportFicheOf(m, loc))
		emails = append(emails, m.GetString("email"))
	}
	if x.Inscriptions, err = exportInscriptions(app, person.Id, loc); err != nil {
		return nil, err
	}
	if x.Accompagnements, err = exportAccompagnements(app, person.Id, loc); err != nil {
		return nil, err
	}
	if x.Attestations, err = exportAttestations(app, person.Id, loc); err != nil {
		return nil, err
	}
	if x.Messages, err = exportMessages(app, person, merged, emails, loc); err != nil {
		return nil, err
	}
	return x, nil
}

func exportFicheOf(r *core.Record, loc *time.Location) exportFiche {
	at := func(field string) exportDate {
		if d := r.GetDateTime(field); !d.IsZero() {
			return exportDate{d.Time().In(loc)}
		}
		return exportDate{}
	}
	f := exportFiche{ID: r.Id, Prenom: r.GetString("prenom"), Nom: r.GetString("nom"), Telephone: r.GetString("telephone"),
		Email: r.GetString("email"), AnneeNaissance: r.GetInt("annee_naissance"), Commune: r.GetString("commune"),
		CodePostal: r.GetString("code_postal"), CodeInsee: r.GetString("code_insee"), Notes: r.GetString("notes"),
		ConsentementLe: at("consentement_le"), ConsentementVersion: r.GetString("consentement_version"),
		DerniereActivite: at("derniere_activite"), CreeLe: at("created"), ModifieLe: at("updated"), Anonymise: r.GetBool("anonymise")}
	if v := r.GetString("genre"); v != "" {
		f.Genre = referentiel.Genres.Label(v)
	}
	if v := r.GetString("statut_social"); v != "" {
		f.Situation = referentiel.StatutsSociaux.Label(v)
	}
	return f
}

func exportInscriptions(app core.App, personID string, loc *time.Location) ([]exportInscription, error) {
	var rows []struct {
		Titre       string `db:"titre"`
		Debut       string `db:"debut"`
		Fin         string `db:"fin"`
		Lieu        string `db:"lieu"`
		Statut      string `db:"statut"`
		Rang        int    `db:"rang_attente"`
		Source      string `db:"source"`
		InscritPar  string `db:"inscrit_par"`
		Rappel      string `db:"rappel_envoye_le"`
		Enregistree string `db:"created"`
		Reponses    string `db:"reponses"`
	}
	err := app.DB().Select("a.titre", "s.debut", "s.fin", "l.nom AS lieu", "i.statut", "CASE WHEN i.statut = 'liste_attente' THEN "+seances.RangAttenteSQL("i")+" ELSE 0 END AS rang_attente", "i.source",
		"i.inscrit_par", "i.rappel_envoye_le", "i.created", "coalesce(i.reponses, '') AS reponses").
		From("inscriptions i").
		InnerJoin("seances s", dbx.NewExp("s.id = i.seance")).
		InnerJoin("ateliers a", dbx.NewExp("a.id = s.atelier")).
		LeftJoin("lieux l", dbx.NewExp("l.id = s.lieu")).
		Where(dbx.HashExp{"i.beneficiaire": personID}).OrderBy("s.debut DESC").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("export registrations of %s: %w", personID, err)
	}
	out := []exportInscription{}
	for _, r := range rows {
		out = append(out, exportInscription{Atelier: r.Titre, Debut: dbExportDate(r.Debut, loc), Fin: dbExportDate(r.Fin, loc),
			Lieu: r.Lieu, Statut: referentiel.StatutsInscription.Label(r.Statut), RangAttente: r.Rang,
			Source: referentiel.SourcesInscription.Label(r.Source), InscritPar: r.InscritPar,
			RappelEnvoye: dbExportDate(r.Rappel, loc), EnregistreeLe: dbExportDate(r.Enregistree, loc),
			Reponses: orEmpty(seances.ParseReponses(r.Reponses))})
	}
	return out, nil
}

func dbExportDate(s string, loc *time.Location) exportDate {
	if t := model.ParseDBDate(s); !t.IsZero() {
		return exportDate{t.In(loc)}
	}
	return exportDate{}
}

func exportAccompagnements(app core.App, personID string, loc *time.Location) ([]exportAccompagnement, error) {
	helps, err := app.FindRecordsByFilter("accompagnements", "beneficiaire = {:b}", "-date", 0, 0, dbx.Params{"b": personID})
	if err != nil {
		return nil, fmt.Errorf("export help of %s: %w", personID, err)
	}
	tags, err := exportEtiquettes(app, helps)
	if err != nil {
		return nil, err
	}
	out := []exportAccompagnement{}
	for _, h := range helps {
		a := exportAccompagnement{Date: exportDate{h.GetDateTime("date").Time().In(loc)}, DureeMinutes: h.GetInt("duree_minutes"),
			TypeLieu: referentiel.TypesLieu.Label(h.GetString("type_lieu")), Commune: h.GetString("commune"),
			Thematiques: referentiel.Thematiques.Labels(h.GetStringSlice("thematiques")),
			Materiel:    referentiel.Materiels.Labels(h.GetStringSlice("materiel")),
			Demarche:    h.GetString("demarche"), Oriente: h.GetBool("oriente"), Notes: h.GetString("notes"),
			ThematiquesDemarche:   referentiel.ThematiquesDemarche.Labels(h.GetStringSlice("thematiques_demarche")),
			PremierAccompagnement: h.GetBool("premier_accompagnement"), Etiquettes: []string{}}
		for _, id := range h.GetStringSlice("etiquettes") {
			if nom, ok := tags[id]; ok {
				a.Etiquettes = append(a.Etiquettes, nom)
			}
		}
		if v := h.GetString("autonomie"); v != "" {
			a.Autonomie = referentiel.Autonomies.Label(v)
		}
		if v := h.GetString("structure_redirection"); v != "" {
			a.StructureRedirection = referentiel.StructuresRedirection.Label(v)
		}
		if h.GetBool("oriente") {
			if a.SuiviOrientation, err = exportSuivi(app, h.Id, loc); err != nil {
				return nil, err
			}
		}
		out = append(out, a)
	}
	return out, nil
}

func exportAttestations(app core.App, personID string, loc *time.Location) ([]exportAttestation, error) {
	attestations, err := app.FindRecordsByFilter("attestations", "beneficiaire = {:b}", "-emise_le", 0, 0, dbx.Params{"b": personID})
	if err != nil {
		return nil, fmt.Errorf("export attestations of %s: %w", personID, err)
	}
	out := []exportAttestation{}
	for _, a := range attestations {
		x := exportAttestation{Code: a.GetString("code"), EmiseLe: exportDate{a.GetDateTime("emise_le").Time().In(loc)}, Seances: []string{}}
		if ids := a.GetStringSlice("seances"); len(ids) > 0 {
			if x.Seances, err = seanceLabels(app, ids, loc); err != nil {
				return nil, err
			}
		}
		out = append(out, x)
	}
	return out, nil
}

// seanceLabels names sessions as « Titre, date ».
func seanceLabels(app core.App, ids []string, loc *time.Location) ([]string, error) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	var rows []struct {
		Titre string `db:"titre"`
		Debut string `db:"debut"`
	}
	err := app.DB().Select("a.titre", "s.debut").From("seances s").InnerJoin("ateliers a", dbx.NewExp("a.id = s.atelier")).
		Where(dbx.In("s.id", args...)).OrderBy("s.debut").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("sessions of an attestation: %w", err)
	}
	out := []string{}
	for _, r := range rows {
		out = append(out, r.Titre+", "+frfmt.Date(model.ParseDBDate(r.Debut).In(loc)))
	}
	return out, nil
}

// exportMessages lists the messages the person's structure sent about them
// (their record, a merged one, or one of their registrations) or to one of
// their addresses, unless about another person's registration.
func exportMessages(app core.App, person *core.Record, merged []*core.Record, emails []string, loc *time.Location) ([]exportMessage, error) {
	about := []any{person.Id}
	for _, m := range merged {
		about = append(about, m.Id)
	}
	var regs []string
	if err := app.DB().Select("id").From("inscriptions").Where(dbx.HashExp{"beneficiaire": person.Id}).Column(&regs); err != nil {
		return nil, fmt.Errorf("registrations of %s: %w", person.Id, err)
	}
	for _, r := range regs {
		about = append(about, r)
	}
	match := []dbx.Expression{dbx.In("cible", about...)}
	for i, email := range emails {
		if email == "" {
			continue
		}
		p := fmt.Sprintf("email%d", i)
		match = append(match, dbx.NewExp("lower(destinataire) = lower({:"+p+"}) AND NOT EXISTS "+
			"(SELECT 1 FROM inscriptions other WHERE other.id = envois.cible AND other.beneficiaire != {:person})",
			dbx.Params{p: email, "person": person.Id}))
	}
	var rows []struct {
		Created      string `db:"created"`
		Canal        string `db:"canal"`
		Destinataire string `db:"destinataire"`
		Objet        string `db:"objet"`
		Evenement    string `db:"evenement"`
		Statut       string `db:"statut"`
		EnvoyeLe     string `db:"envoye_le"`
		Livraison    string `db:"livraison"`
		LivraisonLe  string `db:"livraison_le"`
	}
	err := app.DB().Select("created", "canal", "destinataire", "objet", "evenement", "statut", "envoye_le",
		"livraison", "livraison_le").From("envois").
		Where(dbx.And(dbx.HashExp{"structure": person.GetString("structure")}, dbx.Or(match...))).
		OrderBy("created DESC").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("messages of %s: %w", person.Id, err)
	}
	out := []exportMessage{}
	for _, r := range rows {
		out = append(out, exportMessage{Date: dbExportDate(r.Created, loc), Canal: referentiel.CanauxEnvoi.Label(r.Canal),
			Destinataire: r.Destinataire, Objet: r.Objet, Evenement: referentiel.EvenementsEnvoi.Label(r.Evenement),
			Statut: referentiel.StatutsEnvoi.Label(r.Statut), EnvoyeLe: dbExportDate(r.EnvoyeLe, loc),
			Livraison: livraisons[r.Livraison], LivraisonLe: dbExportDate(r.LivraisonLe, loc)})
	}
	return out, nil
}

// exportDate is a date of the export: French on the page, ISO 8601 in the
// JSON file, absent when unknown.
type exportDate struct{ time.Time }

type exportFiche struct {
	ID                  string     `json:"id"`
	Prenom              string     `json:"prenom"`
	Nom                 string     `json:"nom"`
	Telephone           string     `json:"telephone"`
	Email               string     `json:"email"`
	AnneeNaissance      int        `json:"annee_naissance,omitempty"`
	Genre               string     `json:"genre"`
	Situation           string     `json:"situation"`
	Commune             string     `json:"commune"`
	CodePostal          string     `json:"code_postal"`
	CodeInsee           string     `json:"code_insee"`
	Notes               string     `json:"notes"`
	ConsentementLe      exportDate `json:"consentement_le"`
	ConsentementVersion string     `json:"consentement_version"`
	DerniereActivite    exportDate `json:"derniere_activite"`
	CreeLe              exportDate `json:"cree_le"`
	ModifieLe           exportDate `json:"modifie_le"`
	Anonymise           bool       `json:"anonymise"`
}

type exportInscription struct {
	Atelier       string     `json:"atelier"`
	Debut         exportDate `json:"debut"`
	Fin           exportDate `json:"fin"`
	Lieu          string     `json:"lieu"`
	Statut        string     `json:"statut"`
	RangAttente   int        `json:"rang_attente,omitempty"`
	Source        string     `json:"source"`
	InscritPar    string     `json:"inscrit_par"`
	RappelEnvoye  exportDate `json:"rappel_envoye_le"`
	EnregistreeLe exportDate `json:"enregistree_le"`
	// Reponses are the answers to the session's questions.
	Reponses []seances.Reponse `json:"reponses"`
}

type exportAccompagnement struct {
	Date                 exportDate `json:"date"`
	DureeMinutes         int        `json:"duree_minutes"`
	TypeLieu             string     `json:"type_lieu"`
	Commune              string     `json:"commune"`
	Thematiques          []string   `json:"thematiques"`
	Materiel             []string   `json:"materiel"`
	Autonomie            string     `json:"autonomie"`
	Demarche             string     `json:"demarche"`
	Oriente              bool       `json:"oriente"`
	StructureRedirection string     `json:"structure_redirection"`
	Notes                string     `json:"notes"`
	// The answers to « Êtes-vous allé à … ? » of a referral, oldest first.
	SuiviOrientation []exportReponse `json:"suivi_orientation,omitempty"`
	// La Coop's 2025 model (migration 1763900028).
	ThematiquesDemarche   []string `json:"thematiques_demarche"`
	PremierAccompagnement bool     `json:"premier_accompagnement"`
	Etiquettes            []string `json:"etiquettes"`
}

// exportEtiquettes names the tags of the person's helps.
func exportEtiquettes(app core.App, helps []*core.Record) (map[string]string, error) {
	var ids []string
	for _, h := range helps {
		ids = append(ids, h.GetStringSlice("etiquettes")...)
	}
	names := map[string]string{}
	if len(ids) == 0 {
		return names, nil
	}
	records, err := app.FindRecordsByIds("etiquettes", ids)
	if err != nil {
		return nil, fmt.Errorf("export tags: %w", err)
	}
	for _, r := range records {
		names[r.Id] = r.GetString("nom")
	}
	return names, nil
}

type exportAttestation struct {
	Code    string     `json:"code"`
	EmiseLe exportDate `json:"emise_le"`
	Seances []string   `json:"seances"`
}

type exportMessage struct {
	Date         exportDate `json:"date"`
	Canal        string     `json:"canal"`
	Destinataire string     `json:"destinataire"`
	Objet        string     `json:"objet"`
	Evenement    string     `json:"evenement"`
	Statut       string     `json:"statut"`
	EnvoyeLe     exportDate `json:"envoye_le"`
	// What the SMS provider reported, when it did.
	Livraison   string     `json:"livraison,omitempty"`
	LivraisonLe exportDate `json:"livraison_le"`
}

// livraisons are the delivery states of an SMS as people read them.
var livraisons = map[string]string{"en_cours": "en route vers le téléphone", "livre": "reçu sur le téléphone",
	"non_livre": "non reçu par le téléphone"}

// personneExport is everything Atelier holds about one person.
type personneExport struct {
	GenereLe         exportDate             `json:"genere_le"`
	Structure        string                 `json:"structure"`
	Personne         exportFiche            `json:"personne"`
	FichesFusionnees []exportFiche          `json:"fiches_fusionnees"`
	Inscriptions     []exportInscription    `json:"inscriptions"`
	Accompagnements  []exportAccompagnement `json:"accompagnements"`
	Attestations     []exportAttestation    `json:"attestations"`
	Messages         []exportMessage        `json:"messages"`
}

func LoadErasure(app core.App, record *core.Record, now time.Time) (*effacementData, error) {
	data := &effacementData{ID: record.Id, Nom: model.PersonName(record), Deja: record.GetBool("anonymise"),
		ConfirmationOpts: erasureConfirmation, Errors: formulaire.Erreurs{}}
	for collection, n := range map[string]*int{"inscriptions": &data.Inscriptions, "accompagnements": &data.Accompagnements,
		"attestations": &data.Attestations} {
		total, err := app.CountRecords(collection, dbx.HashExp{"beneficiaire": record.Id})
		if err != nil {
			return nil, fmt.Errorf("count %s of %s: %w", collection, record.Id, err)
		}
		*n = int(total)
	}
	structure, err := app.FindRecordById("structures", record.GetString("structure"))
	if err != nil {
		return nil, fmt.Errorf("structure of %s: %w", record.Id, err)
	}
	loc := frfmt.Location(structure.GetString("fuseau"))
	var rows []struct {
		Titre string `db:"titre"`
		Debut string `db:"debut"`
	}
	err = app.DB().Select("a.titre", "s.debut").From("inscriptions i").
		InnerJoin("seances s", dbx.NewExp("s.id = i.seance")).InnerJoin("ateliers a", dbx.NewExp("a.id = s.atelier")).
		Where(dbx.NewExp("i.beneficiaire = {:b} AND i.statut IN ('inscrit', 'liste_attente') AND s.statut = 'planifiee' AND s.debut > {:now}",
			dbx.Params{"b": record.Id, "now": model.DBDate(now)})).OrderBy("s.debut").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("upcoming registrations of %s: %w", record.Id, err)
	}
	for _, r := range rows {
		d := model.ParseDBDate(r.Debut).In(loc)
		data.AVenir = append(data.AVenir, r.Titre+", "+frfmt.Date(d)+" à "+frfmt.Heure(d))
	}
	return data, nil
}

type effacementData struct {
	ID, Nom          string
	Deja             bool // already anonymised
	Inscriptions     int
	Accompagnements  int
	Attestations     int
	AVenir           []string // registrations to sessions ahead, cancelled by the erasure
	Confirmation     []string
	ConfirmationOpts []formulaire.Option
	Errors           formulaire.Erreurs
}

// RequestLogDelay is longer than PocketBase's request log batching.
const RequestLogDelay = 30 * time.Second

var erasureConfirmation = []formulaire.Option{{Value: "oui", Label: "La personne a demandé que ses données soient effacées."}}

// ErasedFields are the fields the erasure empties on the record: the
// update rule is asked about them before anything changes.
var ErasedFields = map[string]any{"prenom": "", "nom": "", "telephone": "", "email": "", "notes": "", "anonymise": true}

func (d exportDate) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.Format(time.RFC3339))
}

// orEmpty writes no answers as an empty list in the file, not null.
func orEmpty(rs []seances.Reponse) []seances.Reponse {
	if rs == nil {
		return []seances.Reponse{}
	}
	return rs
}
