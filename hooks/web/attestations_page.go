package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/attestations"
	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/inscriptions"
	"atelier/hooks/journal"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/pdfdoc"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

// RegisterAttestationPages binds the workspace routes to g and the public
// verification page to the router.
func RegisterAttestationPages(se *core.ServeEvent, g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	h := &attestationPages{pe: pe, seances: &seancePages{pe: pe}}
	g.POST("/beneficiaires/{id}/attestations", pe.Page(h.issueFromProfile))
	g.GET("/attestations/{id}/pdf", pe.Page(h.download))
	g.POST("/attestations/{id}/revoquer", pe.Page(h.revoke))
	g.POST("/seances/{id}/attestation", pe.Page(h.issueForOne))
	g.POST("/seances/{id}/attestations", pe.Page(h.issueForAll))
	g.GET("/seances/{id}/attestations.pdf", pe.Page(h.seancePDF))
	g.GET("/seances/{id}/emargement.pdf", pe.Page(h.feuille))
	// Public and rate-limited per IP by the "/verifier/" rule (migration
	// 1763900002); like other public pages, successes are not logged.
	se.Router.GET("/verifier", pe.Page(h.verifyForm)).Bind(apis.SkipSuccessActivityLog())
	se.Router.GET("/verifier/{code}", pe.Page(h.verify)).Bind(apis.SkipSuccessActivityLog())
}

type attestationPages struct {
	pe      *pageEngine
	seances *seancePages // to show a session's page again with a refusal
}

// renderProfile shows the profile again (a form of the section refused),
// with the section adjusted by change.
func (h *attestationPages) renderProfile(e *core.RequestEvent, staff *model.StaffView, record *core.Record, status int,
	change func(*attestations.AttestationsProfil)) error {
	profil, err := loadProfil(e.App, e.Auth, staff, record)
	if err != nil {
		return err
	}
	change(profil.Attestations)
	return h.pe.render(e, status, "beneficiaire", profil.Prenom+" "+profil.Nom, profil)
}

func profilePath(id string) string { return "/espace/beneficiaires/" + id + "#titre-attestations" }

// attestationTarget is the person of a profile form and their structure.
func attestationTarget(e *core.RequestEvent) (*model.StaffView, *core.Record, *core.Record, string, error) {
	staff, err := access.PeopleReader(e)
	if err != nil {
		return nil, nil, nil, "", err
	}
	record, kept, err := beneficiaireOfPath(e, "id")
	if err != nil {
		return nil, nil, nil, "", err
	}
	if kept != "" {
		return nil, nil, nil, kept, nil
	}
	structure, err := e.App.FindRecordById("structures", record.GetString("structure"))
	if err != nil {
		return nil, nil, nil, "", fmt.Errorf("structure of %s: %w", record.Id, err)
	}
	return staff, record, structure, "", nil
}

func (h *attestationPages) issueFromProfile(e *core.RequestEvent) error {
	staff, record, structure, kept, err := attestationTarget(e)
	if err != nil {
		return err
	}
	if kept != "" {
		return redirectToKept(e, kept)
	}
	if err := e.Request.ParseForm(); err != nil {
		return fmt.Errorf("parse attestation form: %w", err)
	}
	loc := frfmt.Location(structure.GetString("fuseau"))
	form := attestations.AttestationForm{Seance: formText(e, "seance"), Du: formText(e, "du"), Au: formText(e, "au")}
	seances, errs, err := attestations.ChosenSeances(e.App, staff, record, formText(e, "type"), form, loc)
	if err != nil {
		return err
	}
	if record.GetBool("anonymise") {
		errs = formulaire.Erreurs{"": "Cette personne a été anonymisée : on ne peut plus lui délivrer d'attestation."}
	}
	if len(errs) > 0 {
		return h.renderProfile(e, staff, record, http.StatusUnprocessableEntity, func(p *attestations.AttestationsProfil) {
			p.Form, p.Errors = form, errs
		})
	}
	result, err := attestations.IssueAttestations(e.App, []attestations.IssueRequest{{Auth: e.Auth, Beneficiaire: record, Structure: structure,
		Seances: seances, Base: envois.InstanceURL(e.App), Now: clock.Now(e.App)}})
	if err != nil {
		return err
	}
	message := "Attestation délivrée, code " + result[0].Record.GetString("code") + " : téléchargez-la ci-dessous."
	if result[0].Reused {
		message = "Cette attestation existait déjà (code " + result[0].Record.GetString("code") + ") : téléchargez-la ci-dessous."
	}
	return redirectWithFlash(e, profilePath(record.Id), message)
}

// attestationOfPath loads the attestation of the URL for a conseiller of
// the person's structure.
func attestationOfPath(e *core.RequestEvent) (*model.StaffView, *core.Record, error) {
	staff, err := access.PeopleReader(e)
	if err != nil {
		return nil, nil, err
	}
	record, err := access.WorkspaceRecord(e.App, e.Auth, "attestations", e.Request.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	return staff, record, nil
}

// download sends the stored PDF: the document as it was issued, byte for byte.
func (h *attestationPages) download(e *core.RequestEvent) error {
	_, record, err := attestationOfPath(e)
	if err != nil {
		return err
	}
	name := record.GetString("pdf")
	if name == "" {
		return model.ErrNotFound
	}
	data, err := model.ReadStoredFile(e.App, record, name)
	if err != nil {
		return err
	}
	// The document names the person: an export of their data.
	person, err := e.App.FindRecordById("beneficiaires", record.GetString("beneficiaire"))
	if err != nil {
		return fmt.Errorf("person of attestation %s: %w", record.Id, err)
	}
	if err := journal.LogAccess(e.App, e.Auth, journal.Export, person, "Attestation PDF "+record.GetString("code")); err != nil {
		return err
	}
	return sendFile(e, download{Name: "attestation-" + record.GetString("code") + ".pdf", ContentType: "application/pdf"}, data)
}

const maxMotif = 500

func (h *attestationPages) revoke(e *core.RequestEvent) error {
	staff, record, err := attestationOfPath(e)
	if err != nil {
		return err
	}
	beneficiaire, err := access.WorkspaceRecord(e.App, e.Auth, "beneficiaires", record.GetString("beneficiaire"))
	if err != nil {
		return err
	}
	code := record.GetString("code")
	if !record.GetDateTime("revoquee_le").IsZero() {
		return redirectWithFlash(e, profilePath(beneficiaire.Id), "L'attestation "+code+" était déjà révoquée.")
	}
	motif := formText(e, "motif")
	errs := formulaire.Erreurs{}
	switch {
	case motif == "":
		errs["motif"] = "Indiquez pourquoi l'attestation est révoquée (par exemple : présence notée par erreur)."
	case len([]rune(motif)) > maxMotif:
		errs["motif"] = fmt.Sprintf("Ce motif est trop long (%d caractères au plus).", maxMotif)
	}
	if len(errs) > 0 {
		return h.renderProfile(e, staff, beneficiaire, http.StatusUnprocessableEntity, func(p *attestations.AttestationsProfil) {
			p.Revoquer, p.Motif, p.Errors = record.Id, motif, errs
		})
	}
	if err := attestations.RevokeAttestation(e.App, record, motif, clock.Now(e.App)); err != nil {
		return err
	}
	return redirectWithFlash(e, profilePath(beneficiaire.Id),
		"L'attestation "+code+" est révoquée : sa vérification indique désormais qu'elle est annulée.")
}

// issueForOne issues (or gives back) the attestation of one present person
// for this session, then sends its PDF.
func (h *attestationPages) issueForOne(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	if why := attestations.AttestationRefusal(s); why != "" {
		return h.seances.refuseOnSeance(e, s, why)
	}
	people, err := attestations.PresentPeople(e.App, s)
	if err != nil {
		return err
	}
	// Anyone else (not present, another session's, another structure's)
	// is refused without telling more.
	wanted := formText(e, "beneficiaire")
	i := slices.IndexFunc(people, func(r *core.Record) bool { return r.Id == wanted })
	if i < 0 {
		return h.seances.refuseOnSeance(e, s, attestations.NotPresent)
	}
	result, err := attestations.IssueAttestations(e.App, []attestations.IssueRequest{h.seanceRequest(e, s, people[i])})
	if err != nil {
		return err
	}
	return e.Redirect(http.StatusSeeOther, "/espace/attestations/"+result[0].Record.Id+"/pdf")
}

func (h *attestationPages) seanceRequest(e *core.RequestEvent, s *seances.StaffSeance, person *core.Record) attestations.IssueRequest {
	debut, fin := s.Record.GetDateTime("debut").Time().UTC(), s.Record.GetDateTime("fin").Time().UTC()
	return attestations.IssueRequest{Auth: e.Auth, Beneficiaire: person, Structure: s.Structure, Base: envois.InstanceURL(e.App), Now: clock.Now(e.App),
		Seances: []attestations.ContenuSeance{{ID: s.ID, Titre: s.Titre, Debut: debut, Fin: fin}}}
}

// issueForAll issues the attestations of every present person in one go,
// then sends them as one PDF (one page per person).
func (h *attestationPages) issueForAll(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	if why := attestations.AttestationRefusal(s); why != "" {
		return h.seances.refuseOnSeance(e, s, why)
	}
	people, err := attestations.PresentPeople(e.App, s)
	if err != nil {
		return err
	}
	if len(people) == 0 {
		return h.seances.refuseOnSeance(e, s, "Personne n'est noté présent à cette séance : notez les présences d'abord.")
	}
	requests := make([]attestations.IssueRequest, 0, len(people))
	for _, p := range people {
		requests = append(requests, h.seanceRequest(e, s, p))
	}
	if _, err := attestations.IssueAttestations(e.App, requests); err != nil {
		return err
	}
	return e.Redirect(http.StatusSeeOther, seanceEspacePath(s)+"/attestations.pdf")
}

// seancePDF draws the valid attestations of this session's present
// people in one document, from what each one states: the pages are those
// of the stored attestations.
func (h *attestationPages) seancePDF(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	people, err := attestations.PresentPeople(e.App, s)
	if err != nil {
		return err
	}
	var list []attestations.ParticipantOf
	var newest *attestations.AttestationContenu
	var newestAt time.Time
	for _, p := range people {
		valid, err := attestations.ValidAttestations(e.App, p.Id)
		if err != nil {
			return err
		}
		for _, a := range valid {
			if slices.Equal(a.Contenu.Ids(), []string{s.ID}) {
				at := a.Record.GetDateTime("emise_le").Time()
				list = append(list, attestations.ParticipantOf{Contenu: a.Contenu, Code: a.Record.GetString("code"), EmiseLe: at})
				if newest == nil || at.After(newestAt) {
					newest, newestAt = a.Contenu, at
				}
				break
			}
		}
	}
	if len(list) == 0 {
		return model.ErrNotFound
	}
	if err := journalList(e, s.Structure.Id, len(list), "Attestations PDF de la séance "+s.ID); err != nil {
		return err
	}
	data := attestations.AttestationData(newest.Structure, newest.Adresse, newest.Fuseau, model.StructureLogo(e.App, s.Structure), list)
	pdf, err := pdfdoc.Attestation(data)
	if err != nil {
		return fmt.Errorf("draw attestations of session %s: %w", s.ID, err)
	}
	return sendFile(e, download{Name: "attestations-" + participantsSlug(s.Titre, 50) + "-" + s.Debut.Format(time.DateOnly) + ".pdf",
		ContentType: "application/pdf"}, pdf)
}

// feuille sends the session's sign-in sheet: everyone with a place (not
// the waiting list), by name, and blank rows for walk-ins. It can be
// printed before the session.
func (h *attestationPages) feuille(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	people, err := inscriptions.LoadParticipants(e.App, s.ID)
	if err != nil {
		return err
	}
	placed, _ := splitWaiting(people)
	if err := journalList(e, s.Structure.Id, len(placed), "Feuille d'émargement PDF de la séance "+s.ID); err != nil {
		return err
	}
	names := make([]string, 0, len(placed))
	reponses := make([]string, 0, len(placed))
	for _, p := range placed {
		names = append(names, p.NomComplet())
		reponses = append(reponses, seances.ReponsesTexte(p.Reponses(), "\n"))
	}
	lieu := []string{s.Lieu.GetString("nom")}
	if a := s.Lieu.GetString("adresse"); a != "" {
		lieu = append(lieu, a)
	}
	if town := strings.TrimSpace(s.Lieu.GetString("code_postal") + " " + s.Lieu.GetString("commune")); town != "" {
		lieu = append(lieu, town)
	}
	pdf, err := pdfdoc.FeuilleEmargement(pdfdoc.FeuilleData{Structure: s.Structure.GetString("nom"), Titre: s.Titre,
		Debut: s.Debut, Fin: s.Fin, Zone: s.Structure.GetString("fuseau"), Lieu: strings.Join(lieu, ", "),
		Animateurs: s.Animateurs, Personnes: names, Reponses: reponses})
	if err != nil {
		return fmt.Errorf("draw sign-in sheet of %s: %w", s.ID, err)
	}
	// Opened in the browser, to be printed.
	return sendFile(e, download{Name: "emargement-" + participantsSlug(s.Titre, 50) + "-" + s.Debut.Format(time.DateOnly) + ".pdf",
		ContentType: "application/pdf", Inline: true}, pdf)
}

// verificationPage is what /verifier shows: the form, and for a code the
// verdict with only what proves the document without exposing the person.
type verificationPage struct {
	Saisie     string
	Errors     formulaire.Erreurs
	Code       string
	Etat       string // "" (form only), "valide", "annulee" or "inconnue"
	Initiales  string
	Structure  string
	EmiseLe    time.Time
	RevoqueeLe time.Time
	Seances    []verifiedSeance
	Minutes    int
}

type verifiedSeance struct {
	Titre      string
	Debut, Fin time.Time
}

const verifyTitle = "Vérifier une attestation"

// verifyForm is the form to type a code (no JavaScript: a GET form); a
// well-formed code is sent on to its page.
func (h *attestationPages) verifyForm(e *core.RequestEvent) error {
	page := &verificationPage{Errors: formulaire.Erreurs{}}
	query := e.Request.URL.Query()
	if !query.Has("code") {
		return h.pe.render(e, http.StatusOK, "verifier", verifyTitle, page)
	}
	page.Saisie = strings.TrimSpace(query.Get("code"))
	code, ok := attestations.NormalizeCode(page.Saisie)
	switch {
	case page.Saisie == "":
		page.Errors["code"] = "Saisissez le code imprimé à côté du QR code de l'attestation."
	case !ok:
		page.Errors["code"] = "Ce code n'a pas la forme d'un code d'attestation : il ressemble à ATL-7K3M-Q9PX-2D4F (lettres, chiffres et tirets)."
	}
	if len(page.Errors) > 0 {
		return h.pe.render(e, http.StatusUnprocessableEntity, "verifier", verifyTitle, page)
	}
	return e.Redirect(http.StatusSeeOther, "/verifier/"+url.PathEscape(code))
}

// verify answers a code: 200 for a valid attestation, 410 for a revoked one
// (it existed and is cancelled: a program checking the status sees it at
// once), 404 for an unknown or malformed code.
func (h *attestationPages) verify(e *core.RequestEvent) error {
	privatePage(e)
	page := &verificationPage{Errors: formulaire.Erreurs{}, Etat: "inconnue"}
	code, ok := attestations.NormalizeCode(e.Request.PathValue("code"))
	if !ok {
		return h.pe.render(e, http.StatusNotFound, "verifier", verifyTitle, page)
	}
	page.Code, page.Saisie = code, code
	record, err := e.App.FindFirstRecordByData("attestations", "code", code)
	if err != nil {
		return h.pe.render(e, http.StatusNotFound, "verifier", verifyTitle, page)
	}
	c, err := attestations.ContenuOf(e.App, record)
	if err != nil {
		return err
	}
	loc := frfmt.Location(c.Fuseau)
	page.Structure = c.Structure
	page.EmiseLe = record.GetDateTime("emise_le").Time().In(loc)
	if t := record.GetDateTime("revoquee_le"); !t.IsZero() {
		page.Etat, page.RevoqueeLe = "annulee", t.Time().In(loc)
		return h.pe.render(e, http.StatusGone, "verifier", verifyTitle, page)
	}
	page.Etat, page.Initiales, page.Minutes = "valide", c.Initiales(), c.MinutesTotal()
	for _, s := range c.Seances {
		page.Seances = append(page.Seances, verifiedSeance{Titre: s.Titre, Debut: s.Debut.In(loc), Fin: s.Fin.In(loc)})
	}
	return h.pe.render(e, http.StatusOK, "verifier", verifyTitle, page)
}
