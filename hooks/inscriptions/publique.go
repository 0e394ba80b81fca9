package inscriptions

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/beneficiaires"
	"atelier/hooks/envois"
	"atelier/hooks/journal"
	"atelier/hooks/lib/contact"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/texte"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

// Public registration: the form's validation, and the decision (confirmed
// or waiting list) taken inside one write transaction so that confirmations
// never exceed the capacity, ranks stay unique and ordered, and a
// double submit gives back the same registration.

// Registrations that arrive together are decided together, one after the
// other in a single write transaction (group commit): the first request
// to find nobody at work takes the pending ones and commits them at once,
// the others wait for their outcome. SQLite writes one transaction at a
// time anyway; this pays the transaction's fixed cost and the hand-over
// of the write lock once per batch instead of once per person.

// Register records the person's registration for the session: it finds the
// beneficiary of the structure by phone or e-mail (or creates them), then
// confirms the registration if a place is left, else puts it on the
// waiting list, all inside one write transaction.
func Register(app core.App, seanceID string, f InscriptionForm, now time.Time) (InscriptionResult, error) {
	return inscriptionBatcherOf(app).do(app, &inscriptionJob{seanceID: seanceID, form: f, now: now})
}

func newInscriptionTx(tx core.App) *inscriptionTx {
	return &inscriptionTx{App: tx, states: map[string]*seanceState{}, prepared: map[string]*dbx.Query{}}
}

// registerInTx takes one registration's decision inside the transaction.
// Refusals (unknown or closed session) happen before any write.
func registerInTx(tx *inscriptionTx, job *inscriptionJob) (InscriptionResult, error) {
	state, ok := tx.states[job.seanceID]
	if !ok {
		var err error
		if state, err = loadSeanceState(tx, job.seanceID); err != nil {
			return InscriptionResult{}, err
		}
		tx.states[job.seanceID] = state
	}
	if !state.public() {
		return InscriptionResult{}, model.ErrNotFound
	}
	if !state.open(job.now) {
		return InscriptionResult{}, ErrInscriptionClosed
	}
	person, err := matchBeneficiaire(tx, state.Structure, job.form)
	if err != nil {
		return InscriptionResult{}, err
	}
	var existing *core.Record
	if person != nil {
		if existing, err = findInscription(tx, state.ID, person.Id); err != nil {
			return InscriptionResult{}, err
		}
		if existing != nil && existing.GetString("statut") != model.StatutAnnule {
			return InscriptionResult{Inscription: existing, Person: person, Existing: true}, nil
		}
	}
	if err := checkLimites(tx, state, job.form); err != nil {
		return InscriptionResult{}, err
	}
	if person == nil {
		if person, err = createBeneficiaire(tx, state.Structure, job.form, job.now); err != nil {
			return InscriptionResult{}, err
		}
		if err := journal.LogPublic(tx, journal.Creation, person, "Inscription en ligne à la séance "+state.ID); err != nil {
			return InscriptionResult{}, err
		}
	}
	result, err := placeInscription(tx, state, person, existing, job.form)
	if err != nil {
		return InscriptionResult{}, err
	}
	result.Person = person
	if !result.Existing {
		if result.Inscription.GetString("statut") == model.StatutInscrit {
			state.Taken++
		} else {
			state.LastRank = result.Inscription.GetInt("rang_attente")
		}
		if result.depart, err = recordMessage(tx, state, result); err != nil {
			return InscriptionResult{}, err
		}
	}
	return result, nil
}

// recordMessage records, in the registration's transaction, the message
// that tells the person; it leaves after the commit (see
// runInscriptionBatch), so that a registration is never without it and
// the request never waits for a mail server.
func recordMessage(tx *inscriptionTx, state *seanceState, result InscriptionResult) (*envois.Depart, error) {
	if tx.base == "" {
		tx.base = envois.InstanceURL(tx)
	}
	vue, err := seances.DescribeSeanceKept(tx, state.ID)
	if err != nil {
		return nil, fmt.Errorf("describe session %s: %w", state.ID, err)
	}
	return envois.RecordInscription(tx, tx.base, result.Inscription, result.Person, vue)
}

func inscriptionBatcherOf(app core.App) *inscriptionBatcher {
	return app.Store().GetOrSet(inscriptionBatcherKey, func() any { return &inscriptionBatcher{} }).(*inscriptionBatcher)
}

// runRegistrationBatch commits the batch in one transaction; if the
// transaction itself fails, each registration is retried on its own so
// that one failure never takes the others down.
func runInscriptionBatch(app core.App, batch []*inscriptionJob) {
	defer func() {
		for _, job := range batch {
			close(job.done)
		}
	}()
	err := app.RunInTransaction(func(txApp core.App) error {
		tx := newInscriptionTx(txApp)
		defer tx.close()
		for _, job := range batch {
			job.result, job.err = registerInTx(tx, job)
			if job.err != nil && !refusal(job.err) {
				return job.err
			}
		}
		return nil
	})
	if err == nil {
		for _, job := range batch {
			if job.err != nil {
				job.err = fmt.Errorf("register for session %s: %w", job.seanceID, job.err)
			}
			envois.Envoyer(app, job.result.depart)
		}
		return
	}
	if len(batch) == 1 {
		batch[0].result, batch[0].err = InscriptionResult{}, fmt.Errorf("register for session %s: %w", batch[0].seanceID, err)
		return
	}
	for _, job := range batch {
		job.err = app.RunInTransaction(func(txApp core.App) error {
			tx := newInscriptionTx(txApp)
			defer tx.close()
			var err error
			job.result, err = registerInTx(tx, job)
			return err
		})
		if job.err != nil {
			job.result, job.err = InscriptionResult{}, fmt.Errorf("register for session %s: %w", job.seanceID, job.err)
			continue
		}
		envois.Envoyer(app, job.result.depart)
	}
}

// seancePlacesSQL reads the places taken (the shared definition) and the
// last waiting rank of session {:id}.
var seancePlacesSQL = `SELECT ` + seances.PlacesPrisesSQL("{:id}") + `, ` + seances.DernierRangSQL("{:id}")

func loadSeanceState(tx *inscriptionTx, seanceID string) (*seanceState, error) {
	var st seanceState
	// Two simple statements: cheaper for SQLite than one with correlated
	// subqueries, and this runs while the write lock is held.
	err := tx.query(`SELECT s.id, s.structure, s.capacite, s.statut, s.debut, s.publique,
			s.inscriptions_ouvertes, a.actif AS atelier_actif, s.cycle
		FROM seances s JOIN ateliers a ON a.id = s.atelier WHERE s.id = {:id}`, dbx.Params{"id": seanceID}).One(&st)
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", seanceID, err)
	}
	// Two index seeks on (seance, statut, rang_attente): the places taken
	// (at most the capacity) and the last waiting rank, however long the
	// waiting list.
	err = tx.query(seancePlacesSQL, dbx.Params{"id": seanceID}).Row(&st.Taken, &st.LastRank)
	if err != nil {
		return nil, fmt.Errorf("places of session %s: %w", seanceID, err)
	}
	return &st, nil
}

// createBeneficiaire records the person as typed on the form. A public
// form never changes an existing person (see matchBeneficiaire): only a
// person it creates gets its contact details, consent and activity date.
func createBeneficiaire(tx *inscriptionTx, structureID string, f InscriptionForm, now time.Time) (*core.Record, error) {
	consentAt, _ := types.ParseDateTime(now)
	collection, err := tx.FindCachedCollectionByNameOrId("beneficiaires")
	if err != nil {
		return nil, err
	}
	person := core.NewRecord(collection)
	person.Id = core.GenerateDefaultRandomId() // same alphabet and length as the autogenerated id, faster
	person.Load(map[string]any{"structure": structureID, "prenom": f.Prenom, "nom": f.Nom,
		"telephone": f.TelephoneNormalise, "email": f.emailNormalise, "code_postal": f.codePostalNormalise,
		"prefere_sms": f.PrefereSMS, "consentement_le": consentAt, "consentement_version": beneficiaires.PrivacyVersion, "derniere_activite": consentAt})
	// The form was validated and normalised field by field (stricter than
	// the schema) and relations come from the database: skipping the
	// generic validation halves the time the write lock is held.
	// TestRegisteredRecordsPassValidation keeps this true.
	if err := tx.SaveNoValidate(person); err != nil {
		return nil, fmt.Errorf("save beneficiary: %w", err)
	}
	return person, nil
}

// matchBeneficiaire finds the structure's active beneficiary with this
// phone or e-mail AND these names (folded: accents, case and hyphens do not
// count), or nil. A phone or an e-mail alone identifies nobody: couples,
// parents and children, a relative's number share them. A near match (same
// contact, another spelling) becomes a new person, for staff to merge.
// Plain SQL on the (structure, telephone) and (structure, email) indexes:
// the lookup runs inside the write transaction.
func matchBeneficiaire(tx *inscriptionTx, structureID string, f InscriptionForm) (*core.Record, error) {
	prenom, nom := texte.Plier(f.Prenom), texte.Plier(f.Nom)
	for _, c := range []struct{ field, value string }{{"telephone", f.TelephoneNormalise}, {"email", f.emailNormalise}} {
		if c.value == "" {
			continue
		}
		var rows []struct {
			ID     string `db:"id"`
			Prenom string `db:"prenom"`
			Nom    string `db:"nom"`
		}
		// "field != ''" is repeated so that SQLite may use the partial index.
		err := tx.query(`SELECT id, prenom, nom FROM beneficiaires WHERE structure = {:structure} AND `+c.field+` = {:value}
			AND `+c.field+` != '' AND anonymise = FALSE AND fusionne_vers = '' ORDER BY created LIMIT 50`,
			dbx.Params{"structure": structureID, "value": c.value}).All(&rows)
		if err != nil {
			return nil, fmt.Errorf("find beneficiary by %s: %w", c.field, err)
		}
		for _, row := range rows {
			if texte.Plier(row.Prenom) == prenom && texte.Plier(row.Nom) == nom {
				return tx.FindRecordById("beneficiaires", row.ID)
			}
		}
	}
	return nil, nil
}

// checkLimites refuses a new place to an IP address or a contact that
// already holds the most places of the session a public form may take.
func checkLimites(tx *inscriptionTx, state *seanceState, f InscriptionForm) error {
	if f.Limites.ParIP > 0 && f.EmpreinteIP != "" {
		var n int
		err := tx.query(`SELECT count(*) FROM inscriptions WHERE seance = {:seance} AND empreinte_ip = {:ip}
			AND empreinte_ip != '' AND statut IN ('`+model.StatutInscrit+`', '`+model.StatutListeAttente+`')`,
			dbx.Params{"seance": state.ID, "ip": f.EmpreinteIP}).Row(&n)
		if err != nil {
			return fmt.Errorf("count places of an IP address: %w", err)
		}
		if n >= f.Limites.ParIP {
			return ErrLimiteIP
		}
	}
	if f.Limites.ParContact > 0 {
		var n int
		err := tx.query(`SELECT count(*) FROM inscriptions WHERE seance = {:seance}
			AND statut IN ('`+model.StatutInscrit+`', '`+model.StatutListeAttente+`')
			AND beneficiaire IN (SELECT id FROM beneficiaires WHERE structure = {:structure}
				AND ((telephone = {:telephone} AND telephone != '') OR (email = {:email} AND email != '')))`,
			dbx.Params{"seance": state.ID, "structure": state.Structure, "telephone": f.TelephoneNormalise, "email": f.emailNormalise}).Row(&n)
		if err != nil {
			return fmt.Errorf("count places of a contact: %w", err)
		}
		if n >= f.Limites.ParContact {
			return ErrLimiteContact
		}
	}
	return nil
}

// placeRegistration decides the registration's status from the places
// taken, counted inside the transaction.
// existing is the person's cancelled registration, taken up again, or nil.
func placeInscription(tx *inscriptionTx, state *seanceState, person, existing *core.Record, f InscriptionForm) (InscriptionResult, error) {
	inscription := existing
	if inscription == nil {
		collection, err := tx.FindCachedCollectionByNameOrId("inscriptions")
		if err != nil {
			return InscriptionResult{}, err
		}
		inscription = core.NewRecord(collection)
		inscription.Id = core.GenerateDefaultRandomId()
		inscription.Load(map[string]any{"seance": state.ID, "beneficiaire": person.Id})
	}
	state.placeIn(inscription)
	inscription.Set("source", "public")
	inscription.Set("inscrit_par", f.InscritPar)
	inscription.Set("jeton", NewToken())
	inscription.Set("empreinte_ip", f.EmpreinteIP)
	inscription.Set("empreinte_formulaire", f.EmpreinteFormulaire)
	// The answers were checked against the session's questions before
	// (CheckQuestions), like the rest of the form.
	inscription.Set("reponses", f.Reponses)
	if err := tx.SaveNoValidate(inscription); err != nil { // see createBeneficiaire
		return InscriptionResult{}, fmt.Errorf("save registration: %w", err)
	}
	return InscriptionResult{Inscription: inscription}, nil
}

// findRegistration returns the person's registration for the session, or nil.
func findInscription(tx *inscriptionTx, seanceID, personID string) (*core.Record, error) {
	var id string
	err := tx.query(`SELECT id FROM inscriptions WHERE seance = {:seance} AND beneficiaire = {:person} LIMIT 1`,
		dbx.Params{"seance": seanceID, "person": personID}).Row(&id)
	if model.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find registration: %w", err)
	}
	return tx.FindRecordById("inscriptions", id)
}

// NewToken is the secret of a registration's personal link (model.NewToken).
func NewToken() string { return model.NewToken() }

// CancelInscription cancels the registration with this token; a freed
// place goes at once to the first person on the waiting list.
func CancelInscription(app core.App, jeton string, now time.Time) (cancelResult, error) {
	var result cancelResult
	err := app.RunInTransaction(func(tx core.App) error {
		inscription, err := model.FindByToken(tx, jeton)
		if err != nil {
			return err
		}
		previous := inscription.GetString("statut")
		if previous != "inscrit" && previous != "liste_attente" {
			return nil // already cancelled, or the session is over: nothing to change
		}
		if inscription.GetString("cycle") != "" {
			result.Promoted, err = cancelCycle(tx, inscription, now) // the whole cycle (cycles.go)
			return err
		}
		seance, err := tx.FindRecordById("seances", inscription.GetString("seance"))
		if err != nil {
			return err
		}
		inscription.Set("statut", "annule")
		inscription.Set("rang_attente", 0)
		if err := tx.Save(inscription); err != nil {
			return fmt.Errorf("cancel registration: %w", err)
		}
		if seance.GetString("statut") == "planifiee" && now.Before(seance.GetDateTime("debut").Time()) {
			result.Promoted, err = seances.PromoteNext(tx, seance)
		}
		return err
	})
	if err != nil {
		return cancelResult{}, fmt.Errorf("cancel registration: %w", err)
	}
	return result, nil
}

// RegistrationForm is what the person typed, kept as typed to fill the
// form again when something is wrong.
type InscriptionForm struct {
	Prenom, Nom, Telephone, Email, CodePostal, InscritPar string
	Consentement                                          bool
	PrefereSMS                                            bool   // a new person's wish: SMS rather than e-mail
	Piege                                                 string // honeypot, empty for people
	// Autres are the other people of the household registered with the
	// same contact, each with their own place.
	Autres []Personne
	// Valeurs are the answers to the session's questions as typed;
	// Reponses the checked ones to store (CheckQuestions).
	Valeurs  []string
	Reponses []seances.Reponse
	// Set by the server, not typed: keyed marks of the sender's IP address
	// ("" when it is exempt) and of the form shown, and the limits.
	EmpreinteIP, EmpreinteFormulaire string
	Limites                          Limites
	// Normalised values, set by validate.
	TelephoneNormalise, emailNormalise, codePostalNormalise string
}

// Personne is one more person of a household registration.
type Personne struct{ Prenom, Nom string }

// MaxAutres is how many other people one form registers at most.
const MaxAutres = 5

// Pour is the form of one other person of the household: their names,
// the shared contact and consent, and who registered them.
func (f InscriptionForm) Pour(p Personne) InscriptionForm {
	g := f
	g.Prenom, g.Nom, g.Autres = p.Prenom, p.Nom, nil
	if g.InscritPar == "" {
		g.InscritPar = f.Prenom + " " + f.Nom
	}
	return g
}

// Limites are the most places of one session that a public form gives to
// one IP address or one phone or e-mail; 0 means no limit.
type Limites struct{ ParIP, ParContact int }

// RegistrationResult is what happened to a submitted registration.
type InscriptionResult struct {
	Inscription *core.Record
	Person      *core.Record
	Existing    bool // the same person was already registered
	depart      *envois.Depart
}

// Refusals of a public registration, decided before any write.
var (
	ErrInscriptionClosed = errors.New("registration closed")
	ErrLimiteIP          = errors.New("this IP address holds the most places a public form may take")
	ErrLimiteContact     = errors.New("this phone or e-mail holds the most places a public form may take")
)

// refusal tells a registration refused before any write, which leaves the
// batch's transaction usable, from a failure.
func refusal(err error) bool {
	return errors.Is(err, model.ErrNotFound) || model.IsNotFound(err) ||
		errors.Is(err, ErrInscriptionClosed) || errors.Is(err, ErrLimiteIP) || errors.Is(err, ErrLimiteContact)
}

// registrationTx is one write transaction deciding a batch of
// registrations. It keeps the sessions read so far (exact as places are
// taken, so that a rush on one workshop reads its session once per batch)
// and its statements prepared once (SQLite parses each only once).
type inscriptionTx struct {
	core.App
	states   map[string]*seanceState
	prepared map[string]*dbx.Query
	base     string // the Application URL, for the messages' links
}

const maxInscriptionBatch = 64

type inscriptionJob struct {
	seanceID string
	form     InscriptionForm
	now      time.Time
	result   InscriptionResult
	err      error
	done     chan struct{}
}

type inscriptionBatcher struct {
	mu      sync.Mutex
	pending []*inscriptionJob
	working bool
}

const inscriptionBatcherKey = "atelier.inscriptionBatcher"

// seanceState is what the registration decision needs, read in one query
// inside the write transaction.
type seanceState struct {
	ID                   string `db:"id"`
	Structure            string `db:"structure"`
	Capacite             int    `db:"capacite"`
	Statut               string `db:"statut"`
	Debut                string `db:"debut"`
	Publique             bool   `db:"publique"`
	InscriptionsOuvertes bool   `db:"inscriptions_ouvertes"`
	AtelierActif         bool   `db:"atelier_actif"`
	Cycle                string `db:"cycle"` // a cycle's session: registration is for the cycle (cycles.go)
	Taken                int    `db:"-"`
	LastRank             int    `db:"-"`
}

const TokenAlphabet = model.TokenAlphabet

// cancelResult is what a cancellation changed.
type cancelResult struct {
	Promoted *core.Record // the registration promoted from the waiting list, if any
}

// Validate normalises the form and returns the errors, one per field.
func (f *InscriptionForm) Validate() formulaire.Erreurs {
	errs := formulaire.Erreurs{}
	f.Prenom, f.Nom = contact.NormaliserNom(f.Prenom), contact.NormaliserNom(f.Nom)
	if msg := contact.MessageNom(f.Prenom, "Indiquez votre prénom."); msg != "" {
		errs["prenom"] = msg
	}
	if msg := contact.MessageNom(f.Nom, "Indiquez votre nom de famille."); msg != "" {
		errs["nom"] = msg
	}
	f.Telephone, f.Email = strings.TrimSpace(f.Telephone), strings.TrimSpace(f.Email)
	if f.Telephone == "" && f.Email == "" {
		errs["telephone"] = "Indiquez un numéro de téléphone ou une adresse e-mail, pour que la structure puisse vous prévenir en cas de changement."
	}
	if f.Telephone != "" {
		tel, err := contact.NormaliserTelephone(f.Telephone)
		if err != nil {
			errs["telephone"] = err.Error()
		}
		f.TelephoneNormalise = tel
	}
	if f.PrefereSMS && errs["telephone"] == "" {
		if msg := contact.MessagePrefereSMS(f.TelephoneNormalise); msg != "" {
			errs["prefere_sms"] = msg
		}
	}
	if f.Email != "" {
		email, err := contact.NormaliserEmail(f.Email)
		switch {
		case err != nil:
			errs["email"] = err.Error()
		case contact.SuggestionEmail(email) != "":
			errs["email"] = "Vérifiez l'adresse e-mail : vouliez-vous écrire " + contact.SuggestionEmail(email) + " ?"
		}
		f.emailNormalise = email
	}
	code, err := contact.NormaliserCodePostal(f.CodePostal)
	if err != nil {
		errs["code_postal"] = err.Error()
	}
	f.codePostalNormalise = code
	f.InscritPar = contact.NormaliserNom(f.InscritPar)
	if len([]rune(f.InscritPar)) > 200 {
		errs["inscrit_par"] = "Ce nom est trop long (200 caractères au plus)."
	}
	for i := range f.Autres {
		p := &f.Autres[i]
		p.Prenom, p.Nom = contact.NormaliserNom(p.Prenom), contact.NormaliserNom(p.Nom)
		if msg := contact.MessageNom(p.Prenom, "Indiquez le prénom de cette personne."); msg != "" {
			errs[fmt.Sprintf("autre_prenom_%d", i)] = msg
		}
		if msg := contact.MessageNom(p.Nom, "Indiquez le nom de famille de cette personne."); msg != "" {
			errs[fmt.Sprintf("autre_nom_%d", i)] = msg
		}
	}
	if len(f.Autres) > MaxAutres {
		errs[""] = fmt.Sprintf("Un formulaire inscrit %d personnes au plus.", MaxAutres+1)
	}
	if !f.Consentement {
		errs["consentement"] = "Cochez la case pour accepter que la structure garde vos coordonnées le temps de l'atelier."
	}
	return errs
}

// CheckQuestions checks the answers to the session's questions
// (seances.CheckReponses) and keeps them for the registration.
func (f *InscriptionForm) CheckQuestions(qs []seances.Question) formulaire.Erreurs {
	reponses, errs := seances.CheckReponses(qs, f.Valeurs)
	f.Reponses = reponses
	return errs
}

// query returns the prepared statement for sql (with {:name} placeholders)
// bound to params.
func (r *inscriptionTx) query(sql string, params dbx.Params) *dbx.Query {
	q, ok := r.prepared[sql]
	if !ok {
		q = r.DB().NewQuery(sql).Prepare()
		r.prepared[sql] = q
	}
	return q.Bind(params)
}

func (r *inscriptionTx) close() {
	for _, q := range r.prepared {
		q.Close()
	}
}

func (b *inscriptionBatcher) do(app core.App, job *inscriptionJob) (InscriptionResult, error) {
	job.done = make(chan struct{})
	b.mu.Lock()
	b.pending = append(b.pending, job)
	if b.working {
		b.mu.Unlock()
		<-job.done
		return job.result, job.err
	}
	b.working = true
	b.mu.Unlock()
	for {
		b.mu.Lock()
		n := min(len(b.pending), maxInscriptionBatch)
		batch := b.pending[:n:n]
		b.pending = b.pending[n:]
		if n == 0 {
			b.working = false
			b.mu.Unlock()
			break
		}
		b.mu.Unlock()
		runInscriptionBatch(app, batch)
	}
	<-job.done
	return job.result, job.err
}

func (s *seanceState) public() bool { return s.Publique && s.AtelierActif && s.Cycle == "" }

// placeIn gives the registration a place if one is left, else the end of
// the waiting list, from the places counted inside the transaction.
func (s *seanceState) placeIn(inscription *core.Record) {
	if seances.PlacesRestantes(s.Capacite, s.Taken) > 0 {
		inscription.Set("statut", model.StatutInscrit)
		inscription.Set("rang_attente", 0)
		return
	}
	inscription.Set("statut", model.StatutListeAttente)
	inscription.Set("rang_attente", s.LastRank+1)
}

// open applies the online registration rule (seances.InscriptionFermee)
// to the state read in the transaction (the page may be a few seconds old).
func (s *seanceState) open(now time.Time) bool {
	debut, err := types.ParseDateTime(s.Debut)
	if err != nil {
		return false
	}
	return seances.InscriptionFermee(s.Statut, s.Publique, s.InscriptionsOuvertes, debut.Time(), now, seances.EnLigne) == ""
}

// ErrPasAnnulee: only a cancelled registration can be taken up again.
var ErrPasAnnulee = errors.New("registration not cancelled")

// Reinscrire takes up again, with the same personal link, a registration
// its person cancelled: a place if one is left, else the end of the
// waiting list (the freed place may have gone to the next person), under
// the same rules as a new public registration.
func Reinscrire(app core.App, jeton string, now time.Time) (*core.Record, error) {
	var inscription *core.Record
	err := app.RunInTransaction(func(txApp core.App) error {
		tx := newInscriptionTx(txApp)
		defer tx.close()
		var err error
		if inscription, err = model.FindByToken(txApp, jeton); err != nil {
			return err
		}
		if inscription.GetString("statut") != model.StatutAnnule {
			return ErrPasAnnulee
		}
		if inscription.GetString("cycle") != "" {
			return ErrInscriptionClosed // a cycle is registered again from its page, for all its sessions
		}
		state, err := loadSeanceState(tx, inscription.GetString("seance"))
		if err != nil {
			return err
		}
		if !state.public() {
			return model.ErrNotFound
		}
		if !state.open(now) {
			return ErrInscriptionClosed
		}
		state.placeIn(inscription)
		return txApp.Save(inscription)
	})
	if err != nil {
		return nil, fmt.Errorf("register again: %w", err)
	}
	return inscription, nil
}
