package beneficiaires

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/contact"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/lib/texte"
	"atelier/hooks/model"
)

type BeneficiaireForm struct {
	Prenom, Nom, Telephone, Email, AnneeNaissance   string
	Genre, StatutSocial, Commune, CodePostal, Notes string
	Consentement                                    []string // the accepted privacy version, when ticked (new people)
	PrefereSMS                                      bool     // SMS rather than e-mail
	// Normalised values, set by validate.
	TelephoneNormalise, EmailNormalise, codePostalNormalise string
	anneeNormalise                                          int
}

// RecordConsent notes on a new person the version of the privacy text they
// accepted, and when.
func RecordConsent(person *core.Record, now time.Time) {
	person.Set("consentement_le", now.UTC())
	person.Set("consentement_version", PrivacyVersion)
}

// BeneficiaireFormOf fills the form with a stored beneficiary, for editing.
func BeneficiaireFormOf(r *core.Record) BeneficiaireForm {
	f := BeneficiaireForm{
		Prenom: r.GetString("prenom"), Nom: r.GetString("nom"), Telephone: contact.FormaterTelephone(r.GetString("telephone")),
		Email: r.GetString("email"), Genre: r.GetString("genre"), StatutSocial: r.GetString("statut_social"),
		Commune: r.GetString("commune"), CodePostal: r.GetString("code_postal"), Notes: r.GetString("notes"),
		PrefereSMS: r.GetBool("prefere_sms"),
	}
	if year := r.GetInt("annee_naissance"); year > 0 {
		f.AnneeNaissance = strconv.Itoa(year)
	}
	return f
}

// BeneficiaireHit is one line of a search result.
type BeneficiaireHit struct {
	ID        string `db:"id"`
	Prenom    string `db:"prenom"`
	Nom       string `db:"nom"`
	Telephone string `db:"telephone"`
	Email     string `db:"email"`
	Commune   string `db:"commune"`
	Annee     int    `db:"annee_naissance"`
	Structure string `db:"structure"`
}

// SearchBeneficiaires finds the people of the staff member's structures
// (only conseillers read people: others get nothing) whose name, e-mail or
// phone matches q. Every word of q must match; accents, case and hyphens
// do not count (« traore » finds « Traoré »), and when nothing matches,
// one typo per word of five letters or more is forgiven (« guerim »).
// Digits match the phone whatever the way they are written (« 06 12 »,
// « 612 »). Anonymised and merged records are left out. The words are
// looked up in the trigram index beneficiaires_recherche.
func SearchBeneficiaires(app core.App, staff *model.StaffView, structure, q string, limit int64) ([]BeneficiaireHit, error) {
	hits := []BeneficiaireHit{}
	if staff == nil || !staff.VoitPersonnes() {
		return hits, nil
	}
	scope := func(prefix string) dbx.Expression {
		where := staff.LecteurDePersonnes().Scope(prefix + "structure")
		if structure != "" {
			where = dbx.And(where, dbx.HashExp{prefix + "structure": structure})
		}
		return where
	}
	words := texte.MotsRecherche(q, maxMotsRecherche)
	if digits := phoneDigits(strings.Join(strings.Fields(q), "")); digits != "" {
		words = []string{digits} // « 06 12 34 » is one phone fragment
	}
	hits, err := searchPeople(app, scope, nil, words, false, limit)
	if err == nil && len(hits) == 0 && slices.ContainsFunc(words, func(w string) bool { return texte.UneFaute(w) != nil }) {
		hits, err = searchPeople(app, scope, nil, words, true, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("search beneficiaries: %w", err)
	}
	return hits, nil
}

// maxMotsRecherche bounds the words of one search (a pasted text is not a
// name).
const maxMotsRecherche = 6

// searchPeople runs the search, each word exact or, with typos, forgiving
// one mistake. Words of three letters or more go through the trigram
// index; shorter ones only narrow what it found (or, alone, the people of
// the structure).
//
// The index is asked with MATCH and quoted phrases: a phrase of trigrams
// is found from their positions alone, where LIKE reads the text of every
// row holding the trigrams (about twenty times slower with 100,000 people).
func searchPeople(app core.App, scope func(prefix string) dbx.Expression, person dbx.Expression, words []string, typos bool, limit int64) ([]BeneficiaireHit, error) {
	var phrases, sets []string
	params := dbx.Params{}
	// Short words (« le », « du ») are looked up with their neighbours,
	// as typed: « le du » finds « Le-Dû ».
	if p := strings.Join(words, " "); len(words) > 1 && len([]rune(p)) >= 3 &&
		slices.ContainsFunc(words, func(w string) bool { return len([]rune(w)) < 3 }) {
		phrases = append(phrases, ftsPhrase(p))
	}
	where := dbx.And(scope("b."), dbx.NewExp("b.anonymise = false AND b.fusionne_vers = ''"), person)
	for i, word := range words {
		param := fmt.Sprintf("w%d", i)
		switch {
		case len([]rune(word)) < 3:
			if len(phrases) == 0 { // a lone short word: the structure's people, compared plainly
				where = dbx.And(where, dbx.NewExp("(b.prenom LIKE {:"+param+"} OR b.nom LIKE {:"+param+"})", dbx.Params{param: "%" + word + "%"}))
			}
		case typos && texte.UneFaute(word) != nil:
			sets = append(sets, oneTypo(param, word, params))
		default:
			phrases = append(phrases, ftsPhrase(word))
		}
	}
	if len(phrases) > 0 {
		params["phrases"] = strings.Join(phrases, " AND ")
		sets = append(sets, "SELECT rowid AS n FROM beneficiaires_recherche WHERE texte MATCH {:phrases}")
	}
	hits := []BeneficiaireHit{}
	columns := []string{"b.id", "b.prenom", "b.nom", "b.telephone", "b.email", "b.commune", "b.annee_naissance", "b.structure"}
	if len(sets) == 0 {
		err := app.DB().Select(columns...).From("beneficiaires b").Where(where).
			OrderBy("b.nom", "b.prenom").Limit(limit).All(&hits)
		return hits, err
	}
	// The trigram index drives, and its keys table holds each person's
	// structure, visibility and sort key: only the people shown are read
	// (unless person asks more of them). CROSS JOIN keeps that order: left
	// to itself, SQLite may walk the structure's people by name and ask the
	// index about each one, which reads all of them when few match.
	found := app.DB().Select("c.beneficiaire", "c.tri").From("("+strings.Join(sets, " INTERSECT ")+") k").
		Join("CROSS JOIN", "beneficiaires_recherche_cles c", dbx.NewExp("c.n = k.n", params))
	where = dbx.And(scope("c."), dbx.NewExp("c.visible = 1"))
	if person != nil {
		found = found.Join("CROSS JOIN", "beneficiaires b", dbx.NewExp("b.id = c.beneficiaire"))
		where = dbx.And(where, person)
	}
	inner := found.Where(where).OrderBy("c.tri").Limit(limit).Build()
	err := app.DB().Select(columns...).From("("+inner.SQL()+") t").
		Join("CROSS JOIN", "beneficiaires b", dbx.NewExp("b.id = t.beneficiaire")).
		Bind(inner.Params()).OrderBy("t.tri").All(&hits)
	return hits, err
}

// oneTypo is the query of the rows holding word with one mistake
// (texte.UneFaute's patterns). The index finds the rows holding a piece of
// three letters the patterns share, the word's first or last three, and
// LIKE then checks the patterns on those rows only, each row read once,
// from the keys table's copy of the text: one lookup per pattern would
// read the common names' rows again and again. A pattern sharing neither
// is looked up by its own pieces.
func oneTypo(param, word string, params dbx.Params) string {
	w := []rune(word)
	anchors := []string{string(w[:3]), string(w[len(w)-3:])}
	groups := map[string][]string{}
	var order []string
	for _, pattern := range texte.UneFaute(word) {
		pieces := strings.Split(strings.Trim(pattern, "%"), "%")
		key := ""
		switch {
		case strings.HasPrefix(pieces[0], anchors[0]):
			key = ftsPhrase(anchors[0])
		case strings.HasSuffix(pieces[len(pieces)-1], anchors[1]):
			key = ftsPhrase(anchors[1])
		default:
			var long []string
			for _, piece := range pieces {
				if len([]rune(piece)) >= 3 {
					long = append(long, ftsPhrase(piece))
				}
			}
			key = strings.Join(long, " AND ")
		}
		if _, seen := groups[key]; !seen {
			order = append(order, key)
		}
		groups[key] = append(groups[key], pattern)
	}
	var lookups []string
	for i, key := range order {
		name := fmt.Sprintf("%s_%d", param, i)
		params[name] = key
		var likes []string
		for j, pattern := range groups[key] {
			params[fmt.Sprintf("%s_%d", name, j)] = pattern
			likes = append(likes, fmt.Sprintf("v.texte LIKE {:%s_%d}", name, j))
		}
		lookups = append(lookups, "SELECT v.n FROM (SELECT rowid AS n FROM beneficiaires_recherche WHERE texte MATCH {:"+name+"}) m"+
			" CROSS JOIN beneficiaires_recherche_cles v ON v.n = m.n WHERE "+strings.Join(likes, " OR "))
	}
	return "SELECT n FROM (" + strings.Join(lookups, " UNION ") + ")"
}

// ftsPhrase quotes a folded text as one FTS5 phrase (a double quote in it
// is doubled): the trigram index finds it anywhere, as it is.
func ftsPhrase(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// phoneDigits returns the digits of a word made only of digits and phone
// separators, without the national leading 0 (numbers are stored in E.164),
// or "" when the word is not a phone fragment.
func phoneDigits(word string) string {
	var b strings.Builder
	for _, r := range word {
		switch {
		case unicode.IsDigit(r):
			b.WriteRune(r)
		case r == '.' || r == '-' || r == '+' || r == '/':
		default:
			return ""
		}
	}
	return strings.TrimPrefix(b.String(), "0")
}

// EscapeLike drops the % and _ a person typed: they are not wildcards.
func EscapeLike(s string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(s)
}

// StaffConsentOptions is the one box staff tick, for a person they record,
// once that person has been told and has agreed (the public form has its
// own wording, in the first person).
var StaffConsentOptions = []formulaire.Option{{Value: PrivacyVersion,
	Label: "La personne a été informée et accepte que la structure garde ses coordonnées pour l'accompagner."}}

// ValidateNew validates a person being recorded: their agreement is required.
func (f *BeneficiaireForm) ValidateNew(now time.Time) formulaire.Erreurs {
	errs := f.Validate(now)
	if len(f.Consentement) == 0 {
		errs["consentement"] = "Cochez la case une fois que la personne a donné son accord : sans accord, ses coordonnées ne sont pas gardées."
	}
	return errs
}

// Validate normalises the form and returns the errors, one per field.
// Unlike the public form, contact details are optional: a person met at the
// desk may have neither phone nor e-mail.
func (f *BeneficiaireForm) Validate(now time.Time) formulaire.Erreurs {
	errs := formulaire.Erreurs{}
	f.Prenom, f.Nom = contact.NormaliserNom(f.Prenom), contact.NormaliserNom(f.Nom)
	if msg := contact.MessageNom(f.Prenom, "Indiquez le prénom."); msg != "" {
		errs["prenom"] = msg
	}
	if msg := contact.MessageNom(f.Nom, "Indiquez le nom de famille."); msg != "" {
		errs["nom"] = msg
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
		if err != nil {
			errs["email"] = err.Error()
		}
		f.EmailNormalise = email
	}
	if f.AnneeNaissance != "" {
		year, err := strconv.Atoi(f.AnneeNaissance)
		if err != nil || year < 1900 || year > now.Year() {
			errs["annee_naissance"] = fmt.Sprintf("Indiquez l'année de naissance en 4 chiffres, entre 1900 et %d.", now.Year())
		}
		f.anneeNormalise = year
	}
	if f.Genre != "" && !referentiel.Genres.Has(f.Genre) {
		errs["genre"] = "Choisissez un genre dans la liste."
	}
	if f.StatutSocial != "" && !referentiel.StatutsSociaux.Has(f.StatutSocial) {
		errs["statut_social"] = "Choisissez une situation dans la liste."
	}
	code, err := contact.NormaliserCodePostal(f.CodePostal)
	if err != nil {
		errs["code_postal"] = err.Error()
	}
	f.codePostalNormalise = code
	if len([]rune(f.Commune)) > 200 {
		errs["commune"] = "Le nom de la commune est trop long (200 caractères au plus)."
	}
	if len([]rune(f.Notes)) > 5000 {
		errs["notes"] = "Les notes sont trop longues (5 000 caractères au plus)."
	}
	return errs
}

// Apply copies a validated form onto a beneficiary record.
func (f *BeneficiaireForm) Apply(r *core.Record) {
	r.Set("prenom", f.Prenom)
	r.Set("nom", f.Nom)
	r.Set("telephone", f.TelephoneNormalise)
	r.Set("email", f.EmailNormalise)
	r.Set("annee_naissance", f.anneeNormalise)
	r.Set("genre", f.Genre)
	r.Set("statut_social", f.StatutSocial)
	r.Set("commune", f.Commune)
	r.Set("code_postal", f.codePostalNormalise)
	r.Set("notes", f.Notes)
	r.Set("prefere_sms", f.PrefereSMS)
}
