package beneficiaires

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/access"
	"atelier/hooks/journal"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/texte"
)

// Merging duplicate beneficiaries. A person registered twice (once on the
// public page, once by phone…) has two records; merging moves everything of
// the dropped record to the kept one, in one transaction, so that nothing is
// lost: registrations, one-to-one help and attestations. The dropped record
// stays, pointing to the kept one (fusionne_vers), so that old links still
// lead somewhere; searches and registration matching leave it out.

// MergeRefusal is a merge the pages explain to the person, in French.
type MergeRefusal string

func (m MergeRefusal) Error() string { return string(m) }

const (
	ErrMergeSame      = MergeRefusal("Choisissez deux fiches différentes.")
	ErrMergeStructure = MergeRefusal("Les deux fiches doivent appartenir à la même structure.")
	ErrMergeDone      = MergeRefusal("Une des deux fiches a déjà été fusionnée avec une autre.")
	errMergeAnonymous = MergeRefusal("Une des deux fiches a été anonymisée : elle ne peut plus être fusionnée.")
)

// mergeSummary tells what a merge did, for the confirmation message.
type mergeSummary struct {
	Kept, Dropped                               string   // record ids
	Nom                                         string   // full name on the kept record
	Inscriptions, Accompagnements, Attestations int      // moved to the kept record
	Doublons                                    []string // sessions both were registered to: one registration kept
	Completes                                   []string // fields of the kept record filled from the dropped one
}

// Message is the confirmation shown after the merge.
func (s mergeSummary) Message() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Les deux fiches sont fusionnées dans celle de %s, qui reçoit %d %s, %d %s et %d %s.",
		s.Nom, s.Inscriptions, frfmt.Pluriel(s.Inscriptions, "inscription", "inscriptions"),
		s.Accompagnements, frfmt.Pluriel(s.Accompagnements, "accompagnement", "accompagnements"),
		s.Attestations, frfmt.Pluriel(s.Attestations, "attestation", "attestations"))
	switch n := len(s.Doublons); {
	case n == 1:
		b.WriteString(" Les deux fiches étaient inscrites à la même séance : une seule inscription est gardée et la liste d'attente est renumérotée.")
	case n > 1:
		fmt.Fprintf(&b, " Les deux fiches étaient inscrites à %d séances en commun : une seule inscription par séance est gardée "+
			"et les listes d'attente sont renumérotées.", n)
	}
	if len(s.Completes) > 0 {
		b.WriteString(" Complété : " + strings.Join(s.Completes, ", ") + ".")
	}
	return b.String()
}

// MergeBeneficiaires merges dropID into keepID for the staff member auth.
// Both must be readable and updatable by auth (the API rules, through
// hooks/access) and of the same structure; any refusal or failure rolls the
// whole merge back.
func MergeBeneficiaires(app core.App, auth *core.Record, keepID, dropID string) (mergeSummary, error) {
	summary := mergeSummary{Kept: keepID, Dropped: dropID}
	if keepID == dropID {
		return summary, ErrMergeSame
	}
	err := app.RunInTransaction(func(tx core.App) error {
		keep, drop, err := mergeablePair(tx, auth, keepID, dropID)
		if err != nil {
			return err
		}
		summary.Nom = keep.GetString("prenom") + " " + keep.GetString("nom")
		structure, err := tx.FindRecordById("structures", keep.GetString("structure"))
		if err != nil {
			return fmt.Errorf("merge %s: structure: %w", keepID, err)
		}
		loc := frfmt.Location(structure.GetString("fuseau"))
		if err := moveInscriptions(tx, keep, drop, loc, &summary); err != nil {
			return err
		}
		if summary.Accompagnements, err = moveRelated(tx, "accompagnements", "beneficiaire", drop.Id, keep.Id); err != nil {
			return err
		}
		// Each record had its first accompaniment: the person has one, the
		// earliest. Saving the kept person's helps computes it again
		// (accompagnements.Register), as La Coop does when it merges.
		if _, err := moveRelated(tx, "accompagnements", "beneficiaire", keep.Id, keep.Id); err != nil {
			return err
		}
		if summary.Attestations, err = moveRelated(tx, "attestations", "beneficiaire", drop.Id, keep.Id); err != nil {
			return err
		}
		summary.Completes = absorbFields(keep, drop)
		if err := tx.Save(keep); err != nil {
			return fmt.Errorf("merge: save kept %s: %w", keep.Id, err)
		}
		// Records merged earlier into the dropped one now point to the kept
		// one: a link never needs more than one hop.
		if _, err := moveRelated(tx, "beneficiaires", "fusionne_vers", drop.Id, keep.Id); err != nil {
			return err
		}
		drop.Set("fusionne_vers", keep.Id)
		if err := tx.Save(drop); err != nil {
			return fmt.Errorf("merge: mark dropped %s: %w", drop.Id, err)
		}
		return journal.LogAccess(tx, auth, journal.Fusion, keep, "Fiche "+drop.Id+" fusionnée dans celle-ci")
	})
	return summary, err
}

// mergeablePair loads both records through the access rules and checks they
// can be merged by auth.
func mergeablePair(tx core.App, auth *core.Record, keepID, dropID string) (keep, drop *core.Record, err error) {
	if keep, err = access.WorkspaceRecord(tx, auth, "beneficiaires", keepID); err != nil {
		return nil, nil, err
	}
	if drop, err = access.WorkspaceRecord(tx, auth, "beneficiaires", dropID); err != nil {
		return nil, nil, err
	}
	if keep.GetString("structure") != drop.GetString("structure") {
		return nil, nil, ErrMergeStructure
	}
	if keep.GetString("fusionne_vers") != "" || drop.GetString("fusionne_vers") != "" {
		return nil, nil, ErrMergeDone
	}
	if keep.GetBool("anonymise") || drop.GetBool("anonymise") {
		return nil, nil, errMergeAnonymous
	}
	if !access.MayUpdate(tx, auth, keep, nil) || !access.MayUpdate(tx, auth, drop, map[string]any{"fusionne_vers": keep.Id}) {
		return nil, nil, access.ErrForbidden
	}
	return keep, drop, nil
}

// statusStrength orders registration statuses: when both records were
// registered to the same session, the strongest registration is kept.
var statusStrength = map[string]int{"present": 5, "inscrit": 4, "liste_attente": 3, "absent": 2, "annule": 1}

// stronger tells whether registration a beats b; on the waiting list, the
// better rank wins. Ties keep b (the kept person's own registration).
func stronger(a, b *core.Record) bool {
	sa, sb := statusStrength[a.GetString("statut")], statusStrength[b.GetString("statut")]
	if sa != sb {
		return sa > sb
	}
	return sa == statusStrength["liste_attente"] && a.GetInt("rang_attente") < b.GetInt("rang_attente")
}

// moveInscriptions gives every registration of drop to keep. A session both
// were registered to keeps one registration, the strongest (the unique
// (seance, beneficiaire) index allows only one).
func moveInscriptions(tx core.App, keep, drop *core.Record, loc *time.Location, summary *mergeSummary) error {
	regs, err := tx.FindRecordsByFilter("inscriptions", "beneficiaire = {:b}", "created", 0, 0, dbx.Params{"b": drop.Id})
	if err != nil {
		return fmt.Errorf("merge: registrations of %s: %w", drop.Id, err)
	}
	for _, reg := range regs {
		seanceID := reg.GetString("seance")
		own, err := tx.FindFirstRecordByFilter("inscriptions", "seance = {:s} && beneficiaire = {:b}",
			dbx.Params{"s": seanceID, "b": keep.Id})
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("merge: registration of %s to %s: %w", keep.Id, seanceID, err)
		}
		if own != nil {
			if err := resolveDuplicateInscription(tx, keep, reg, own, loc, summary); err != nil {
				return err
			}
			continue
		}
		reg.Set("beneficiaire", keep.Id)
		if err := tx.Save(reg); err != nil {
			return fmt.Errorf("merge: move registration %s: %w", reg.Id, err)
		}
		summary.Inscriptions++
	}
	return nil
}

// resolveDuplicateInscription keeps the stronger of two registrations to
// the same session and deletes the other (the positions on the waiting
// list are computed from the stored ranks: the people behind move up).
func resolveDuplicateInscription(tx core.App, keep, dropped, own *core.Record, loc *time.Location, summary *mergeSummary) error {
	winner, loser := own, dropped
	if stronger(dropped, own) {
		winner, loser = dropped, own
	}
	if err := tx.Delete(loser); err != nil {
		return fmt.Errorf("merge: delete duplicate registration %s: %w", loser.Id, err)
	}
	if winner == dropped {
		dropped.Set("beneficiaire", keep.Id)
		if err := tx.Save(dropped); err != nil {
			return fmt.Errorf("merge: move registration %s: %w", dropped.Id, err)
		}
		summary.Inscriptions++
	}
	seance, err := tx.FindRecordById("seances", winner.GetString("seance"))
	if err != nil {
		return fmt.Errorf("merge: session %s: %w", winner.GetString("seance"), err)
	}
	titre := "une séance"
	if atelier, err := tx.FindRecordById("ateliers", seance.GetString("atelier")); err == nil {
		titre = atelier.GetString("titre")
	}
	summary.Doublons = append(summary.Doublons, titre+", "+frfmt.Date(seance.GetDateTime("debut").Time().In(loc)))
	return nil
}

// moveRelated points every record of collection whose column holds from
// to the record to, and counts them. Records are saved one by one so that
// the integrity checks and hooks run.
func moveRelated(tx core.App, collection, column, from, to string) (int, error) {
	records, err := tx.FindAllRecords(collection, dbx.HashExp{column: from})
	if err != nil {
		return 0, fmt.Errorf("merge: %s of %s: %w", collection, from, err)
	}
	for _, r := range records {
		r.Set(column, to)
		if err := tx.Save(r); err != nil {
			return 0, fmt.Errorf("merge: move %s %s: %w", collection, r.Id, err)
		}
	}
	return len(records), nil
}

// mergedFields are filled on the kept record when it has no value.
var mergedFields = []struct{ name, label string }{
	{"telephone", "téléphone"}, {"email", "e-mail"}, {"annee_naissance", "année de naissance"},
	{"genre", "genre"}, {"statut_social", "situation"}, {"commune", "commune"}, {"code_postal", "code postal"},
}

// MaxNotes is the length of the notes field (pb_migrations maxLong).
const MaxNotes = 5000

// absorbFields completes keep with what only drop knows and returns the
// labels of what changed. Notes are appended; the latest consent and the
// latest activity win.
func absorbFields(keep, drop *core.Record) []string {
	var filled []string
	for _, f := range mergedFields {
		if !emptyField(keep, f.name) || emptyField(drop, f.name) {
			continue
		}
		keep.Set(f.name, drop.Get(f.name))
		if f.name == "commune" && keep.GetString("code_insee") == "" {
			keep.Set("code_insee", drop.GetString("code_insee")) // the commune's code goes with it
		}
		filled = append(filled, f.label)
	}
	if notes, ok := AppendNotes(keep.GetString("notes"), drop.GetString("notes")); ok {
		keep.Set("notes", notes)
		filled = append(filled, "notes")
	}
	if later(drop.GetDateTime("consentement_le"), keep.GetDateTime("consentement_le")) {
		keep.Set("consentement_le", drop.GetDateTime("consentement_le"))
		keep.Set("consentement_version", drop.GetString("consentement_version"))
		filled = append(filled, "consentement")
	}
	if later(drop.GetDateTime("derniere_activite"), keep.GetDateTime("derniere_activite")) {
		keep.Set("derniere_activite", drop.GetDateTime("derniere_activite"))
	}
	return filled
}

func emptyField(r *core.Record, name string) bool {
	if name == "annee_naissance" {
		return r.GetInt(name) == 0
	}
	return r.GetString(name) == ""
}

func later(a, b types.DateTime) bool {
	return !a.IsZero() && (b.IsZero() || a.Time().After(b.Time()))
}

// AppendNotes adds the dropped record's notes after the kept ones, unless
// they are already there. Past the field's length the kept text is cut
// with a pointer: the dropped record keeps its full notes.
func AppendNotes(kept, dropped string) (string, bool) {
	kept, dropped = strings.TrimSpace(kept), strings.TrimSpace(dropped)
	if dropped == "" || strings.Contains(kept, dropped) {
		return kept, false
	}
	joined := dropped
	if kept != "" {
		joined = kept + "\n\n" + dropped
	}
	if runes := []rune(joined); len(runes) > MaxNotes {
		const more = "… (suite sur la fiche fusionnée)"
		joined = string(runes[:MaxNotes-len([]rune(more))]) + more
	}
	return joined, true
}

// mergePreview is what the confirmation page shows before a merge.
type mergePreview struct {
	Counts   map[string]MergeCounts // by record id
	Doublons []MergeConflict
}

type MergeCounts struct{ Inscriptions, Accompagnements, Attestations int }

// MergeConflict is a session both records are registered to.
type MergeConflict struct {
	Titre        string
	Debut        time.Time
	StatutA      string // of the first record
	StatutB      string // of the second record
	StatutGarde  string
	ListeAttente bool // a waiting list will be renumbered
	SeanceID     string
}

// PreviewMerge counts what each record holds and finds the sessions both
// are registered to, with the registration that will be kept.
func PreviewMerge(app core.App, a, b *core.Record, loc *time.Location) (*mergePreview, error) {
	p := &mergePreview{Counts: map[string]MergeCounts{}}
	for _, r := range []*core.Record{a, b} {
		var c MergeCounts
		for collection, n := range map[string]*int{"inscriptions": &c.Inscriptions,
			"accompagnements": &c.Accompagnements, "attestations": &c.Attestations} {
			total, err := app.CountRecords(collection, dbx.HashExp{"beneficiaire": r.Id})
			if err != nil {
				return nil, fmt.Errorf("count %s of %s: %w", collection, r.Id, err)
			}
			*n = int(total)
		}
		p.Counts[r.Id] = c
	}
	var rows []struct {
		Seance  string `db:"seance"`
		Titre   string `db:"titre"`
		Debut   string `db:"debut"`
		StatutA string `db:"statut_a"`
		StatutB string `db:"statut_b"`
	}
	err := app.DB().NewQuery(`SELECT s.id AS seance, at.titre, s.debut, ia.statut AS statut_a, ib.statut AS statut_b
		FROM inscriptions ia
		JOIN inscriptions ib ON ib.seance = ia.seance AND ib.beneficiaire = {:b}
		JOIN seances s ON s.id = ia.seance
		JOIN ateliers at ON at.id = s.atelier
		WHERE ia.beneficiaire = {:a} ORDER BY s.debut`).Bind(dbx.Params{"a": a.Id, "b": b.Id}).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("shared sessions of %s and %s: %w", a.Id, b.Id, err)
	}
	for _, r := range rows {
		debut, _ := types.ParseDateTime(r.Debut)
		c := MergeConflict{SeanceID: r.Seance, Titre: r.Titre, Debut: debut.Time().In(loc), StatutA: r.StatutA, StatutB: r.StatutB}
		c.StatutGarde = strongestStatus(r.StatutA, r.StatutB)
		c.ListeAttente = r.StatutA == "liste_attente" || r.StatutB == "liste_attente"
		p.Doublons = append(p.Doublons, c)
	}
	return p, nil
}

func strongestStatus(a, b string) string {
	if statusStrength[b] > statusStrength[a] {
		return b
	}
	return a
}

// LikelyDuplicate is a record of the same structure that may be the same
// person, with the reasons to think so.
type LikelyDuplicate struct {
	BeneficiaireHit
	Raisons []string
}

// FindLikelyDuplicates lists the records of r's structure with the same
// phone, the same e-mail or the same first and last name (ignoring case and
// accents). Merged and anonymised records are left out.
func FindLikelyDuplicates(app core.App, r *core.Record) ([]LikelyDuplicate, error) {
	var rows []BeneficiaireHit
	err := app.DB().Select("id", "prenom", "nom", "telephone", "email", "commune", "annee_naissance", "structure").
		From("beneficiaires").
		Where(dbx.HashExp{"structure": r.GetString("structure")}).
		AndWhere(dbx.NewExp("id != {:id} AND anonymise = false AND fusionne_vers = ''", dbx.Params{"id": r.Id})).
		OrderBy("nom", "prenom").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("duplicates of %s: %w", r.Id, err)
	}
	// Names are compared here rather than in SQL: SQLite folds neither
	// accents nor non-ASCII case. One structure's people are few enough.
	name := texte.Plier(r.GetString("prenom") + " " + r.GetString("nom"))
	tel, email := r.GetString("telephone"), strings.ToLower(r.GetString("email"))
	var out []LikelyDuplicate
	for _, h := range rows {
		var why []string
		if tel != "" && h.Telephone == tel {
			why = append(why, "même téléphone")
		}
		if email != "" && strings.ToLower(h.Email) == email {
			why = append(why, "même e-mail")
		}
		if texte.Plier(h.Prenom+" "+h.Nom) == name {
			why = append(why, "même nom")
		}
		if len(why) > 0 {
			out = append(out, LikelyDuplicate{BeneficiaireHit: h, Raisons: why})
		}
	}
	return out, nil
}

// FindContactDuplicates lists the people of structure with this phone or
// e-mail (already normalised), before a new record is created.
func FindContactDuplicates(app core.App, structure, telephone, email string) ([]BeneficiaireHit, error) {
	hits := []BeneficiaireHit{}
	var match []dbx.Expression
	if telephone != "" {
		match = append(match, dbx.HashExp{"telephone": telephone})
	}
	if email != "" {
		match = append(match, dbx.NewExp("lower(email) = lower({:email})", dbx.Params{"email": email}))
	}
	if len(match) == 0 {
		return hits, nil
	}
	err := app.DB().Select("id", "prenom", "nom", "telephone", "email", "commune", "annee_naissance", "structure").
		From("beneficiaires").
		Where(dbx.And(dbx.HashExp{"structure": structure}, dbx.NewExp("anonymise = false AND fusionne_vers = ''"), dbx.Or(match...))).
		OrderBy("nom", "prenom").Limit(10).All(&hits)
	if err != nil {
		return nil, fmt.Errorf("contact duplicates in %s: %w", structure, err)
	}
	return hits, nil
}
