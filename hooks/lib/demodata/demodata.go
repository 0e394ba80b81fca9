// Package demodata generates the realistic, fictional data set of
// `atelier demo`: two structures (one in mainland France, one in La Réunion
// with its own time zone), their places and staff, about 40 sessions over
// the past 3 months and the next 6 weeks, about 150 beneficiaries with their
// registrations and attendance, and about 300 one-to-one helps.
//
// The package holds no PocketBase code: Generate returns plain structs that
// reference each other by index, and the same seed and instant always give
// the same data set. Validate states the consistency rules the data obeys.
package demodata

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // Indian/Reunion must resolve whatever the host has

	"atelier/hooks/lib/texte"
)

// Password is the one password of every demo account, printed by the command.
const Password = "atelier-demo-2026"

// ConsentementVersion is the version of the consent text the demo people agreed to.
const ConsentementVersion = "2026-01"

// Dataset is the whole demo data set. Records reference each other by
// index into these slices.
type Dataset struct {
	Structures      []Structure
	Lieux           []Lieu
	Staff           []Staff
	Seances         []Seance
	Beneficiaires   []Beneficiaire
	Inscriptions    []Inscription
	Accompagnements []Accompagnement
}

// Structure is a host structure.
type Structure struct {
	Nom, Slug    string
	Typologie    []string
	Adresse      string
	CodePostal   string
	Commune      string
	CodeInsee    string
	Telephone    string
	Courriel     string
	SiteWeb      string
	Horaires     string
	Presentation string
	Fuseau       string
}

// Lieu is a place where sessions happen.
type Lieu struct {
	Structure                                    int
	Nom, Adresse, CodePostal, Commune, CodeInsee string
	Accessibilite                                string
	Latitude, Longitude                          float64
}

// Staff is a staff account; every account has the password Password.
type Staff struct {
	Role, Prenom, Nom, Email, Telephone string
	Structures                          []int
}

// Workshop describes the kind of workshop a session wants: the loader finds
// a catalogue workshop with a title word starting with one of Keywords
// (lowercase, without accents).
type Workshop struct {
	Keywords     []string
	DureeMinutes int // used when the catalogue gives none
	Capacite     int
}

// Workshops are the kinds of workshop the demo sessions use.
var Workshops = []Workshop{
	{[]string{"smartphone", "telephone"}, 120, 8},
	{[]string{"e-mail", "mail", "courriel", "messagerie"}, 120, 8},
	{[]string{"arnaque", "securis", "pirat"}, 90, 10},
	{[]string{"franceconnect", "espaces personnels", "impots", "demarche"}, 120, 8},
	{[]string{"cv"}, 120, 8},
	{[]string{"emploi", "france travail"}, 120, 8},
	{[]string{"photo", "whatsapp", "visio", "famille", "proches"}, 90, 10},
	{[]string{"ordinateur", "premiers pas", "souris"}, 120, 8},
	{[]string{"internet", "naviguer"}, 90, 10},
	{[]string{"intelligence artificielle", "ia"}, 90, 12},
	{[]string{"sante", "medecin", "rendez-vous"}, 90, 10},
	{[]string{"payer", "acheter", "achats"}, 90, 10},
	{[]string{"pronote", "scolarite", "espace numerique de travail"}, 90, 10},
	{[]string{"reseaux sociaux"}, 90, 10},
}

// Seance is one dated session of a workshop.
type Seance struct {
	Structure, Lieu      int
	Atelier              int   // index into Workshops
	Animateurs           []int // indexes into Staff
	Debut, Fin           time.Time
	Capacite             int
	Statut               string
	Publique             bool
	InscriptionsOuvertes bool
	ParticipantsAnonymes int
	MotifAnnulation      string
	NotesInternes        string
	Cree                 time.Time
}

// Beneficiaire is a person followed by a structure.
type Beneficiaire struct {
	Structure           int
	Prenom, Nom         string
	Telephone, Email    string
	AnneeNaissance      int
	Genre, StatutSocial string
	Commune             string
	CodePostal          string
	CodeInsee           string
	Notes               string
	ConsentementLe      time.Time
	ConsentementVersion string
	DerniereActivite    time.Time
	Cree                time.Time
}

// Inscription is a person's place in a session.
type Inscription struct {
	Seance, Beneficiaire int
	Statut               string
	RangAttente          int
	Source               string
	InscritPar           string
	Cree                 time.Time
}

// Accompagnement is one one-to-one help.
type Accompagnement struct {
	Conseiller, Structure int
	Date                  time.Time
	DureeMinutes          int
	TypeLieu              string
	Commune               string
	CodePostal            string
	CodeInsee             string
	Thematiques           []string
	Materiel              []string
	Autonomie             string
	Demarche              string
	Oriente               bool
	StructureRedirection  string
	Beneficiaire          int // index into Beneficiaires, -1 when anonymous
	TrancheAge            string
	Genre                 string
	StatutSocial          string
	Notes                 string
	// La Coop's 2025 model: the procedure's subjects, « déjà accompagné »
	// for an anonymous person, the names of the structure's tags it carries.
	ThematiquesDemarche []string
	DejaAccompagne      bool
	Etiquettes          []string
}

// Sizes of the generated data set.
const (
	seancesPasseesParStructure  = 13
	seancesFuturesParStructure  = 7
	beneficiairesParStructure   = 75
	accompagnementsParStructure = 150
	joursPasses                 = 91 // the past 3 months
	joursFuturs                 = 42 // the next 6 weeks
)

type generator struct {
	now time.Time
	rng *rand.Rand
	d   Dataset
	loc []*time.Location
	// per structure: beneficiary indexes and their weight (regulars come often)
	people  [][]int
	weights map[int]int
	// per structure: conseiller staff indexes
	conseillers [][]int
	usedPhones  map[string]bool
	usedEmails  map[string]bool
	usedNames   map[string]bool
}

// Generate builds the demo data set around now. The same now and seed
// always give the same data set.
func Generate(now time.Time, seed int64) Dataset {
	g := &generator{
		now:        now.UTC().Truncate(time.Second),
		rng:        rand.New(rand.NewPCG(uint64(seed), 0x61746531)),
		weights:    map[int]int{},
		usedPhones: map[string]bool{},
		usedEmails: map[string]bool{},
		usedNames:  map[string]bool{},
	}
	g.structures()
	g.staff()
	g.beneficiaires()
	g.seances()
	g.inscriptions()
	g.accompagnements()
	g.activite()
	return g.d
}

func (g *generator) structures() {
	g.d.Structures = []Structure{
		{
			Nom:        "Médiathèque François-Mitterrand",
			Slug:       "mediatheque-francois-mitterrand",
			Typologie:  []string{"BIB"},
			Adresse:    "14 rue des Tanneurs",
			CodePostal: "86000", Commune: "Poitiers", CodeInsee: "86194",
			Telephone: "+33536491200",
			Courriel:  "mediatheque-numerique@example.org",
			SiteWeb:   "https://mediatheque.example.org",
			Horaires: "Mardi, jeudi et vendredi : 13 h – 18 h\n" +
				"Mercredi : 10 h – 18 h\nSamedi : 10 h – 17 h\n" +
				"Accompagnement individuel sur rendez-vous le mardi et le jeudi matin.",
			Presentation: "L'espace numérique de la médiathèque vous accueille pour apprendre à utiliser " +
				"un ordinateur, un téléphone ou une tablette. Ateliers gratuits en petits groupes " +
				"et aide pour vos démarches en ligne, sur rendez-vous.",
			Fuseau: "Europe/Paris",
		},
		{
			Nom:        "France Services de Saint-Denis",
			Slug:       "france-services-saint-denis",
			Typologie:  []string{"RFS"},
			Adresse:    "27 rue des Flamboyants",
			CodePostal: "97400", Commune: "Saint-Denis", CodeInsee: "97411",
			Telephone: "+262262401530",
			Courriel:  "france-services-saint-denis@example.org",
			SiteWeb:   "https://france-services-saint-denis.example.org",
			Horaires: "Lundi au vendredi : 8 h – 16 h\n" +
				"Permanence au Chaudron le mercredi matin.",
			Presentation: "France Services vous aide pour vos démarches : impôts, CAF, retraite, " +
				"santé, emploi. Nos conseillers numériques vous apprennent aussi à vous servir " +
				"de votre téléphone et d'internet, seul ou en atelier.",
			Fuseau: "Indian/Reunion",
		},
	}
	for _, s := range g.d.Structures {
		loc, err := time.LoadLocation(s.Fuseau)
		if err != nil {
			panic(fmt.Sprintf("demodata: time zone %s: %v", s.Fuseau, err)) // tzdata is embedded
		}
		g.loc = append(g.loc, loc)
	}
	g.d.Lieux = []Lieu{
		{Structure: 0, Nom: "Espace numérique de la médiathèque", Adresse: "14 rue des Tanneurs",
			CodePostal: "86000", Commune: "Poitiers", CodeInsee: "86194",
			Accessibilite: "Accès de plain-pied, ascenseur vers l'espace numérique au 1er étage. " +
				"Boucle magnétique à l'accueil. Toilettes adaptées.",
			Latitude: 46.5822, Longitude: 0.3391},
		{Structure: 0, Nom: "Annexe des Tilleuls (maison de quartier)", Adresse: "3 allée des Tilleuls",
			CodePostal: "86000", Commune: "Poitiers", CodeInsee: "86194",
			Accessibilite: "Salle au rez-de-chaussée, accessible en fauteuil roulant. " +
				"Arrêt de bus « Tilleuls » à 50 m.",
			Latitude: 46.5951, Longitude: 0.3627},
		{Structure: 1, Nom: "France Services – salle d'accueil", Adresse: "27 rue des Flamboyants",
			CodePostal: "97400", Commune: "Saint-Denis", CodeInsee: "97411",
			Accessibilite: "Accès de plain-pied, place de stationnement réservée devant l'entrée. " +
				"Documents en gros caractères sur demande.",
			Latitude: -20.8823, Longitude: 55.4504},
		{Structure: 1, Nom: "Point itinérant – maison de quartier du Chaudron", Adresse: "5 chemin des Letchis",
			CodePostal: "97490", Commune: "Saint-Denis", CodeInsee: "97411",
			Accessibilite: "Salle à l'étage sans ascenseur : prévenez-nous, l'atelier peut se tenir " +
				"au rez-de-chaussée.",
			Latitude: -20.8907, Longitude: 55.4942},
	}
}

func (g *generator) staff() {
	add := func(role, prenom, nom string, structures ...int) {
		g.d.Staff = append(g.d.Staff, Staff{
			Role: role, Prenom: prenom, Nom: nom,
			Email:      emailLocal(prenom) + "." + emailLocal(nom) + "@demo.atelier.test",
			Structures: structures,
		})
	}
	add("conseiller", "Camille", "Moreau", 0)
	add("conseiller", "Yanis", "Benali", 0)
	add("referent", "Sophie", "Lefèvre", 0)
	add("conseiller", "Priscilla", "Hoarau", 1)
	add("conseiller", "Jean-Marc", "Payet", 1)
	add("referent", "Nathalie", "Grondin", 1)
	add("coordinateur", "Olivier", "Marchand", 0, 1)
	g.conseillers = make([][]int, len(g.d.Structures))
	for i, s := range g.d.Staff {
		if s.Role == "conseiller" {
			g.conseillers[s.Structures[0]] = append(g.conseillers[s.Structures[0]], i)
		}
	}
}

// ---------------------------------------------------------------------------
// Beneficiaries

func (g *generator) beneficiaires() {
	g.people = make([][]int, len(g.d.Structures))
	for s := range g.d.Structures {
		for range beneficiairesParStructure {
			g.people[s] = append(g.people[s], len(g.d.Beneficiaires))
			g.weights[len(g.d.Beneficiaires)] = []int{1, 1, 1, 2, 2, 3, 5}[g.rng.IntN(7)]
			g.d.Beneficiaires = append(g.d.Beneficiaires, g.person(s))
		}
	}
}

func (g *generator) person(s int) Beneficiaire {
	prenoms, noms, communes := prenomsMetropole, nomsMetropole, communesMetropole
	if s == 1 {
		prenoms, noms, communes = prenomsReunion, nomsReunion, communesReunion
	}
	var p prenom
	var nom string
	for {
		p, nom = prenoms[g.rng.IntN(len(prenoms))], noms[g.rng.IntN(len(noms))]
		key := fmt.Sprint(s, p.value, nom)
		if !g.usedNames[key] {
			g.usedNames[key] = true
			break
		}
	}
	// Older people come more often to digital inclusion help.
	annee := 1940 + g.rng.IntN(69)
	if g.rng.IntN(2) == 0 {
		annee = 1940 + g.rng.IntN(30)
	}
	age := g.now.Year() - annee
	b := Beneficiaire{
		Structure: s, Prenom: p.value, Nom: nom, AnneeNaissance: annee,
		Genre: p.genre, StatutSocial: statutSocial(g.rng, age),
		ConsentementVersion: ConsentementVersion,
	}
	if g.rng.IntN(12) == 0 {
		b.Genre = "non_communique"
	}
	c := communes[g.rng.IntN(len(communes))]
	b.Commune, b.CodePostal, b.CodeInsee = c.nom, c.codePostal, c.codeInsee
	if g.rng.IntN(10) > 0 {
		b.Telephone = g.phone(s)
	}
	if g.rng.IntN(5) < 2 || b.Telephone == "" {
		b.Email = g.email(p.value, nom)
	}
	switch g.rng.IntN(10) {
	case 0:
		b.Notes = "Malvoyant : prévoir un écran agrandi."
	case 1:
		b.Notes = "Préfère être appelé le matin."
	}
	return b
}

func statutSocial(rng *rand.Rand, age int) string {
	if rng.IntN(10) == 0 {
		return "non_communique"
	}
	switch {
	case age < 20:
		return "scolarise"
	case age >= 63:
		return "retraite"
	case rng.IntN(2) == 0:
		return "sans_emploi"
	default:
		return "en_emploi"
	}
}

// phone returns a unique mobile number: for mainland France a 06 00 98
// xx xx mobile, for La Réunion a 0692 mobile (only some 0693 blocks exist). The range ARCEP
// reserves for fiction, 06 39 98 xx xx, is not used: 0639 is Mayotte's
// prefix, so those numbers are neither metropolitan nor real (Validate
// checks each number against the numbering plan).
func (g *generator) phone(s int) string {
	for {
		var n string
		if s == 0 {
			n = fmt.Sprintf("+3360098%04d", g.rng.IntN(10000))
		} else {
			n = fmt.Sprintf("+262692%06d", g.rng.IntN(1000000))
		}
		if !g.usedPhones[n] {
			g.usedPhones[n] = true
			return n
		}
	}
}

func (g *generator) email(prenom, nom string) string {
	domains := []string{"example.org", "example.net", "example.com"}
	base := emailLocal(prenom) + "." + emailLocal(nom)
	for i := 0; ; i++ {
		e := base
		if i > 0 {
			e = fmt.Sprint(base, i+1)
		}
		e += "@" + domains[g.rng.IntN(len(domains))]
		if !g.usedEmails[e] {
			g.usedEmails[e] = true
			return e
		}
	}
}

// emailLocal turns a name into the local part of an address: "N'Diaye" →
// "ndiaye", "Le-Dû" → "le-du". Apostrophes join the parts of a name here,
// where texte.Plier would make them a space.
func emailLocal(s string) string {
	s = texte.Plier(strings.NewReplacer("'", "", "’", "").Replace(s))
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			b.WriteRune('-')
		}
	}
	return b.String()
}

// ---------------------------------------------------------------------------
// Sessions

var creneaux = []struct{ h, m int }{{9, 30}, {10, 0}, {14, 0}, {14, 30}}

// day returns the local midnight of now's local date plus offset days.
func (g *generator) day(s, offset int) time.Time {
	local := g.now.In(g.loc[s])
	return time.Date(local.Year(), local.Month(), local.Day()+offset, 0, 0, 0, 0, g.loc[s])
}

// weekday moves offset to the nearest working day (not a weekend, not a
// public holiday) within [lo, hi], looking first backwards for the past and
// forwards for the future.
func (g *generator) weekday(s, offset, lo, hi int, backwards bool) int {
	offset = max(lo, min(hi, offset))
	step := 1
	if backwards {
		step = -1
	}
	for _, dir := range []int{step, -step} {
		for o := offset; o >= lo && o <= hi; o += dir {
			d := g.day(s, o)
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && !holiday(d, s == 1) {
				return o
			}
		}
	}
	return offset
}

// holiday reports whether d is a French public holiday (and, in La Réunion,
// the 20 December abolition day).
func holiday(d time.Time, reunion bool) bool {
	md := d.Format("01-02")
	switch md {
	case "01-01", "05-01", "05-08", "07-14", "08-15", "11-01", "11-11", "12-25":
		return true
	case "12-20":
		return reunion
	}
	easter := easterSunday(d.Year())
	for _, offset := range []int{1, 39, 50} { // Easter Monday, Ascension, Whit Monday
		if e := easter.AddDate(0, 0, offset); e.Month() == d.Month() && e.Day() == d.Day() {
			return true
		}
	}
	return false
}

// easterSunday computes the Gregorian Easter date (anonymous algorithm).
func easterSunday(year int) time.Time {
	a, b, c := year%19, year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// during returns a time of the local day of t between the hours from and
// to, with minutes, clamped into [lo, hi].
func (g *generator) during(t time.Time, loc *time.Location, from, to int, lo, hi time.Time) time.Time {
	l := t.In(loc)
	at := time.Date(l.Year(), l.Month(), l.Day(), from+g.rng.IntN(to-from), g.rng.IntN(60), g.rng.IntN(60), 0, loc)
	if at.Before(lo) {
		at = lo
	}
	if at.After(hi) {
		at = hi
	}
	return at.UTC()
}

func (g *generator) seances() {
	for s := range g.d.Structures {
		lieux := g.lieuxOf(s)
		var past []int
		for i := range seancesPasseesParStructure {
			offset := -joursPasses + 4 + i*7 + s*2 - g.rng.IntN(4)
			offset = g.weekday(s, offset, -joursPasses, -2, true)
			past = append(past, len(g.d.Seances))
			g.d.Seances = append(g.d.Seances, g.seance(s, lieux, offset, i))
		}
		for j := range seancesFuturesParStructure {
			offset := 2 + j*6 + s*2 + g.rng.IntN(2)
			offset = g.weekday(s, offset, 1, joursFuturs-1, false)
			g.d.Seances = append(g.d.Seances, g.seance(s, lieux, offset, seancesPasseesParStructure+j))
		}
		// Status of past sessions: most done, the latest ones still to be
		// filled in ("À renseigner"), one cancelled in the mainland.
		for k, i := range past {
			se := &g.d.Seances[i]
			switch {
			case k >= len(past)-1-(1-s): // the last one (two in the mainland)
				se.Statut = "planifiee"
			case s == 0 && k == 5:
				se.Statut = "annulee"
				se.MotifAnnulation = motifsAnnulation[0]
			default:
				se.Statut = "realisee"
				if g.rng.IntN(10) < 3 {
					se.ParticipantsAnonymes = 1 + g.rng.IntN(3)
				}
			}
		}
	}
	// A few sessions for a partner group, not on the public pages, and one
	// upcoming session cancelled in La Réunion.
	const n = seancesPasseesParStructure + seancesFuturesParStructure // sessions per structure
	for _, i := range []int{3, seancesPasseesParStructure + 4, n + 8} {
		se := &g.d.Seances[i]
		se.Publique, se.InscriptionsOuvertes = false, false
		se.NotesInternes = "Groupe de l'épicerie solidaire : inscriptions faites par la conseillère."
		if se.Structure == 1 {
			se.NotesInternes = "Groupe du chantier d'insertion : liste transmise par l'encadrante."
		}
	}
	cancelled := &g.d.Seances[n+seancesPasseesParStructure+3]
	cancelled.Statut = "annulee"
	cancelled.InscriptionsOuvertes = false
	cancelled.MotifAnnulation = motifsAnnulation[1+g.rng.IntN(2)]
}

func (g *generator) lieuxOf(s int) []int {
	var out []int
	for i, l := range g.d.Lieux {
		if l.Structure == s {
			out = append(out, i)
		}
	}
	return out
}

func (g *generator) seance(s int, lieux []int, offset, i int) Seance {
	c := creneaux[g.rng.IntN(len(creneaux))]
	d := g.day(s, offset)
	debut := time.Date(d.Year(), d.Month(), d.Day(), c.h, c.m, 0, 0, g.loc[s])
	w := (i*5 + s*3 + g.rng.IntN(3)) % len(Workshops)
	lieu := lieux[0]
	if g.rng.IntN(4) == 0 {
		lieu = lieux[1]
	}
	animateurs := []int{g.conseillers[s][g.rng.IntN(len(g.conseillers[s]))]}
	if g.rng.IntN(6) == 0 {
		animateurs = append([]int(nil), g.conseillers[s]...)
	}
	cree := minTime(debut.AddDate(0, 0, -35), g.now.Add(-24*time.Hour))
	return Seance{
		Structure: s, Lieu: lieu, Atelier: w, Animateurs: animateurs,
		Debut: debut.UTC(), Fin: debut.Add(time.Duration(Workshops[w].DureeMinutes) * time.Minute).UTC(),
		Capacite: Workshops[w].Capacite, Statut: "planifiee",
		Publique: true, InscriptionsOuvertes: true,
		Cree: cree.UTC(),
	}
}

// ---------------------------------------------------------------------------
// Registrations

func (g *generator) inscriptions() {
	fullDone := map[int]bool{}
	for i := range g.d.Seances {
		se := g.d.Seances[i]
		past := se.Debut.Before(g.now)
		days := se.Debut.Sub(g.now).Hours() / 24
		var n int
		switch {
		case se.Statut == "annulee":
			n = 3 + g.rng.IntN(4)
		case past:
			n = se.Capacite/2 + g.rng.IntN(se.Capacite/2+1)
		default:
			fill := 0.9 - 0.6*days/joursFuturs + (g.rng.Float64()-0.5)*0.3
			n = max(1, min(se.Capacite, int(fill*float64(se.Capacite)+0.5)))
		}
		// One upcoming public session per structure is full, with a waiting list.
		waiting := 0
		if !past && se.Statut == "planifiee" && se.Publique && !fullDone[se.Structure] && days > 3 {
			fullDone[se.Structure] = true
			n = se.Capacite
			waiting = 2 + se.Structure + g.rng.IntN(2)
		}
		people := g.pick(se.Structure, n+waiting+1)
		for k, b := range people[:n+waiting] {
			ins := Inscription{Seance: i, Beneficiaire: b, Source: g.source(se.Statut == "realisee")}
			switch {
			case se.Statut == "annulee":
				ins.Statut = "annule"
			case k >= n:
				ins.Statut = "liste_attente"
				ins.RangAttente = k - n + 1
			case se.Statut == "realisee" && g.rng.IntN(5) == 0:
				ins.Statut = "absent"
			case se.Statut == "realisee":
				ins.Statut = "present"
			default:
				ins.Statut = "inscrit"
			}
			if ins.Source != "sur_place" && g.rng.IntN(9) == 0 {
				ins.InscritPar = g.relative(b)
			}
			ins.Cree = g.registeredAt(se, ins.Source, k, n+waiting)
			g.d.Inscriptions = append(g.d.Inscriptions, ins)
		}
		// Somebody sometimes cancels their own registration.
		if se.Statut != "annulee" && g.rng.IntN(4) == 0 {
			b := people[n+waiting]
			g.d.Inscriptions = append(g.d.Inscriptions, Inscription{
				Seance: i, Beneficiaire: b, Statut: "annule", Source: g.source(false),
				Cree: g.registeredAt(se, "public", 0, 1),
			})
		}
	}
}

// source of a registration; walk-ins only exist for sessions that took place.
func (g *generator) source(held bool) string {
	r := g.rng.IntN(20)
	switch {
	case held && r < 3:
		return "sur_place"
	case r < 11:
		return "public"
	default:
		return "conseiller"
	}
}

func (g *generator) relative(b int) string {
	p := g.d.Beneficiaires[b]
	prenoms := prenomsMetropole
	if p.Structure == 1 {
		prenoms = prenomsReunion
	}
	return fmt.Sprintf("%s %s (%s)", prenoms[g.rng.IntN(len(prenoms))].value, p.Nom, liens[g.rng.IntN(len(liens))])
}

// registeredAt spreads registrations between the session's creation and its
// start, in order (k of n), never after now. Walk-ins register at the start.
func (g *generator) registeredAt(se Seance, source string, k, n int) time.Time {
	if source == "sur_place" {
		return se.Debut.Add(-time.Duration(5+g.rng.IntN(20)) * time.Minute)
	}
	end := minTime(se.Debut.Add(-2*time.Hour), g.now.Add(-time.Minute))
	span := end.Sub(se.Cree)
	if span <= 0 {
		return end
	}
	at := se.Cree.Add(time.Duration(float64(span) * (float64(k) + g.rng.Float64()) / float64(n)))
	// People register from home in the day or evening, conseillers in
	// office hours.
	from, to := 8, 21
	if source == "conseiller" {
		from, to = 9, 17
	}
	return g.during(at, g.loc[se.Structure], from, to, se.Cree, end)
}

// pick draws n distinct people of structure s, regulars more often.
func (g *generator) pick(s, n int) []int {
	pool := g.people[s]
	n = min(n, len(pool))
	chosen := map[int]bool{}
	var out []int
	total := 0
	for _, b := range pool {
		total += g.weights[b]
	}
	for len(out) < n {
		r := g.rng.IntN(total)
		for _, b := range pool {
			if r -= g.weights[b]; r < 0 {
				if !chosen[b] {
					chosen[b] = true
					out = append(out, b)
				}
				break
			}
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// One-to-one help

type weighted struct {
	value  string
	weight int
}

// Durees are the durations of a one-to-one help, in minutes.
var Durees = []int{15, 30, 45, 60, 90}

func drawIndex(rng *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	r := rng.IntN(total)
	for i, w := range weights {
		if r -= w; r < 0 {
			return i
		}
	}
	return len(weights) - 1
}

func draw(rng *rand.Rand, list []weighted) string {
	total := 0
	for _, w := range list {
		total += w.weight
	}
	r := rng.IntN(total)
	for _, w := range list {
		if r -= w.weight; r < 0 {
			return w.value
		}
	}
	return list[len(list)-1].value
}

var (
	thematiquesPoids = []weighted{
		{"aide_aux_demarches_administratives", 30}, {"email", 10}, {"prendre_en_main_du_materiel", 12},
		{"navigation_sur_internet", 6}, {"securite_numerique", 7}, {"sante", 6},
		{"banque_et_achats_en_ligne", 5}, {"insertion_professionnelle", 6}, {"gere_ses_contenus_numeriques", 5},
		{"reseaux_sociaux", 3}, {"bureautique", 3}, {"diagnostic_numerique", 3}, {"scolarite_et_numerique", 2},
		{"intelligence_artificielle", 2}, {"maintenance_de_materiel", 2}, {"parentalite", 1},
	}
	typesLieuPoids = []weighted{{"lieu_activite", 70}, {"a_distance", 15}, {"domicile", 10}, {"autre", 5}}
	materielPoids  = []weighted{{"telephone", 45}, {"ordinateur", 35}, {"tablette", 10}, {"autre", 5}, {"aucun", 5}}
	autonomiePoids = []weighted{{"entierement_accompagne", 45}, {"partiellement_autonome", 40}, {"autonome", 15}}
	dureesPoids    = []int{15, 35, 25, 17, 8} // weights of Durees
	tranchesPoids  = []weighted{
		{"70_plus", 22}, {"60_69", 22}, {"40_59", 25}, {"25_39", 15}, {"18_24", 7}, {"12_17", 2}, {"non_communique", 7},
	}
	redirectionsPoids = []weighted{
		{"operateur_demarche", 30}, {"aide_demarches", 15}, {"administration", 15}, {"aide_sociale", 15},
		{"insertion_professionnelle", 10}, {"mediation_numerique", 10}, {"autre", 5},
	}
)

func (g *generator) accompagnements() {
	for s := range g.d.Structures {
		conseillers := g.conseillers[s]
		for k := range accompagnementsParStructure {
			offset := g.weekday(s, -1-g.rng.IntN(joursPasses-1), -joursPasses, -1, true)
			d := g.day(s, offset)
			date := time.Date(d.Year(), d.Month(), d.Day(), 9+g.rng.IntN(8), 15*g.rng.IntN(4), 0, 0, g.loc[s])
			conseiller := conseillers[0]
			if k%5 >= 3 {
				conseiller = conseillers[1]
			}
			a := Accompagnement{
				Conseiller: conseiller, Structure: s, Date: date.UTC(),
				TypeLieu:     draw(g.rng, typesLieuPoids),
				Autonomie:    draw(g.rng, autonomiePoids),
				Beneficiaire: -1,
			}
			a.DureeMinutes = Durees[drawIndex(g.rng, dureesPoids)]
			a.Thematiques = g.distinct(thematiquesPoids, []int{1, 1, 1, 2, 2, 3}[g.rng.IntN(6)])
			a.Materiel = g.distinct(materielPoids, []int{1, 1, 1, 1, 2}[g.rng.IntN(5)])
			if contains(a.Materiel, "aucun") {
				a.Materiel = []string{"aucun"}
			}
			if contains(a.Thematiques, "aide_aux_demarches_administratives") {
				a.Demarche = demarches[g.rng.IntN(len(demarches))]
				// Read from the procedure's name: the random draws, and so
				// the rest of the data set, stay as they were.
				a.ThematiquesDemarche = sujetsDemarches[a.Demarche]
				if strings.Contains(a.Demarche, "CAF") {
					a.Etiquettes = []string{etiquetteCAF}
				}
			}
			if g.rng.IntN(100) < 15 {
				a.Oriente = true
				a.StructureRedirection = draw(g.rng, redirectionsPoids)
			}
			if g.rng.IntN(2) == 0 {
				a.Beneficiaire = g.pick(s, 1)[0]
			} else {
				a.TrancheAge = draw(g.rng, tranchesPoids)
				a.Genre = []string{"feminin", "feminin", "feminin", "masculin", "masculin", "non_communique"}[g.rng.IntN(6)]
				a.StatutSocial = statutSocialTranche(g.rng, a.TrancheAge)
			}
			if a.TypeLieu == "domicile" || a.TypeLieu == "autre" {
				c := g.communeFor(s, a.Beneficiaire)
				a.Commune, a.CodePostal, a.CodeInsee = c.nom, c.codePostal, c.codeInsee
			}
			if g.rng.IntN(10) == 0 {
				a.Notes = notesAccompagnement[g.rng.IntN(len(notesAccompagnement))]
			}
			a.DejaAccompagne = a.Beneficiaire < 0 && k%3 == 0
			g.d.Accompagnements = append(g.d.Accompagnements, a)
		}
	}
	// Most recent first, as a conseiller's journal reads.
	sort.SliceStable(g.d.Accompagnements, func(i, j int) bool {
		return g.d.Accompagnements[i].Date.After(g.d.Accompagnements[j].Date)
	})
}

func (g *generator) communeFor(s, beneficiaire int) commune {
	if beneficiaire >= 0 {
		b := g.d.Beneficiaires[beneficiaire]
		return commune{b.Commune, b.CodePostal, b.CodeInsee}
	}
	list := communesMetropole
	if s == 1 {
		list = communesReunion
	}
	return list[g.rng.IntN(len(list))]
}

func statutSocialTranche(rng *rand.Rand, tranche string) string {
	switch tranche {
	case "non_communique":
		return "non_communique"
	case "12_17", "moins_12":
		return "scolarise"
	case "70_plus":
		return "retraite"
	case "60_69":
		if rng.IntN(2) == 0 {
			return "retraite"
		}
		return statutSocial(rng, 61)
	case "18_24":
		return statutSocial(rng, 19+rng.IntN(5))
	default:
		return statutSocial(rng, 30)
	}
}

// distinct draws n different values in the order of list.
func (g *generator) distinct(list []weighted, n int) []string {
	chosen := map[string]bool{}
	for len(chosen) < n {
		chosen[draw(g.rng, list)] = true
	}
	var out []string
	for _, w := range list {
		if chosen[w.value] {
			out = append(out, w.value)
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------------------
// Consent and last activity

// activite sets, for every person, the consent date (their first contact:
// first registration or first help, or a date in the past months) and the
// last activity (latest session attended, help received or registration).
func (g *generator) activite() {
	first := map[int]time.Time{}
	last := map[int]time.Time{}
	see := func(b int, at time.Time) {
		if f, ok := first[b]; !ok || at.Before(f) {
			first[b] = at
		}
		if l, ok := last[b]; !ok || at.After(l) {
			last[b] = at
		}
	}
	for _, ins := range g.d.Inscriptions {
		see(ins.Beneficiaire, ins.Cree)
		if ins.Statut == "present" {
			see(ins.Beneficiaire, g.d.Seances[ins.Seance].Debut)
		}
	}
	for _, a := range g.d.Accompagnements {
		if a.Beneficiaire >= 0 {
			see(a.Beneficiaire, a.Date)
		}
	}
	for i := range g.d.Beneficiaires {
		b := &g.d.Beneficiaires[i]
		f, ok := first[i]
		if !ok {
			// Recorded at the desk, never seen since.
			d := g.day(b.Structure, g.weekday(b.Structure, -1-g.rng.IntN(joursPasses-1), -joursPasses, -1, true))
			f = g.during(d, g.loc[b.Structure], 9, 17, d, g.now)
			last[i] = f
		}
		b.ConsentementLe = f.Add(-time.Duration(1+g.rng.IntN(30)) * time.Minute).Truncate(time.Second)
		b.Cree = b.ConsentementLe
		b.DerniereActivite = last[i]
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
