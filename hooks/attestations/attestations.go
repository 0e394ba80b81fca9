package attestations

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/pdfdoc"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/lib/texte"
	"atelier/hooks/model"
)

// Attendance attestations: issued by a conseiller of the person's structure
// for sessions the person attended (registration « present »), stored with
// their PDF and an unguessable code that anyone holding the paper can check
// on /verifier/{code}. Attestations are written by the server only (the
// API's create rule is for superusers): every function here is called after
// the page checked that the signed-in staff member reads the person.

// Codes look like ATL-7K3M-Q9PX-2D4F: 12 characters drawn by crypto/rand
// from an alphabet without look-alikes (no 0/O, 1/I/L), about 59 bits.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

func newAttestationCode() (string, error) {
	var b strings.Builder
	b.WriteString("ATL")
	n := big.NewInt(int64(len(codeAlphabet)))
	for i := range 12 {
		if i%4 == 0 {
			b.WriteByte('-')
		}
		k, err := rand.Int(rand.Reader, n)
		if err != nil {
			return "", fmt.Errorf("draw attestation code: %w", err)
		}
		b.WriteByte(codeAlphabet[k.Int64()])
	}
	return b.String(), nil
}

// wellFormedCode is the shape the attestations collection accepts.
var wellFormedCode = regexp.MustCompile(`^[A-Z0-9-]{4,32}$`)

var codeDashes = strings.NewReplacer(" ", "", "\u00a0", "", "\u2010", "-", "\u2011", "-", "\u2013", "-", "\u2014", "-")

// NormalizeCode reads a code as a person types it (lower case, spaces, a
// dash of another kind, no dash at all) and tells whether it is well formed.
func NormalizeCode(typed string) (string, bool) {
	code := strings.ToUpper(codeDashes.Replace(strings.TrimSpace(typed)))
	if len(code) == 15 && strings.HasPrefix(code, "ATL") && !strings.Contains(code, "-") {
		code = code[:3] + "-" + code[3:7] + "-" + code[7:11] + "-" + code[11:]
	}
	return code, wellFormedCode.MatchString(code)
}

// AttestationContenu is what an attestation states, kept with it as it
// was printed (field contenu): the PDF can be drawn again identically and
// the verification page shows the workshops even if a session is later
// edited or deleted.
type AttestationContenu struct {
	Prenom    string          `json:"prenom"`
	Nom       string          `json:"nom"`
	Structure string          `json:"structure"`
	Adresse   []string        `json:"adresse"`
	Fuseau    string          `json:"fuseau"`
	Emetteur  string          `json:"emetteur"`
	Fonction  string          `json:"fonction"`
	Lieu      string          `json:"lieu"`
	URL       string          `json:"url"`
	Seances   []ContenuSeance `json:"seances"`
}

type ContenuSeance struct {
	ID    string    `json:"id"`
	Titre string    `json:"titre"`
	Debut time.Time `json:"debut"`
	Fin   time.Time `json:"fin"`
	// What a training attestation states of the workshop (article L6353-1
	// of the Code du travail); absent from attestations issued before.
	Nature    string   `json:"nature,omitempty"`
	Objectifs []string `json:"objectifs,omitempty"`
}

// natureAtelier is the nature of a workshop as an attestation states it:
// a collective session, its level and its themes.
func natureAtelier(niveau string, thematiques []string) string {
	nature := "Atelier collectif de médiation numérique"
	if label := referentiel.Niveaux.Label(niveau); niveau != "" && label != "" {
		nature += ", niveau " + strings.ToLower(label)
	}
	if labels := referentiel.Thematiques.Labels(thematiques); len(labels) > 0 {
		nature += " (" + strings.Join(labels, ", ") + ")"
	}
	return nature
}

// NomComplet is the person's name as printed.
func (c *AttestationContenu) NomComplet() string {
	return strings.TrimSpace(c.Prenom + " " + c.Nom)
}

// Initiales are all the verification page tells of the person: « C. D. ».
func (c *AttestationContenu) Initiales() string {
	var parts []string
	for _, name := range []string{c.Prenom, c.Nom} {
		for _, r := range strings.TrimSpace(name) {
			parts = append(parts, strings.ToUpper(string(r))+".")
			break
		}
	}
	return strings.Join(parts, " ")
}

// MinutesTotal is the attended time.
func (c *AttestationContenu) MinutesTotal() int {
	total := 0
	for _, s := range c.Seances {
		total += int(s.Fin.Sub(s.Debut).Minutes())
	}
	return total
}

// Ids are the sessions' record ids, sorted: the identity of an attestation.
func (c *AttestationContenu) Ids() []string {
	ids := make([]string, 0, len(c.Seances))
	for _, s := range c.Seances {
		ids = append(ids, s.ID)
	}
	slices.Sort(ids)
	return ids
}

// AttendedSeances lists the sessions the person attended in the staff
// member's structures (never a cancelled one), oldest first; where narrows
// them (one session, a period).
func AttendedSeances(app core.App, staff *model.StaffView, beneficiaire string, where dbx.Expression) ([]ContenuSeance, error) {
	var rows []struct {
		ID          string `db:"id"`
		Titre       string `db:"titre"`
		Debut       string `db:"debut"`
		Fin         string `db:"fin"`
		Niveau      string `db:"niveau"`
		Thematiques string `db:"thematiques"`
		Objectifs   string `db:"objectifs"`
	}
	conditions := []dbx.Expression{dbx.HashExp{"i.beneficiaire": beneficiaire, "i.statut": "present"},
		dbx.NewExp("s.statut != 'annulee'"), staff.Scope("s.structure")}
	if where != nil {
		conditions = append(conditions, where)
	}
	err := app.DB().Select("s.id", "a.titre", "s.debut", "s.fin", "a.niveau", "a.thematiques", "a.objectifs").From("inscriptions i").
		InnerJoin("seances s", dbx.NewExp("s.id = i.seance")).
		InnerJoin("ateliers a", dbx.NewExp("a.id = s.atelier")).
		Where(dbx.And(conditions...)).OrderBy("s.debut ASC", "s.id ASC").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("sessions attended by %s: %w", beneficiaire, err)
	}
	out := make([]ContenuSeance, 0, len(rows))
	for _, r := range rows {
		debut, _ := types.ParseDateTime(r.Debut)
		fin, _ := types.ParseDateTime(r.Fin)
		var thematiques []string
		_ = json.Unmarshal([]byte(r.Thematiques), &thematiques) // empty or "[]" without themes
		out = append(out, ContenuSeance{ID: r.ID, Titre: r.Titre, Debut: debut.Time().UTC(), Fin: fin.Time().UTC(),
			Nature: natureAtelier(r.Niveau, thematiques), Objectifs: texte.Phrases(r.Objectifs)})
	}
	return out, nil
}

// newContenu gathers what an attestation for these sessions states.
func newContenu(auth, beneficiaire, structure *core.Record, seances []ContenuSeance) *AttestationContenu {
	c := &AttestationContenu{Prenom: beneficiaire.GetString("prenom"), Nom: beneficiaire.GetString("nom"),
		Structure: structure.GetString("nom"), Adresse: model.StructureAddress(structure), Fuseau: structure.GetString("fuseau"),
		Emetteur: model.PersonName(auth), Fonction: strings.ToLower(referentiel.Roles.Label(auth.GetString("role"))),
		Lieu: structure.GetString("commune"), Seances: seances}
	if c.Lieu == "" {
		c.Lieu = c.Structure
	}
	return c
}

// issued is an attestation with what it states.
type issued struct {
	Record  *core.Record
	Contenu *AttestationContenu
	Reused  bool // it existed already: nothing was created
}

// IssueRequest is one attestation to issue: for whom, by whom, for which
// sessions (already checked as attended), with the site's public address.
type IssueRequest struct {
	Auth         *core.Record
	Beneficiaire *core.Record
	Structure    *core.Record
	Seances      []ContenuSeance
	Base         string
	Now          time.Time
}

// IssueAttestations issues one attestation per request. A person who
// already holds a valid attestation for exactly the same sessions gets it
// back (a double click, the bulk issue after a single one): downloading it
// again gives the same document. The PDFs are drawn before the write
// transaction, which then only checks again and saves: a bulk issue does
// not hold the database's write lock while drawing.
func IssueAttestations(app core.App, requests []IssueRequest) ([]issued, error) {
	out := make([]issued, len(requests))
	drafts := make([]*attestationDraft, len(requests))
	logos := map[string][]byte{}
	for i, req := range requests {
		if len(req.Seances) == 0 {
			return nil, errors.New("issue attestation: no session")
		}
		contenu := newContenu(req.Auth, req.Beneficiaire, req.Structure, req.Seances)
		same, err := sameAttestation(app, req.Beneficiaire.Id, contenu)
		if err != nil {
			return nil, err
		}
		if same != nil {
			out[i] = *same
			continue
		}
		if _, ok := logos[req.Structure.Id]; !ok {
			logos[req.Structure.Id] = model.StructureLogo(app, req.Structure)
		}
		if drafts[i], err = draftAttestation(req, contenu, logos[req.Structure.Id]); err != nil {
			return nil, err
		}
	}
	err := app.RunInTransaction(func(tx core.App) error {
		for i, draft := range drafts {
			if draft == nil {
				continue
			}
			one, err := saveDraft(tx, draft)
			if err != nil {
				return err
			}
			out[i] = one
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sameAttestation is the person's valid attestation for exactly the same
// sessions, or nil.
func sameAttestation(app core.App, beneficiaire string, contenu *AttestationContenu) (*issued, error) {
	existing, err := ValidAttestations(app, beneficiaire)
	if err != nil {
		return nil, err
	}
	for _, a := range existing {
		if slices.Equal(a.Contenu.Ids(), contenu.Ids()) {
			a.Reused = true
			return &a, nil
		}
	}
	return nil, nil
}

// attestationDraft is an attestation drawn and not yet saved.
type attestationDraft struct {
	req     IssueRequest
	contenu *AttestationContenu
	logo    []byte
	code    string
	at      time.Time
	pdf     []byte
}

func draftAttestation(req IssueRequest, contenu *AttestationContenu, logo []byte) (*attestationDraft, error) {
	d := &attestationDraft{req: req, contenu: contenu, logo: logo, at: req.Now.UTC().Truncate(time.Second)}
	return d, d.draw()
}

// draw gives the draft a new code and draws its PDF.
func (d *attestationDraft) draw() error {
	code, err := newAttestationCode()
	if err != nil {
		return err
	}
	d.code = code
	d.contenu.URL = d.req.Base + "/verifier/" + code
	d.pdf, err = pdfdoc.Attestation(AttestationData(d.contenu.Structure, d.contenu.Adresse, d.contenu.Fuseau, d.logo,
		[]ParticipantOf{{d.contenu, code, d.at}}))
	if err != nil {
		return fmt.Errorf("draw attestation %s: %w", code, err)
	}
	return nil
}

// saveDraft stores a drawn attestation, unless the same one was saved in
// the meantime (two clicks at once), which is then given back.
func saveDraft(tx core.App, d *attestationDraft) (issued, error) {
	same, err := sameAttestation(tx, d.req.Beneficiaire.Id, d.contenu)
	if err != nil || same != nil {
		return derefIssued(same), err
	}
	// A code already taken (about one chance in 10¹⁷) is drawn again.
	for tries := 0; ; tries++ {
		if _, err := tx.FindFirstRecordByData("attestations", "code", d.code); err != nil {
			break
		}
		if tries == 3 {
			return issued{}, errors.New("no free attestation code")
		}
		if err := d.draw(); err != nil {
			return issued{}, err
		}
	}
	collection, err := tx.FindCachedCollectionByNameOrId("attestations")
	if err != nil {
		return issued{}, fmt.Errorf("attestations collection: %w", err)
	}
	file, err := filesystem.NewFileFromBytes(d.pdf, "attestation-"+d.code+".pdf")
	if err != nil {
		return issued{}, fmt.Errorf("attestation file: %w", err)
	}
	record := core.NewRecord(collection)
	record.Set("beneficiaire", d.req.Beneficiaire.Id)
	record.Set("seances", d.contenu.Ids())
	record.Set("code", d.code)
	record.Set("emise_le", d.at)
	record.Set("emise_par", d.req.Auth.Id)
	record.Set("contenu", d.contenu)
	record.Set("pdf", file)
	// The API cannot create attestations (create rule: superusers only);
	// the page checked the staff member's access to the person before.
	if err := tx.Save(record); err != nil {
		return issued{}, fmt.Errorf("save attestation %s: %w", d.code, err)
	}
	return issued{Record: record, Contenu: d.contenu}, nil
}

func derefIssued(i *issued) issued {
	if i == nil {
		return issued{}
	}
	return *i
}

// ValidAttestations are the person's attestations that are not revoked,
// newest first.
func ValidAttestations(app core.App, beneficiaire string) ([]issued, error) {
	records, err := app.FindRecordsByFilter("attestations", "beneficiaire = {:b} && revoquee_le = ''", "-emise_le,-created", 0, 0,
		dbx.Params{"b": beneficiaire})
	if err != nil {
		return nil, fmt.Errorf("attestations of %s: %w", beneficiaire, err)
	}
	out := make([]issued, 0, len(records))
	for _, r := range records {
		c, err := ContenuOf(app, r)
		if err != nil {
			return nil, err
		}
		out = append(out, issued{Record: r, Contenu: c})
	}
	return out, nil
}

// ContenuOf reads what an attestation states. Records made before the
// contenu field (or by hand in the admin UI) are read from the live
// records instead.
func ContenuOf(app core.App, r *core.Record) (*AttestationContenu, error) {
	c := &AttestationContenu{}
	if raw, _ := r.Get("contenu").(types.JSONRaw); len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, c); err != nil {
			return nil, fmt.Errorf("contents of attestation %s: %w", r.Id, err)
		}
		return c, nil
	}
	if b, err := app.FindRecordById("beneficiaires", r.GetString("beneficiaire")); err == nil {
		c.Prenom, c.Nom = b.GetString("prenom"), b.GetString("nom")
		if s, err := app.FindRecordById("structures", b.GetString("structure")); err == nil {
			c.Structure, c.Adresse, c.Fuseau, c.Lieu = s.GetString("nom"), model.StructureAddress(s), s.GetString("fuseau"), s.GetString("commune")
		}
	}
	if staff, err := app.FindRecordById("utilisateurs", r.GetString("emise_par")); err == nil {
		c.Emetteur = model.PersonName(staff)
		c.Fonction = strings.ToLower(referentiel.Roles.Label(staff.GetString("role")))
	}
	for _, id := range r.GetStringSlice("seances") {
		s, err := app.FindRecordById("seances", id)
		if err != nil {
			continue
		}
		titre := ""
		if a, err := app.FindRecordById("ateliers", s.GetString("atelier")); err == nil {
			titre = a.GetString("titre")
		}
		c.Seances = append(c.Seances, ContenuSeance{ID: id, Titre: titre,
			Debut: s.GetDateTime("debut").Time(), Fin: s.GetDateTime("fin").Time()})
	}
	slices.SortFunc(c.Seances, func(a, b ContenuSeance) int { return a.Debut.Compare(b.Debut) })
	return c, nil
}

// ParticipantOf is one attestation to draw.
type ParticipantOf struct {
	Contenu *AttestationContenu
	Code    string
	EmiseLe time.Time
}

// AttestationData turns attestations of one structure into what pdfdoc draws.
func AttestationData(structure string, adresse []string, zone string, logo []byte, list []ParticipantOf) pdfdoc.AttestationData {
	data := pdfdoc.AttestationData{Structure: pdfdoc.Structure{Nom: structure, Adresse: adresse, Logo: logo}, Zone: zone}
	for _, p := range list {
		c := p.Contenu
		participant := pdfdoc.Participant{Nom: c.NomComplet(), Code: p.Code, URL: c.URL, Emetteur: c.Emetteur,
			Fonction: c.Fonction, Lieu: c.Lieu, EmiseLe: p.EmiseLe}
		for _, s := range c.Seances {
			participant.Seances = append(participant.Seances, pdfdoc.Seance{Titre: s.Titre, Debut: s.Debut, Fin: s.Fin,
				Nature: s.Nature, Objectifs: s.Objectifs})
		}
		data.Participants = append(data.Participants, participant)
	}
	return data
}

// RevokeAttestation marks an attestation as cancelled with its reason: the
// record and its PDF stay (what was issued is kept), the verification page
// says it is no longer valid.
func RevokeAttestation(app core.App, record *core.Record, motif string, now time.Time) error {
	record.Set("revoquee_le", now.UTC())
	record.Set("motif_revocation", motif)
	if err := app.Save(record); err != nil {
		return fmt.Errorf("revoke attestation %s: %w", record.Id, err)
	}
	return nil
}

// AttestationPeriod describes the sessions of an attestation: one title and
// date, or « 3 séances du … au … ».
func AttestationPeriod(c *AttestationContenu, loc *time.Location) string {
	switch n := len(c.Seances); n {
	case 0:
		return "aucune séance"
	case 1:
		return c.Seances[0].Titre + ", " + frfmt.Date(c.Seances[0].Debut.In(loc))
	default:
		return fmt.Sprintf("%d séances du %s au %s", n, frfmt.DateCourte(c.Seances[0].Debut.In(loc)),
			frfmt.DateCourte(c.Seances[n-1].Debut.In(loc)))
	}
}
