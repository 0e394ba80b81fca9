package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"

	"atelier/hooks/beneficiaires"
	"atelier/hooks/lib/codeperso"
	"atelier/hooks/lib/demodata"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/lib/texte"
	"atelier/hooks/model"
	"atelier/hooks/rapports"
)

// A region at scale 1 (issue 18): what one instance holds for a whole
// French region after five years.
const (
	RegionStructures      = 500
	RegionSeances         = 300_000 // over 5 years, the upcoming ones included
	RegionAVenir          = 10_000  // upcoming sessions, over the next 8 weeks
	RegionBeneficiaires   = 1_000_000
	RegionAccompagnements = 6_000_000
	regionYears           = 5
	regionWeeksAhead      = 8
)

// RegionVersion changes with what Region writes: cached regions of
// another version are built again.
const RegionVersion = 1

// RegionPassword is the password of every staff account of a region.
const RegionPassword = "region-synthetique-0000"

// RegionCoordinateur is the e-mail of the region's coordinateur; the staff
// of structure i are referent-i@region.test and conseiller-i@region.test.
const RegionCoordinateur = "coordination@region.test"

// RegionSummary counts what Region wrote.
type RegionSummary struct {
	Structures, Staff, Lieux, Seances, AVenir, Beneficiaires, Anonymises,
	Inscriptions, ListeAttente, Accompagnements, Rapports int
}

// Region writes a whole region into an empty, migrated database: scale 1
// is 500 structures (a tenth of them overseas), two staff each, five years
// of sessions (10,000 of them upcoming and public) with their registrations
// (some full with a waiting list), one-to-one help, and the people, those
// inactive past the retention period already anonymised, as the daily job
// would have left them. The same seed and scale write the same rows (ids
// included); now places the history.
//
// The rows go in with prepared INSERTs, one transaction per structure,
// around PocketBase's record hooks: what those hooks would have written
// (the folded search text, the personal codes and tokens, the reminders'
// dates) is written here, and the search index's triggers fill it as
// usual. The month whose report is due is marked as reported (a record
// without files), so that a server started on the region does not spend
// its first minutes catching reports up: `atelier rapports generer` makes
// them again.
func Region(app core.App, seed uint64, scale float64, now time.Time) (RegionSummary, error) {
	return RegionProgress(app, seed, scale, now, nil)
}

// RegionProgress is Region telling progress (when not nil) after each
// structure: the full size takes minutes.
func RegionProgress(app core.App, seed uint64, scale float64, now time.Time, progress func(done, total int)) (RegionSummary, error) {
	if scale <= 0 || scale > 1 {
		return RegionSummary{}, fmt.Errorf("region: scale %v out of (0, 1]", scale)
	}
	g, err := newRegion(app, seed, scale, now)
	if err != nil {
		return RegionSummary{}, fmt.Errorf("region: %w", err)
	}
	if err := g.coordinateur(); err != nil {
		return RegionSummary{}, fmt.Errorf("region: %w", err)
	}
	for i := range g.structures {
		err := app.RunInTransaction(func(tx core.App) error {
			w, err := newWriter(tx)
			if err != nil {
				return err
			}
			defer w.close()
			return g.structure(w, i)
		})
		if err != nil {
			return RegionSummary{}, fmt.Errorf("region, structure %d: %w", i, err)
		}
		if progress != nil {
			progress(i+1, len(g.structures))
		}
	}
	return g.summary, nil
}

type atelierInfo struct {
	ID       string `db:"id"`
	Duree    int    `db:"duree_minutes"`
	Capacite int    `db:"capacite_defaut"`
}

type region struct {
	app        core.App
	seed       uint64
	scale      float64
	now, start time.Time
	limit      time.Time // people without activity since are anonymised
	ateliers   []atelierInfo
	prenoms    []string
	noms       []string
	hash       string // the staff's password, hashed once
	structures []float64
	codes      uint64
	ids        uint64
	summary    RegionSummary
}

func newRegion(app core.App, seed uint64, scale float64, now time.Time) (*region, error) {
	g := &region{app: app, seed: seed, scale: scale, now: now.UTC(), start: now.UTC().AddDate(-regionYears, 0, 0)}
	if err := app.DB().Select("id", "duree_minutes", "capacite_defaut").From("ateliers").
		Where(dbx.NewExp("structure = '' AND actif = TRUE")).OrderBy("titre").All(&g.ateliers); err != nil || len(g.ateliers) == 0 {
		return nil, fmt.Errorf("the seeded catalogue is needed: %v", err)
	}
	var months int
	if err := app.DB().NewQuery("SELECT duree_inactivite_mois FROM parametres LIMIT 1").Row(&months); err != nil || months <= 0 {
		return nil, fmt.Errorf("privacy settings: %v", err)
	}
	// A day of people stays just past the limit: the work of the next daily
	// retention run.
	g.limit = g.now.AddDate(0, -months, -1)
	g.prenoms, g.noms = demodata.PrenomsEtNoms()
	hash, err := bcrypt.GenerateFromPassword([]byte(RegionPassword), 10)
	if err != nil {
		return nil, fmt.Errorf("hash the staff password: %w", err)
	}
	g.hash = string(hash)
	// Structures differ in size: a weight each, from 0.3 to 1.7 of the mean.
	rng := g.rng(0)
	n := max(1, int(math.Round(RegionStructures*scale)))
	g.structures = make([]float64, n)
	var sum float64
	for i := range g.structures {
		g.structures[i] = 0.3 + 1.4*rng.Float64()
		sum += g.structures[i]
	}
	for i := range g.structures {
		g.structures[i] *= float64(n) / sum
	}
	return g, nil
}

// rng is the generator of one part of the region: structure i is the same
// whatever the others.
func (g *region) rng(part int) *rand.Rand { return rand.New(rand.NewPCG(g.seed, uint64(part))) }

// share is structure i's part of a total at scale 1.
func (g *region) share(total float64, i int) int {
	return int(math.Round(total * g.scale * g.structures[i] / float64(len(g.structures))))
}

func (g *region) coordinateur() error {
	return g.app.RunInTransaction(func(tx core.App) error {
		w, err := newWriter(tx)
		if err != nil {
			return err
		}
		defer w.close()
		return g.staff(w, g.rng(-1), RegionCoordinateur, "Coordination", model.RoleCoordinateur, "", g.start)
	})
}

// Time zones of the structures: mainland first; one in ten overseas.
var regionFuseaux = []string{"Indian/Reunion", "America/Martinique", "America/Guadeloupe", "Indian/Mayotte",
	"America/Cayenne", "Pacific/Noumea", "Pacific/Tahiti"}

var regionCommunes = []struct{ commune, cp string }{
	{"Poitiers", "86000"}, {"Niort", "79000"}, {"La Rochelle", "17000"}, {"Angoulême", "16000"},
	{"Limoges", "87000"}, {"Bordeaux", "33000"}, {"Pau", "64000"}, {"Agen", "47000"},
	{"Périgueux", "24000"}, {"Mont-de-Marsan", "40000"}, {"Guéret", "23000"}, {"Tulle", "19000"},
}

var regionCommunesOutreMer = map[string]struct{ commune, cp string }{
	"Indian/Reunion": {"Saint-Denis", "97400"}, "America/Martinique": {"Fort-de-France", "97200"},
	"America/Guadeloupe": {"Pointe-à-Pitre", "97110"}, "Indian/Mayotte": {"Mamoudzou", "97600"},
	"America/Cayenne": {"Cayenne", "97300"}, "Pacific/Noumea": {"Nouméa", "98800"}, "Pacific/Tahiti": {"Papeete", "98714"},
}

// sessionRow is a session kept in memory while its structure is written.
type sessionRow struct {
	id         string
	debut, fin time.Time
	capacite   int
	statut     string
	aVenir     bool
	taken      map[int]bool
}

// personRow is what the writing of a structure learns about a person.
type personRow struct {
	id     string
	born   time.Time // first seen
	last   time.Time // latest activity
	aVenir bool      // holds a place or a waiting rank in an upcoming session
}

// structure writes structure i with everything it holds.
func (g *region) structure(w *writer, i int) error {
	rng := g.rng(i + 1)
	fuseau, place := frfmt.DefaultZone, regionCommunes[i%len(regionCommunes)]
	if i%10 == 3 {
		fuseau = regionFuseaux[(i/10)%len(regionFuseaux)]
		place = regionCommunesOutreMer[fuseau]
	}
	loc := frfmt.Location(fuseau)
	created := g.start.AddDate(0, 0, -rng.IntN(200))
	st := g.newID(rng)
	err := w.insert("structures", dbx.Params{"id": st, "nom": fmt.Sprintf("Espace numérique %s %d", place.commune, i),
		"slug": fmt.Sprintf("region-%d", i), "fuseau": fuseau, "commune": place.commune, "code_postal": place.cp,
		"created": model.DBDate(created)})
	if err != nil {
		return err
	}
	g.summary.Structures++
	staff := []string{g.newID(rng), g.newID(rng)}
	if err := g.staffWithID(w, rng, staff[0], fmt.Sprintf("referent-%d@region.test", i), "Référent", model.RoleReferent, st, created); err != nil {
		return err
	}
	if err := g.staffWithID(w, rng, staff[1], fmt.Sprintf("conseiller-%d@region.test", i), "Conseiller", model.RoleConseiller, st, created); err != nil {
		return err
	}
	lieux := make([]string, 1+rng.IntN(3))
	for k := range lieux {
		lieux[k] = g.newID(rng)
		if err := w.insert("lieux", dbx.Params{"id": lieux[k], "structure": st, "nom": fmt.Sprintf("Salle %d", k+1),
			"commune": place.commune, "code_postal": place.cp, "created": model.DBDate(created)}); err != nil {
			return err
		}
		g.summary.Lieux++
	}

	people := g.people(rng, g.share(RegionBeneficiaires, i), created)
	sessions := g.sessions(rng, loc, g.share(RegionSeances-RegionAVenir, i), max(1, g.share(RegionAVenir, i)))
	for _, s := range sessions {
		if err := g.session(w, rng, st, lieux, staff, s, people); err != nil {
			return err
		}
	}
	if err := g.helps(w, rng, loc, st, staff, g.share(RegionAccompagnements, i), people); err != nil {
		return err
	}
	for _, p := range people {
		if err := g.person(w, rng, st, place.commune, place.cp, p); err != nil {
			return err
		}
	}
	// The month due is reported (see Region).
	due := rapports.DueMonth(g.now, loc)
	if err := w.insert("rapports", dbx.Params{"id": g.newID(rng), "structure": st, "mois": rapports.MoisCle(due),
		"genere_le": model.DBDate(g.now.Add(-time.Hour)), "created": model.DBDate(g.now.Add(-time.Hour))}); err != nil {
		return err
	}
	g.summary.Rapports++
	return nil
}

func (g *region) staff(w *writer, rng *rand.Rand, email, nom, role, structure string, created time.Time) error {
	return g.staffWithID(w, rng, g.newID(rng), email, nom, role, structure, created)
}

func (g *region) staffWithID(w *writer, rng *rand.Rand, id, email, nom, role, structure string, created time.Time) error {
	structures := "[]"
	if structure != "" {
		structures = `["` + structure + `"]`
	}
	g.summary.Staff++
	return w.insert("utilisateurs", dbx.Params{"id": id, "email": email, "password": g.hash, "tokenKey": randomText(rng, 50),
		"nom": nom, "prenom": g.prenoms[rng.IntN(len(g.prenoms))], "role": role, "structures": structures,
		"created": model.DBDate(created)})
}

// people draws n people of a structure with the day each was first seen,
// spread over the history, oldest first.
func (g *region) people(rng *rand.Rand, n int, created time.Time) []*personRow {
	people := make([]*personRow, n)
	span := g.now.Sub(created)
	for k := range people {
		born := created.Add(time.Duration(rng.Int64N(int64(span))))
		people[k] = &personRow{id: g.newID(rng), born: born, last: born}
	}
	slices.SortStableFunc(people, func(a, b *personRow) int { return a.born.Compare(b.born) })
	return people
}

// pick chooses who comes at t: mostly someone seen lately, now and then
// someone from long ago, never someone not yet seen.
func pickPerson(rng *rand.Rand, people []*personRow, t time.Time) int {
	k := sort.Search(len(people), func(j int) bool { return people[j].born.After(t) })
	if k == 0 {
		return 0
	}
	if rng.IntN(10) < 3 {
		return k - 1 - rng.IntN(min(k, 5))
	}
	back := int(rng.ExpFloat64() * float64(len(people)) / 12)
	if back >= k {
		return rng.IntN(k)
	}
	return k - 1 - back
}

// sessions draws past sessions over five years and upcoming ones over the
// next 8 weeks, on weekdays, at 9:30 or 14:00 local time, by date.
func (g *region) sessions(rng *rand.Rand, loc *time.Location, past, upcoming int) []*sessionRow {
	out := make([]*sessionRow, 0, past+upcoming)
	localNow := g.now.In(loc)
	today := time.Date(localNow.Year(), localNow.Month(), localNow.Day(), 0, 0, 0, 0, loc)
	day := func(offset int) time.Time {
		d := today.AddDate(0, 0, offset)
		switch d.Weekday() {
		case time.Saturday:
			d = d.AddDate(0, 0, -1)
		case time.Sunday:
			d = d.AddDate(0, 0, 1)
		}
		if rng.IntN(2) == 0 {
			return time.Date(d.Year(), d.Month(), d.Day(), 9, 30, 0, 0, loc)
		}
		return time.Date(d.Year(), d.Month(), d.Day(), 14, 0, 0, 0, loc)
	}
	pastDays := int(g.now.Sub(g.start).Hours() / 24)
	for range past {
		debut := day(-1 - rng.IntN(pastDays-1))
		out = append(out, &sessionRow{debut: debut.UTC()})
	}
	for range upcoming {
		debut := day(1 + rng.IntN(regionWeeksAhead*7-2))
		out = append(out, &sessionRow{debut: debut.UTC(), aVenir: true})
	}
	slices.SortStableFunc(out, func(a, b *sessionRow) int { return a.debut.Compare(b.debut) })
	return out
}

// session writes one session and its registrations: a quarter are full
// with a waiting list, the others filled from 40 to 100 % (less when far
// ahead); past sessions were held (a few cancelled), their people present
// or absent.
func (g *region) session(w *writer, rng *rand.Rand, st string, lieux, staff []string, s *sessionRow, people []*personRow) error {
	a := g.ateliers[rng.IntN(len(g.ateliers))]
	s.id, s.capacite, s.taken = g.newID(rng), max(a.Capacite, 10), map[int]bool{}
	s.fin = s.debut.Add(time.Duration(a.Duree) * time.Minute)
	s.statut = "realisee"
	switch {
	case s.aVenir:
		s.statut = "planifiee"
	case rng.IntN(25) == 0:
		s.statut = "annulee"
	}
	publique := s.aVenir || rng.IntN(10) < 8
	anonymes := 0
	if s.statut == "realisee" {
		anonymes = rng.IntN(3)
	}
	created := s.debut.AddDate(0, 0, -14-rng.IntN(30))
	if created.After(g.now) {
		created = g.now.Add(-time.Hour)
	}
	err := w.insert("seances", dbx.Params{"id": s.id, "atelier": a.ID, "structure": st, "lieu": lieux[rng.IntN(len(lieux))],
		"animateurs": `["` + staff[rng.IntN(len(staff))] + `"]`, "debut": model.DBDate(s.debut), "fin": model.DBDate(s.fin),
		"capacite": s.capacite, "statut": s.statut, "publique": publique, "ouvertes": s.statut == "planifiee",
		"anonymes": anonymes, "created": model.DBDate(created)})
	if err != nil {
		return err
	}
	g.summary.Seances++
	if s.aVenir {
		g.summary.AVenir++
	}
	places, attente := s.capacite*(40+rng.IntN(61))/100, 0
	if rng.IntN(4) == 0 {
		places, attente = s.capacite, 1+rng.IntN(5)
	}
	if s.aVenir && attente == 0 { // far ahead, fewer have registered yet; a popular one is full already
		ahead := s.debut.Sub(g.now).Hours() / 24 / (regionWeeksAhead * 7)
		places = int(float64(places) * (1 - 0.6*ahead))
	}
	for k := range places + attente {
		statut, rang := "inscrit", 0
		switch {
		case k >= places:
			statut, rang = "liste_attente", k-places+1
		case s.statut == "annulee" || rng.IntN(20) == 0:
			statut = "annule"
		case s.statut == "realisee" && rng.IntN(6) == 0:
			statut = "absent"
		case s.statut == "realisee":
			statut = "present"
		}
		if err := g.inscription(w, rng, s, statut, rang, people); err != nil {
			return err
		}
	}
	return nil
}

func (g *region) inscription(w *writer, rng *rand.Rand, s *sessionRow, statut string, rang int, people []*personRow) error {
	if len(people) == 0 {
		return nil
	}
	at := s.debut.Add(-time.Duration(1+rng.IntN(21*24)) * time.Hour)
	if at.After(g.now) {
		at = g.now.Add(-time.Duration(1+rng.IntN(60)) * time.Minute)
	}
	who := pickPerson(rng, people, at)
	for try := 0; s.taken[who]; try++ {
		if try == 10 {
			return nil // a small structure early on: no one else yet
		}
		who = pickPerson(rng, people, at)
	}
	s.taken[who] = true
	p := people[who]
	if at.Before(p.born) {
		p.born = at
	}
	activity := s.debut
	if s.aVenir {
		activity = at
		p.aVenir = p.aVenir || statut == "inscrit" || statut == "liste_attente"
	}
	if activity.After(p.last) {
		p.last = activity
	}
	source := "public"
	switch r := rng.IntN(20); {
	case r < 7:
		source = "conseiller"
	case r == 7 && s.statut == "realisee":
		source = "sur_place"
	}
	// The retention run blanks the token and code of a session over; the
	// last day's are left to it.
	jeton, code := "", ""
	if !s.fin.Before(g.now.AddDate(0, 0, -1)) {
		jeton, code = randomText(rng, 43), g.code()
	}
	rappel := ""
	if statut != "liste_attente" && statut != "annule" && !s.debut.Add(-48*time.Hour).After(g.now) {
		rappel = model.DBDate(s.debut.Add(-48 * time.Hour))
	}
	err := w.insert("inscriptions", dbx.Params{"id": g.newID(rng), "seance": s.id, "beneficiaire": p.id, "statut": statut,
		"rang": rang, "source": source, "jeton": jeton, "code": code, "rappel": rappel, "created": model.DBDate(at)})
	if err != nil {
		return err
	}
	g.summary.Inscriptions++
	if statut == "liste_attente" {
		g.summary.ListeAttente++
	}
	return nil
}

// helps writes n one-to-one helps over the history, a little under half
// of them with a known person.
func (g *region) helps(w *writer, rng *rand.Rand, loc *time.Location, st string, staff []string, n int, people []*personRow) error {
	themes := referentiel.Thematiques.Values()
	lieux := referentiel.TypesLieu.Values()
	materiels := referentiel.Materiels.Values()
	autonomies := []string{"entierement_accompagne", "partiellement_autonome", "autonome"}
	span := int64(g.now.Sub(g.start))
	for range n {
		t := g.start.Add(time.Duration(rng.Int64N(span))).In(loc)
		date := time.Date(t.Year(), t.Month(), t.Day(), 9+rng.IntN(8), 15*rng.IntN(4), 0, 0, loc).UTC()
		if date.After(g.now) {
			date = g.now.Add(-time.Hour)
		}
		k := rng.IntN(len(themes))
		thematiques := `["` + themes[k] + `"]`
		if rng.IntN(3) == 0 {
			thematiques = `["` + themes[k] + `","` + themes[(k+1+rng.IntN(len(themes)-1))%len(themes)] + `"]`
		}
		params := dbx.Params{"id": g.newID(rng), "conseiller": staff[rng.IntN(len(staff))], "structure": st,
			"date": model.DBDate(date), "duree": []int{15, 20, 30, 30, 45, 45, 60, 90, 120}[rng.IntN(9)],
			"type_lieu":   "lieu_activite",
			"thematiques": thematiques, "materiel": `["` + materiels[rng.IntN(len(materiels))] + `"]`,
			"autonomie": autonomies[rng.IntN(len(autonomies))], "beneficiaire": "", "tranche_age": "", "genre": "",
			"statut_social": "", "created": model.DBDate(date)}
		if rng.IntN(4) == 0 {
			params["type_lieu"] = pick(rng, lieux)
		}
		if len(people) > 0 && rng.IntN(20) < 9 {
			p := people[pickPerson(rng, people, date)]
			params["beneficiaire"] = p.id
			if date.Before(p.born) {
				p.born = date
			}
			if date.After(p.last) {
				p.last = date
			}
		} else {
			params["tranche_age"] = pick(rng, referentiel.TranchesAge.Values())
			params["genre"] = pick(rng, referentiel.Genres.Values())
			params["statut_social"] = pick(rng, referentiel.StatutsSociaux.Values())
		}
		if err := w.insert("accompagnements", params); err != nil {
			return err
		}
		g.summary.Accompagnements++
	}
	return nil
}

// person writes a person as the forms and the retention left them: names,
// contact and consent, or nothing but the counted attributes once
// anonymised.
func (g *region) person(w *writer, rng *rand.Rand, st, commune, cp string, p *personRow) error {
	prenom, nom := g.prenoms[rng.IntN(len(g.prenoms))], g.noms[rng.IntN(len(g.noms))]
	telephone, email := "", ""
	if rng.IntN(100) < 85 {
		telephone = fmt.Sprintf("+336%08d", rng.IntN(100_000_000))
	}
	if rng.IntN(100) < 35 {
		email = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' {
				return r
			}
			return -1
		}, texte.Plier(prenom)) + "." + fmt.Sprint(rng.IntN(10_000)) + "@exemple.fr"
	}
	params := dbx.Params{"id": p.id, "structure": st, "annee": 1930 + int(math.Min(78, rng.ExpFloat64()*22+rng.Float64()*30)),
		"genre": pick(rng, referentiel.Genres.Values()), "statut_social": pick(rng, referentiel.StatutsSociaux.Values()),
		"commune": commune, "cp": cp, "consentement_le": model.DBDate(p.born), "version": beneficiaires.PrivacyVersion,
		"derniere_activite": model.DBDate(p.last), "prefere_sms": telephone != "" && rng.IntN(4) == 0,
		"created": model.DBDate(p.born), "updated": model.DBDate(p.last)}
	anonymise := !p.aVenir && p.last.Before(g.limit)
	if anonymise {
		prenom, nom, telephone, email = "", "", "", ""
		g.summary.Anonymises++
	}
	params["prenom"], params["nom"], params["telephone"], params["email"] = prenom, nom, telephone, email
	params["anonymise"] = anonymise
	params["recherche"] = texte.Fiche(prenom, nom, email, telephone)
	if err := w.insert("beneficiaires", params); err != nil {
		return err
	}
	g.summary.Beneficiaires++
	return nil
}

// code is a personal code no other registration of the region holds: a
// counter through a bijection of 40 bits (an odd multiplier), written as
// codeperso writes its random ones.
func (g *region) code() string {
	g.codes++
	x := (g.codes*0x5DEECE66D + g.seed) & (1<<40 - 1)
	var b strings.Builder
	for k := range codeperso.Longueur {
		if k == codeperso.Longueur/2 {
			b.WriteByte('-')
		}
		b.WriteByte(codeperso.Alphabet[(x>>(5*(codeperso.Longueur-1-k)))&31])
	}
	return b.String()
}

const idAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz"

// newID is a PocketBase record id (15 of [a-z0-9]): a counter then random
// characters. Ids that grow as rows are written keep every primary key
// index written at its end, not all over (the difference between minutes
// and an hour at full size); PocketBase only asks ids to be unique.
func (g *region) newID(rng *rand.Rand) string {
	g.ids++
	var b [15]byte
	n := g.ids
	for k := 8; k >= 0; k-- {
		b[k] = idAlphabet[n%36]
		n /= 36
	}
	for k := 9; k < len(b); k++ {
		b[k] = idAlphabet[rng.IntN(len(idAlphabet))]
	}
	return string(b[:])
}

const tokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randomText(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for k := range b {
		b[k] = tokenAlphabet[rng.IntN(len(tokenAlphabet))]
	}
	return string(b)
}

// writer holds the prepared INSERTs of one transaction.
type writer struct{ stmts map[string]*dbx.Query }

// regionInserts write every column PocketBase reads back; the others keep
// their column default, the same as an empty field.
var regionInserts = map[string]string{
	"structures": `INSERT INTO structures (id, nom, slug, fuseau, commune, code_postal, created, updated)
		VALUES ({:id}, {:nom}, {:slug}, {:fuseau}, {:commune}, {:code_postal}, {:created}, {:created})`,
	"utilisateurs": `INSERT INTO utilisateurs (id, email, emailVisibility, verified, password, tokenKey, nom, prenom, role,
		structures, confirme_pour, actif, created, updated)
		VALUES ({:id}, {:email}, FALSE, TRUE, {:password}, {:tokenKey}, {:nom}, {:prenom}, {:role}, {:structures}, {:structures}, TRUE, {:created}, {:created})`,
	"lieux": `INSERT INTO lieux (id, structure, nom, commune, code_postal, created, updated)
		VALUES ({:id}, {:structure}, {:nom}, {:commune}, {:code_postal}, {:created}, {:created})`,
	"seances": `INSERT INTO seances (id, atelier, structure, lieu, animateurs, debut, fin, capacite, statut, publique,
		inscriptions_ouvertes, participants_anonymes, created, updated)
		VALUES ({:id}, {:atelier}, {:structure}, {:lieu}, {:animateurs}, {:debut}, {:fin}, {:capacite}, {:statut}, {:publique},
		{:ouvertes}, {:anonymes}, {:created}, {:created})`,
	"inscriptions": `INSERT INTO inscriptions (id, seance, beneficiaire, statut, rang_attente, source, jeton, code,
		rappel_envoye_le, created, updated)
		VALUES ({:id}, {:seance}, {:beneficiaire}, {:statut}, {:rang}, {:source}, {:jeton}, {:code}, {:rappel}, {:created}, {:created})`,
	"accompagnements": `INSERT INTO accompagnements (id, conseiller, structure, date, duree_minutes, type_lieu, thematiques,
		materiel, autonomie, beneficiaire, tranche_age, genre, statut_social, created, updated)
		VALUES ({:id}, {:conseiller}, {:structure}, {:date}, {:duree}, {:type_lieu}, {:thematiques}, {:materiel}, {:autonomie},
		{:beneficiaire}, {:tranche_age}, {:genre}, {:statut_social}, {:created}, {:created})`,
	"beneficiaires": `INSERT INTO beneficiaires (id, structure, prenom, nom, telephone, email, annee_naissance, genre,
		statut_social, commune, code_postal, consentement_le, consentement_version, derniere_activite, anonymise,
		recherche, prefere_sms, created, updated)
		VALUES ({:id}, {:structure}, {:prenom}, {:nom}, {:telephone}, {:email}, {:annee}, {:genre}, {:statut_social},
		{:commune}, {:cp}, {:consentement_le}, {:version}, {:derniere_activite}, {:anonymise}, {:recherche},
		{:prefere_sms}, {:created}, {:updated})`,
	"rapports": `INSERT INTO rapports (id, structure, mois, statistiques, genere_le, provisoire, created, updated)
		VALUES ({:id}, {:structure}, {:mois}, '{}', {:genere_le}, FALSE, {:created}, {:created})`,
}

func newWriter(tx core.App) (*writer, error) {
	// The indexes of a region outgrow PocketBase's 32 MB page cache.
	if _, err := tx.DB().NewQuery("PRAGMA cache_size = -131072").Execute(); err != nil {
		return nil, fmt.Errorf("page cache: %w", err)
	}
	w := &writer{stmts: map[string]*dbx.Query{}}
	for table, sql := range regionInserts {
		w.stmts[table] = tx.DB().NewQuery(sql).Prepare()
	}
	return w, nil
}

func (w *writer) close() {
	for _, q := range w.stmts {
		_ = q.Close()
	}
}

func (w *writer) insert(table string, params dbx.Params) error {
	if _, err := w.stmts[table].Bind(params).Execute(); err != nil {
		return fmt.Errorf("insert %s: %w", table, err)
	}
	return nil
}
