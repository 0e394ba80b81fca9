package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"atelier/hooks/lib/texte"

	"atelier/hooks/attestations"

	"atelier/hooks/seances"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/access"
	"atelier/hooks/beneficiaires"
	"atelier/hooks/clock"
	"atelier/hooks/journal"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/pagination"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

func RegisterBeneficiaryPages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	g.GET("/beneficiaires", pe.Page(beneficiairesHandler(pe)))
	g.GET("/beneficiaires/nouveau", pe.Page(beneficiaireNewHandler(pe)))
	g.POST("/beneficiaires/nouveau", pe.Page(beneficiaireCreateHandler(pe)))
	g.GET("/beneficiaires/{id}", pe.Page(beneficiaireProfileHandler(pe)))
	g.GET("/beneficiaires/{id}/modifier", pe.Page(beneficiaireEditHandler(pe)))
	g.POST("/beneficiaires/{id}/modifier", pe.Page(beneficiaireUpdateHandler(pe)))
	g.GET("/beneficiaires/{id}/fusionner", pe.Page(beneficiaireMergeChoiceHandler(pe)))
	g.GET("/beneficiaires/{id}/fusionner/{autre}", pe.Page(beneficiaireMergeConfirmHandler(pe)))
	g.POST("/beneficiaires/{id}/fusionner/{autre}", pe.Page(beneficiaireMergePostHandler(pe)))
	g.POST("/beneficiaires/{id}/orientations/{accompagnement}", pe.Page(orientationAnswerHandler(pe)))
}

// beneficiaireOfPath loads the beneficiary named by the path parameter
// through the access rules. A merged record is returned with its kept
// record's id in kept, so that the page can send the person there.
func beneficiaireOfPath(e *core.RequestEvent, param string) (record *core.Record, kept string, err error) {
	record, err = access.WorkspaceRecord(e.App, e.Auth, "beneficiaires", e.Request.PathValue(param))
	if err != nil {
		return nil, "", err
	}
	// Merges repoint earlier merges, so one hop is enough; a few more
	// protect against records changed by hand in the admin UI.
	current := record
	for hops := 0; hops < 5 && current.GetString("fusionne_vers") != ""; hops++ {
		next, err := access.WorkspaceRecord(e.App, e.Auth, "beneficiaires", current.GetString("fusionne_vers"))
		if err != nil {
			return nil, "", err
		}
		current = next
	}
	if current != record {
		kept = current.Id
	}
	return record, kept, nil
}

func redirectToKept(e *core.RequestEvent, kept string) error {
	return redirectWithFlash(e, "/espace/beneficiaires/"+kept, "Cette fiche a été fusionnée avec celle-ci.")
}

func beneficiairesHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff, err := access.PeopleReader(e)
		if err != nil {
			return err
		}
		data := &beneficiaires.BeneficiairesData{Q: texte.Recherche(e.Request.URL.Query().Get("q")), Limite: 50}
		if data.Structures, err = seances.StructureNames(e.App, staff.Structures); err != nil {
			return err
		}
		if data.Q != "" {
			data.Recherche = true
			if data.Hits, err = beneficiaires.SearchBeneficiaires(e.App, staff, "", data.Q, int64(data.Limite+1)); err != nil {
				return err
			}
			if len(data.Hits) > data.Limite {
				data.Hits, data.Tronque = data.Hits[:data.Limite], true
			}
		} else if err := beneficiaires.RecentBeneficiaires(e.App, staff, pagination.Demandee(e.Request.URL.Query()), data); err != nil {
			return err
		}
		if err := journalList(e, "", len(data.Hits), journal.SearchDetails("Liste des bénéficiaires", data.Q)); err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "beneficiaires", "Bénéficiaires", data)
	}
}

type beneficiaireFormData struct {
	Form         beneficiaires.BeneficiaireForm
	Errors       formulaire.Erreurs
	Action       string
	Creation     bool
	ID, Nom      string                          // edit: the record and its current name
	Structure    string                          // create: the chosen structure
	Structures   []formulaire.Option             // create: offered when the person works in several
	Doublons     []beneficiaires.LikelyDuplicate // create: people this one may already be
	Consentement []formulaire.Option             // create: the person's agreement
}

func beneficiaireNewHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff, err := access.PeopleReader(e)
		if err != nil {
			return err
		}
		data, err := newBeneficiaireFormData(e.App, staff, "")
		if err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "beneficiaire_form", "Ajouter une personne", data)
	}
}

func newBeneficiaireFormData(app core.App, staff *model.StaffView, structure string) (*beneficiaireFormData, error) {
	data := &beneficiaireFormData{Errors: formulaire.Erreurs{}, Action: "/espace/beneficiaires/nouveau", Creation: true, Structure: structure,
		Consentement: beneficiaires.StaffConsentOptions}
	if len(staff.Structures) == 0 {
		return nil, access.ErrForbidden // a conseiller attached to no structure follows nobody
	}
	if len(staff.Structures) > 1 {
		var err error
		if data.Structures, err = model.StructureOptions(app, staff); err != nil {
			return nil, err
		}
	}
	return data, nil
}

func beneficiaireCreateHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff, err := access.PeopleReader(e)
		if err != nil {
			return err
		}
		if err := e.Request.ParseForm(); err != nil {
			return fmt.Errorf("parse new beneficiary form: %w", err)
		}
		structure := formText(e, "structure")
		data, err := newBeneficiaireFormData(e.App, staff, structure)
		if err != nil {
			return err
		}
		data.Form = parseBeneficiaireForm(e.Request.PostForm)
		data.Errors = data.Form.ValidateNew(clock.Now(e.App))
		if structure == "" && len(staff.Structures) == 1 {
			structure, data.Structure = staff.Structures[0], staff.Structures[0]
		}
		if !staff.Member(structure) {
			data.Errors["structure"] = "Choisissez la structure qui suit cette personne."
		}
		if len(data.Errors) > 0 {
			return pe.render(e, http.StatusUnprocessableEntity, "beneficiaire_form", "Ajouter une personne", data)
		}
		if formText(e, "doublon") != "confirme" {
			if data.Doublons, err = beneficiaires.DoublonsPossibles(e.App, structure, &data.Form); err != nil {
				return err
			}
			if len(data.Doublons) > 0 {
				return pe.render(e, http.StatusConflict, "beneficiaire_form", "Ajouter une personne", data)
			}
		}
		collection, err := e.App.FindCachedCollectionByNameOrId("beneficiaires")
		if err != nil {
			return fmt.Errorf("beneficiaries collection: %w", err)
		}
		record := core.NewRecord(collection)
		record.Set("structure", structure)
		data.Form.Apply(record)
		beneficiaires.RecordConsent(record, clock.Now(e.App))
		err = e.App.RunInTransaction(func(tx core.App) error {
			if err := access.CreateChecked(tx, e.Auth, record); err != nil {
				return err
			}
			return journal.LogAccess(tx, e.Auth, journal.Creation, record, "")
		})
		if err != nil {
			return fmt.Errorf("create beneficiary: %w", err)
		}
		return redirectWithFlash(e, "/espace/beneficiaires/"+record.Id, "La fiche de "+model.PersonName(record)+" est créée.")
	}
}

func beneficiaireEditHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if _, err := access.PeopleReader(e); err != nil {
			return err
		}
		record, kept, err := beneficiaireOfPath(e, "id")
		if err != nil {
			return err
		}
		if kept != "" {
			return redirectToKept(e, kept)
		}
		// The form shows the whole record: a read like the profile's.
		if err := journal.LogAccess(e.App, e.Auth, journal.Consultation, record, "Formulaire de modification"); err != nil {
			return err
		}
		data := editFormData(record)
		data.Form = beneficiaires.BeneficiaireFormOf(record)
		return pe.render(e, http.StatusOK, "beneficiaire_form", "Modifier la fiche de "+data.Nom, data)
	}
}

func editFormData(record *core.Record) *beneficiaireFormData {
	return &beneficiaireFormData{Errors: formulaire.Erreurs{}, ID: record.Id, Nom: model.PersonName(record),
		Action: "/espace/beneficiaires/" + record.Id + "/modifier"}
}

func beneficiaireUpdateHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if _, err := access.PeopleReader(e); err != nil {
			return err
		}
		record, kept, err := beneficiaireOfPath(e, "id")
		if err != nil {
			return err
		}
		if kept != "" {
			return redirectToKept(e, kept)
		}
		if err := e.Request.ParseForm(); err != nil {
			return fmt.Errorf("parse beneficiary form: %w", err)
		}
		data := editFormData(record)
		data.Form = parseBeneficiaireForm(e.Request.PostForm)
		if data.Errors = data.Form.Validate(clock.Now(e.App)); len(data.Errors) > 0 {
			return pe.render(e, http.StatusUnprocessableEntity, "beneficiaire_form", "Modifier la fiche de "+data.Nom, data)
		}
		err = e.App.RunInTransaction(func(tx core.App) error {
			if err := access.UpdateChecked(tx, e.Auth, record, beneficiaires.BeneficiaireChanges(record, &data.Form)); err != nil {
				return err
			}
			return journal.LogAccess(tx, e.Auth, journal.Modification, record, "")
		})
		if err != nil {
			return fmt.Errorf("update beneficiary %s: %w", record.Id, err)
		}
		return redirectWithFlash(e, "/espace/beneficiaires/"+record.Id, "La fiche de "+model.PersonName(record)+" est enregistrée.")
	}
}

type beneficiaireProfil struct {
	ID, Prenom, Nom, Telephone, Email, Genre, StatutSocial     string
	Commune, CodePostal, Notes, Structure, ConsentementVersion string
	ConsentementDeclare                                        bool // declared by the structure (an import)
	Annee                                                      int
	ConsentementLe, DerniereActivite                           time.Time

	Inscriptions         []profilInscription
	Presences, Absences  int
	MinutesPresent       int
	Accompagnements      []profilAccompagnement
	Attestations         *attestations.AttestationsProfil
	PlusieursStructures  bool
	AccompagnementsTotal int
	Suivi                *suiviVue // needs, autonomy, referrals, workshops to offer
}

type profilInscription struct {
	SeanceID, Titre, Statut string
	Debut, Fin              time.Time
}

type profilAccompagnement struct {
	ID, Conseiller string
	Date           time.Time
	DureeMinutes   int
	Thematiques    []string // labels
	Modifiable     bool     // one's own: the update rule allows it
}

func beneficiaireProfileHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff, err := access.PeopleReader(e)
		if err != nil {
			return err
		}
		record, kept, err := beneficiaireOfPath(e, "id")
		if err != nil {
			return err
		}
		if kept != "" {
			return redirectToKept(e, kept)
		}
		profil, err := loadProfil(e.App, e.Auth, staff, record)
		if err != nil {
			return err
		}
		if profil.Suivi, err = loadSuiviVue(e.App, record, nil, nil); err != nil {
			return err
		}
		if err := journal.LogAccess(e.App, e.Auth, journal.Consultation, record, ""); err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "beneficiaire", profil.Prenom+" "+profil.Nom, profil)
	}
}

func loadProfil(app core.App, auth *core.Record, staff *model.StaffView, r *core.Record) (*beneficiaireProfil, error) {
	structure, err := app.FindRecordById("structures", r.GetString("structure"))
	if err != nil {
		return nil, fmt.Errorf("structure of %s: %w", r.Id, err)
	}
	loc := frfmt.Location(structure.GetString("fuseau"))
	p := &beneficiaireProfil{ID: r.Id, Prenom: r.GetString("prenom"), Nom: r.GetString("nom"),
		Telephone: r.GetString("telephone"), Email: r.GetString("email"), Genre: r.GetString("genre"),
		StatutSocial: r.GetString("statut_social"), Commune: r.GetString("commune"), CodePostal: r.GetString("code_postal"),
		Notes: r.GetString("notes"), Structure: structure.GetString("nom"), Annee: r.GetInt("annee_naissance"),
		ConsentementVersion: r.GetString("consentement_version"), PlusieursStructures: len(staff.Structures) > 1,
		ConsentementDeclare: r.GetString("consentement_source") == beneficiaires.ConsentementDeclare}
	if t := r.GetDateTime("consentement_le"); !t.IsZero() {
		p.ConsentementLe = t.Time().In(loc)
	}
	if t := r.GetDateTime("derniere_activite"); !t.IsZero() {
		p.DerniereActivite = t.Time().In(loc)
	}
	if err := p.loadInscriptions(app, staff, loc); err != nil {
		return nil, err
	}
	if err := p.loadAccompagnements(app, auth, loc); err != nil {
		return nil, err
	}
	if p.Attestations, err = attestations.LoadAttestationsProfil(app, staff, r, loc); err != nil {
		return nil, err
	}
	return p, nil
}

// loadInscriptions reads the person's registrations, newest session first,
// and sums their attendance.
func (p *beneficiaireProfil) loadInscriptions(app core.App, staff *model.StaffView, loc *time.Location) error {
	rows, err := beneficiaires.InscriptionsOf(app, p.ID, staff.Scope("s.structure"))
	if err != nil {
		return err
	}
	for _, row := range rows {
		debut, _ := types.ParseDateTime(row.Debut)
		fin, _ := types.ParseDateTime(row.Fin)
		ins := profilInscription{SeanceID: row.Seance, Titre: row.Titre, Statut: row.Statut,
			Debut: debut.Time().In(loc), Fin: fin.Time().In(loc)}
		switch row.Statut {
		case "present":
			p.Presences++
			p.MinutesPresent += int(ins.Fin.Sub(ins.Debut).Minutes())
		case "absent":
			p.Absences++
		}
		p.Inscriptions = append(p.Inscriptions, ins)
	}
	return nil
}

// loadAccompagnements reads the person's one-to-one help, newest first;
// only one's own help can be edited (the update rule says so).
func (p *beneficiaireProfil) loadAccompagnements(app core.App, auth *core.Record, loc *time.Location) error {
	helps, err := app.FindRecordsByFilter("accompagnements", "beneficiaire = {:b}", "-date", 0, 0, dbx.Params{"b": p.ID})
	if err != nil {
		return fmt.Errorf("help of %s: %w", p.ID, err)
	}
	ids := make([]string, 0, len(helps))
	for _, h := range helps {
		ids = append(ids, h.GetString("conseiller"))
	}
	names := map[string]string{}
	if staff, err := app.FindRecordsByIds("utilisateurs", ids); err == nil {
		for _, s := range staff {
			names[s.Id] = s.GetString("prenom") + " " + s.GetString("nom")
		}
	}
	for _, h := range helps {
		a := profilAccompagnement{ID: h.Id, Conseiller: names[h.GetString("conseiller")],
			Date: h.GetDateTime("date").Time().In(loc), DureeMinutes: h.GetInt("duree_minutes"),
			Modifiable: access.MayUpdate(app, auth, h, nil)}
		for _, t := range h.GetStringSlice("thematiques") {
			a.Thematiques = append(a.Thematiques, referentiel.Thematiques.Label(t))
		}
		p.Accompagnements = append(p.Accompagnements, a)
		p.AccompagnementsTotal += a.DureeMinutes
	}
	return nil
}

type fusionChoixData struct {
	ID, Nom   string
	Doublons  []beneficiaires.LikelyDuplicate
	Q         string
	Recherche bool
	Hits      []beneficiaires.BeneficiaireHit
	Tronque   bool // more matches than shown
	Limite    int
}

func beneficiaireMergeChoiceHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff, err := access.PeopleReader(e)
		if err != nil {
			return err
		}
		record, kept, err := beneficiaireOfPath(e, "id")
		if err != nil {
			return err
		}
		if kept != "" {
			return redirectToKept(e, kept)
		}
		data := &fusionChoixData{ID: record.Id, Nom: model.PersonName(record), Q: texte.Recherche(e.Request.URL.Query().Get("q")), Limite: 30}
		if data.Doublons, err = beneficiaires.FindLikelyDuplicates(e.App, record); err != nil {
			return err
		}
		if data.Q != "" {
			data.Recherche = true
			hits, err := beneficiaires.SearchBeneficiaires(e.App, staff, record.GetString("structure"), data.Q, int64(data.Limite+2))
			if err != nil {
				return err
			}
			for _, h := range hits {
				if h.ID != record.Id {
					data.Hits = append(data.Hits, h)
				}
			}
			if len(data.Hits) > data.Limite {
				data.Hits, data.Tronque = data.Hits[:data.Limite], true
			}
		}
		if err := journalList(e, record.GetString("structure"), len(data.Doublons)+len(data.Hits),
			journal.SearchDetails("Doublons possibles de la fiche "+record.Id, data.Q)); err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "beneficiaire_fusion", "Fusionner la fiche de "+data.Nom, data)
	}
}

func beneficiaireMergeConfirmHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		data, err := loadMergeConfirm(e)
		if err != nil {
			return err
		}
		if data == nil {
			return nil // redirected to the kept record
		}
		// Both records are shown side by side: a read of each.
		for _, f := range []struct{ shown, other *core.Record }{{data.A.Record, data.B.Record}, {data.B.Record, data.A.Record}} {
			if err := journal.LogAccess(e.App, e.Auth, journal.Consultation, f.shown, "Comparée avant fusion avec la fiche "+f.other.Id); err != nil {
				return err
			}
		}
		return pe.render(e, http.StatusOK, "beneficiaire_fusion_confirmation", "Confirmer la fusion", data)
	}
}

// loadMergeConfirm loads both records of a merge URL; it answers nil data
// when the first one was already merged (the person is sent to the kept one).
func loadMergeConfirm(e *core.RequestEvent) (*beneficiaires.FusionConfirmData, error) {
	if _, err := access.PeopleReader(e); err != nil {
		return nil, err
	}
	a, kept, err := beneficiaireOfPath(e, "id")
	if err != nil {
		return nil, err
	}
	if kept != "" {
		return nil, redirectToKept(e, kept)
	}
	b, err := access.WorkspaceRecord(e.App, e.Auth, "beneficiaires", e.Request.PathValue("autre"))
	if err != nil {
		return nil, err
	}
	// Only records of the same structure, still live, can be merged: any
	// other id in the URL is answered like a missing one.
	if b.Id == a.Id || b.GetString("structure") != a.GetString("structure") || b.GetString("fusionne_vers") != "" || b.GetBool("anonymise") {
		return nil, model.ErrNotFound
	}
	structure, err := e.App.FindRecordById("structures", a.GetString("structure"))
	if err != nil {
		return nil, fmt.Errorf("structure of %s: %w", a.Id, err)
	}
	loc := frfmt.Location(structure.GetString("fuseau"))
	preview, err := beneficiaires.PreviewMerge(e.App, a, b, loc)
	if err != nil {
		return nil, err
	}
	data := &beneficiaires.FusionConfirmData{Garder: a.Id, Doublons: preview.Doublons, Errors: formulaire.Erreurs{},
		Action: "/espace/beneficiaires/" + a.Id + "/fusionner/" + b.Id}
	data.A = beneficiaires.NewFusionFiche(1, a, preview.Counts[a.Id], loc)
	data.B = beneficiaires.NewFusionFiche(2, b, preview.Counts[b.Id], loc)
	data.Options = []formulaire.Option{
		{Value: a.Id, Label: "Fiche 1 : " + data.A.Nom()},
		{Value: b.Id, Label: "Fiche 2 : " + data.B.Nom()},
	}
	return data, nil
}

func beneficiaireMergePostHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		data, err := loadMergeConfirm(e)
		if err != nil || data == nil {
			return err
		}
		data.Garder = formText(e, "garder")
		keep, drop := data.A.ID, data.B.ID
		switch data.Garder {
		case data.A.ID:
		case data.B.ID:
			keep, drop = drop, keep
		default:
			data.Errors["garder"] = "Choisissez la fiche à garder."
			return pe.render(e, http.StatusUnprocessableEntity, "beneficiaire_fusion_confirmation", "Confirmer la fusion", data)
		}
		summary, err := beneficiaires.MergeBeneficiaires(e.App, e.Auth, keep, drop)
		var refusal beneficiaires.MergeRefusal
		if errors.As(err, &refusal) {
			data.Errors[""] = refusal.Error()
			return pe.render(e, http.StatusUnprocessableEntity, "beneficiaire_fusion_confirmation", "Confirmer la fusion", data)
		}
		if err != nil {
			return fmt.Errorf("merge %s into %s: %w", drop, keep, err)
		}
		return redirectWithFlash(e, "/espace/beneficiaires/"+keep, summary.Message())
	}
}
