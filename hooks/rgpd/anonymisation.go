package rgpd

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/attestations"
	"atelier/hooks/journal"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

// Anonymising a beneficiary: what identifies the person is erased, what the
// statistics count is kept, so that every figure and past report stays the
// same. It is the same operation for the retention job (inactive people)
// and for the right to erasure (a conseiller, on the person's request).
//
// Erased: first and last name, phone, e-mail, notes; the cancel tokens and
// the name of the relative who registered them (inscrit_par); the notes of
// their one-to-one help; the PDF of their attestations (it prints the name);
// the recipient of the messages sent to them or about them; and the same on
// the duplicates merged into them.
//
// Kept: the structure, birth year, gender, social status, commune, postal and
// INSEE codes, the registrations and attendance, the one-to-one help, the
// attestation codes and dates. The age bracket of the statistics is computed
// from the birth year at the date of each activity (a person born in 1956 is
// 60-69 in 2025 and 70+ in 2026): storing the bracket instead would change
// the figures of a past month as soon as it is recomputed, so the year stays.

// ErrRestore refuses to take an anonymised person back: their names and
// contacts are gone for good.
var ErrRestore = model.FrenchError("anonymise",
	"Cette personne a été anonymisée : ses données sont effacées pour de bon et ne peuvent pas être rétablies.")

// ErasedRecipient replaces the address of a message about an anonymised
// person (the field is required: the message itself stays counted).
const ErasedRecipient = "(effacé)"

// Anonymisation tells what erasing one person changed.
type Anonymisation struct {
	Personnes int            // records anonymised: the person and the duplicates merged into them
	Promues   []*core.Record // waiting registrations promoted to the places freed
}

// AnonymiseBeneficiaire erases what identifies person, inside tx (the
// caller's transaction). Registrations to sessions still ahead are
// cancelled (the freed places go to the waiting list); the retention job
// never meets any. auth is the conseiller acting on a request, nil for the
// retention job; reason goes to the audit log.
func AnonymiseBeneficiaire(tx core.App, auth, person *core.Record, reason string, now time.Time) (Anonymisation, error) {
	var result Anonymisation
	if person.GetBool("anonymise") {
		return result, nil
	}
	promoted, err := cancelUpcomingInscriptions(tx, person.Id, now)
	if err != nil {
		return result, err
	}
	result.Promues = promoted
	if err := eraseMessages(tx, person); err != nil {
		return result, err
	}
	if err := eraseRelated(tx, person.Id); err != nil {
		return result, err
	}
	if err := dropAttestationFiles(tx, person.Id); err != nil {
		return result, err
	}
	for _, field := range []string{"prenom", "nom", "telephone", "email", "notes"} {
		person.Set(field, "")
	}
	person.Set("anonymise", true)
	if err := tx.Save(person); err != nil {
		return result, fmt.Errorf("anonymise %s: %w", person.Id, err)
	}
	result.Personnes = 1
	// Duplicates merged into the person still hold their names.
	merged, err := tx.FindAllRecords("beneficiaires", dbx.HashExp{"fusionne_vers": person.Id, "anonymise": false})
	if err != nil {
		return result, fmt.Errorf("merged records of %s: %w", person.Id, err)
	}
	for _, m := range merged {
		more, err := AnonymiseBeneficiaire(tx, auth, m, "Fiche fusionnée dans "+person.Id, now)
		if err != nil {
			return result, err
		}
		result.Personnes += more.Personnes
		result.Promues = append(result.Promues, more.Promues...)
	}
	return result, journal.LogAccess(tx, auth, journal.Effacement, person, reason)
}

// cancelUpcomingRegistrations cancels the person's places in sessions still
// ahead and gives them to the waiting lists.
func cancelUpcomingInscriptions(tx core.App, personID string, now time.Time) ([]*core.Record, error) {
	// From the person's few registrations to their sessions: the filter
	// "seance.statut = … && seance.debut > …" led SQLite to read every
	// upcoming session of the instance first (10,000 in a region) for each
	// person anonymised.
	var ids []string
	err := tx.DB().NewQuery(`SELECT i.id FROM inscriptions i CROSS JOIN seances s ON s.id = i.seance
		WHERE i.beneficiaire = {:b} AND i.statut IN ('inscrit', 'liste_attente') AND s.statut = 'planifiee' AND s.debut > {:now}
		ORDER BY i.id`).Bind(dbx.Params{"b": personID, "now": model.DBDate(now)}).Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("upcoming registrations of %s: %w", personID, err)
	}
	regs, err := tx.FindRecordsByIds("inscriptions", ids)
	if err != nil {
		return nil, fmt.Errorf("upcoming registrations of %s: %w", personID, err)
	}
	var promoted []*core.Record
	for _, reg := range regs {
		reg.Set("statut", "annule")
		reg.Set("rang_attente", 0)
		if err := tx.Save(reg); err != nil {
			return nil, fmt.Errorf("cancel registration %s: %w", reg.Id, err)
		}
		seance, err := tx.FindRecordById("seances", reg.GetString("seance"))
		if err != nil {
			return nil, fmt.Errorf("session of %s: %w", reg.Id, err)
		}
		p, err := seances.PromoteNext(tx, seance)
		if err != nil {
			return nil, err
		}
		if p != nil {
			promoted = append(promoted, p)
		}
	}
	return promoted, nil
}

// eraseMessages blanks the recipient of the messages about the person (one
// of their registrations, or their record) and of those sent to their
// address that are not about somebody else (a family may share an e-mail).
// A message still waiting to be sent is marked failed: there is nobody to
// send it to any more.
func eraseMessages(tx core.App, person *core.Record) error {
	var cibles []string
	err := tx.DB().Select("id").From("inscriptions").Where(dbx.HashExp{"beneficiaire": person.Id}).Column(&cibles)
	if err != nil {
		return fmt.Errorf("registrations of %s: %w", person.Id, err)
	}
	about := []any{person.Id}
	for _, c := range cibles {
		about = append(about, c)
	}
	where := dbx.In("cible", about...)
	if email := person.GetString("email"); email != "" {
		where = dbx.Or(where, dbx.NewExp(`lower(destinataire) = lower({:email}) AND NOT EXISTS
			(SELECT 1 FROM inscriptions other WHERE other.id = envois.cible AND other.beneficiaire != {:person})`,
			dbx.Params{"email": email, "person": person.Id}))
	}
	pending := dbx.And(where, dbx.HashExp{"statut": "en_attente"})
	if _, err := tx.DB().Update("envois", dbx.Params{"statut": "echec", "erreur": "Destinataire effacé (RGPD)"}, pending).Execute(); err != nil {
		return fmt.Errorf("stop messages to %s: %w", person.Id, err)
	}
	// The copy kept for retries (texte, html) holds the name and the personal link.
	if _, err := tx.DB().Update("envois", dbx.Params{"destinataire": ErasedRecipient, "texte": "", "html": ""}, where).Execute(); err != nil {
		return fmt.Errorf("erase messages to %s: %w", person.Id, err)
	}
	return nil
}

// eraseRelated blanks the personal fields of the person's registrations and
// one-to-one help; what the statistics count stays.
func eraseRelated(tx core.App, personID string) error {
	// The answers to the sessions' questions are the person's too.
	if _, err := tx.DB().Update("inscriptions", dbx.Params{"jeton": "", "code": "", "inscrit_par": "", "reponses": nil},
		dbx.HashExp{"beneficiaire": personID}).Execute(); err != nil {
		return fmt.Errorf("erase registrations of %s: %w", personID, err)
	}
	if _, err := tx.DB().Update("accompagnements", dbx.Params{"notes": ""},
		dbx.HashExp{"beneficiaire": personID}).Execute(); err != nil {
		return fmt.Errorf("erase help notes of %s: %w", personID, err)
	}
	return nil
}

// dropAttestationFiles deletes the PDFs of the person's attestations (they
// print the name) and reduces the name kept in their content to initials;
// the code, the workshops and the dates stay, for the statistics and so
// that the verification page still tells a real code from a forged one.
func dropAttestationFiles(tx core.App, personID string) error {
	records, err := tx.FindAllRecords("attestations", dbx.HashExp{"beneficiaire": personID})
	if err != nil {
		return fmt.Errorf("attestations of %s: %w", personID, err)
	}
	for _, a := range records {
		var contenu attestations.AttestationContenu
		if err := a.UnmarshalJSONField("contenu", &contenu); err != nil {
			return fmt.Errorf("content of attestation %s: %w", a.Id, err)
		}
		if initials := strings.Fields(contenu.Initiales()); len(initials) > 0 {
			contenu.Prenom, contenu.Nom = initials[0], strings.Join(initials[1:], " ")
		}
		a.Set("contenu", contenu)
		a.Set("pdf", "") // PocketBase deletes the file once the transaction commits
		if err := tx.Save(a); err != nil {
			return fmt.Errorf("drop attestation file %s: %w", a.Id, err)
		}
	}
	return nil
}

// PersonTraces are the strings by which a person could be found in the
// request log (a search by name or e-mail is part of a page's address).
func PersonTraces(person *core.Record) []string {
	var traces []string
	for _, field := range []string{"nom", "email"} {
		v := strings.TrimSpace(person.GetString(field))
		if len([]rune(v)) < 3 {
			continue // too short to tell the person from any other text
		}
		traces = append(traces, v, url.QueryEscape(v), url.PathEscape(v))
	}
	return traces
}

// PurgeRequestLogs deletes the request log entries that hold one of traces
// (PocketBase keeps them a few days, Settings > Logs).
func PurgeRequestLogs(app core.App, traces []string) error {
	seen := map[string]bool{}
	for _, trace := range traces {
		if seen[trace] {
			continue
		}
		seen[trace] = true
		_, err := app.AuxDB().NewQuery("DELETE FROM {{_logs}} WHERE instr([[data]], {:trace}) > 0 OR instr([[message]], {:trace}) > 0").
			Bind(dbx.Params{"trace": trace}).Execute()
		if err != nil {
			return fmt.Errorf("purge request log: %w", err)
		}
	}
	return nil
}
