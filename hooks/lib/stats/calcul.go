package stats

import (
	"sort"
	"strings"

	"atelier/hooks/lib/referentiel"
)

// Chiffres are the key figures of a period (see the package doc for what
// each one counts).
type Chiffres struct {
	SeancesRealisees  int
	SeancesAnnulees   int
	SeancesPlanifiees int

	Inscriptions    int
	Presents        int
	Absents         int
	ListeAttente    int // demand on the waiting list
	Anonymes        int // walk-ins counted without identity
	Participants    int // Presents + Anonymes, in held sessions
	Individuels     int // one-to-one help
	Accompagnements int // Individuels + Participants
	Beneficiaires   int // unique registered beneficiaries
	Personnes       int // Beneficiaires + anonymous people
	MinIndividuels  int // minutes of one-to-one help
	MinAteliers     int // minutes of held sessions, each counted once
	MinMediation    int // MinIndividuels + Σ session minutes × participants
}

// MinConseillers is the time the advisors spent: one-to-one help plus each
// held session once.
func (c Chiffres) MinConseillers() int { return c.MinIndividuels + c.MinAteliers }

// TauxPresence is présents / (présents + absents); ok is false when no
// attendance was taken.
func (c Chiffres) TauxPresence() (taux float64, ok bool) {
	if c.Presents+c.Absents == 0 {
		return 0, false
	}
	return float64(c.Presents) / float64(c.Presents+c.Absents), true
}

// Ligne is one row of a breakdown.
type Ligne struct {
	Valeur  string // the stored value ("" for « Non communiquée » communes)
	Libelle string
	Nombre  int
}

// Repartition is a breakdown of the period's activity.
type Repartition struct {
	Cle     string // stable key: thematiques, besoins, lieux, durees, ages, genres, statuts, communes
	Titre   string // « Thématiques des accompagnements »
	Colonne string // header of the label column: « Thématique »
	Unite   string // what Nombre counts: « accompagnements » or « personnes »
	Base    int    // the total shares are computed against
	Note    string // how to read it, when not obvious
	Lignes  []Ligne
}

// Total adds the rows up.
func (r *Repartition) Total() int {
	n := 0
	for _, l := range r.Lignes {
		n += l.Nombre
	}
	return n
}

// MoisChiffres are the key figures of one calendar month.
type MoisChiffres struct {
	Mois     Date // first day of the month
	Chiffres Chiffres
}

// Resultat is everything computed for a filter.
type Resultat struct {
	Filtre       Filtre
	Chiffres     Chiffres
	Repartitions []Repartition
	ParMois      []MoisChiffres // NombreMois months, the last one holding the period's end
	Rappels      []LigneRappel  // no-shows by reminder channel: e-mail, SMS, others, none
	Orientations Orientations   // referrals of the period by their follow-up
}

// Repartition returns the breakdown of key cle, or nil.
func (r *Resultat) Repartition(cle string) *Repartition {
	for i := range r.Repartitions {
		if r.Repartitions[i].Cle == cle {
			return &r.Repartitions[i]
		}
	}
	return nil
}

// Keys of the breakdowns, in display order.
const (
	RepThematiques = "thematiques"
	RepBesoins     = "besoins"
	RepLieux       = "lieux"
	RepDurees      = "durees"
	RepAges        = "ages"
	RepGenres      = "genres"
	RepStatuts     = "statuts"
	RepCommunes    = "communes"
	// La Coop's 2025 model (issue 17), for one-to-one help.
	RepDemarches  = "demarches"
	RepPremiers   = "premiers"
	RepEtiquettes = "etiquettes"
)

// Premiers are the rows of the first accompaniments' breakdown, La Coop's
// « nouveaux bénéficiaires » and « bénéficiaires déjà accompagnés ».
var Premiers = referentiel.List{
	{Value: "premier", Label: "Premier accompagnement"},
	{Value: "deja", Label: "Déjà accompagné"},
}

// TranchesDuree are the duration buckets of La Coop.
var TranchesDuree = referentiel.List{
	{Value: "moins_30", Label: "Moins de 30 min"},
	{Value: "30_60", Label: "30 min à 1 h"},
	{Value: "60_120", Label: "1 h à 2 h"},
	{Value: "120_plus", Label: "2 h et plus"},
}

// TrancheDuree is the bucket of a duration in minutes.
func TrancheDuree(minutes int) string {
	switch {
	case minutes < 30:
		return "moins_30"
	case minutes < 60:
		return "30_60"
	case minutes < 120:
		return "60_120"
	default:
		return "120_plus"
	}
}

// CommuneInconnue labels people whose commune is not known.
const CommuneInconnue = "Non communiquée"

const nonCommunique = "non_communique"

// Calculer computes the figures, the breakdowns and the month-by-month
// series of a filter, in one pass over the data.
func Calculer(d *Donnees, f Filtre) *Resultat {
	periode := newCumul(true)
	mois := make([]*cumul, NombreMois)
	for i := range mois {
		mois[i] = newCumul(false)
	}
	premier := f.PremierMois().rangMois()
	// each adds an activity of day `day` to the period and to its month.
	each := func(structure string, day Date, add func(*cumul)) {
		if !f.garde(structure) {
			return
		}
		if f.Periode.Contient(day) {
			add(periode)
		}
		if i := day.rangMois() - premier; i >= 0 && i < NombreMois {
			add(mois[i])
		}
	}
	for i := range d.Seances {
		s := &d.Seances[i]
		day := DateDe(d.Local(s.Structure, s.Debut))
		each(s.Structure, day, func(c *cumul) { c.seance(s, day.Annee) })
	}
	for i := range d.Accompagnements {
		a := &d.Accompagnements[i]
		day := DateDe(d.Local(a.Structure, a.Date))
		each(a.Structure, day, func(c *cumul) { c.accompagnement(a, day.Annee) })
	}
	r := &Resultat{Filtre: f, Chiffres: periode.finir(), Repartitions: periode.repartitions(), Rappels: periode.lignesRappel()}
	r.Orientations = CompterOrientations(d, f)
	for i, c := range mois {
		r.ParMois = append(r.ParMois, MoisChiffres{Mois: f.PremierMois().AjouterMois(i), Chiffres: c.finir()})
	}
	return r
}

// vu is a beneficiary seen in the period, with the year of their last
// activity (their age bracket is computed as of that year).
type vu struct {
	personne *VuMois
	annee    int
}

// vus are the distinct people seen. A region's year sees about a million
// people, added from every month's aggregate: the map holds only an index
// into personnes, each holding a pointer to attributes already in memory,
// and only the period's breakdowns keep them (the months need a count).
// Whole people in the map made a year of 500 structures take a second
// and a gigabyte.
type vus struct {
	index     map[string]int32 // person ID → index in personnes, or -1 without details
	personnes []vu
	details   bool
}

func newVus(details bool, capacity int) vus {
	return vus{index: make(map[string]int32, capacity), details: details}
}

// voir notes person id seen in a given year. It returns where to put the
// person's attributes when they are needed and not yet known for their
// latest year, else nil.
func (v *vus) voir(id string, annee int) *vu {
	i, ok := v.index[id]
	switch {
	case !v.details:
		if !ok {
			v.index[id] = -1
		}
	case !ok:
		v.index[id] = int32(len(v.personnes))
		v.personnes = append(v.personnes, vu{annee: annee})
		return &v.personnes[len(v.personnes)-1]
	case annee > v.personnes[i].annee:
		v.personnes[i].annee = annee
		return &v.personnes[i]
	}
	return nil
}

func (v *vus) len() int { return len(v.index) }

// cumul accumulates the activities of a period; details adds the
// breakdowns (the months of the series only need the figures).
type cumul struct {
	ch       Chiffres
	vus      vus
	details  bool
	parCle   map[string]map[string]int // breakdown key → value → count
	communes map[string]*Ligne         // folded commune → row
	rappels  map[string]*LigneRappel   // reminder channel → attended registrations
}

func newCumul(details bool) *cumul {
	c := &cumul{vus: newVus(details, 0), details: details}
	if details {
		c.parCle = map[string]map[string]int{}
		for _, k := range []string{RepThematiques, RepBesoins, RepLieux, RepDurees, RepAges, RepGenres, RepStatuts,
			RepDemarches, RepPremiers, RepEtiquettes} {
			c.parCle[k] = map[string]int{}
		}
		c.communes = map[string]*Ligne{}
	}
	return c
}

func (c *cumul) seance(s *Seance, annee int) {
	switch s.Statut {
	case "annulee":
		c.ch.SeancesAnnulees++
		return // neither its registrations nor its waiting list count
	case "realisee":
		c.ch.SeancesRealisees++
	default:
		c.ch.SeancesPlanifiees++
	}
	held := s.Statut == "realisee"
	presents := 0
	for i := range s.Inscriptions {
		ins := &s.Inscriptions[i]
		switch ins.Statut {
		case "inscrit", "present", "absent":
			c.ch.Inscriptions++
		}
		if ins.Statut == "liste_attente" || ins.EtaitEnAttente {
			c.ch.ListeAttente++
		}
		if !held {
			continue // attendance counts once the session is closed
		}
		switch ins.Statut {
		case "present":
			presents++
			c.ch.Presents++
			c.voir(&ins.Personne, annee)
		case "absent":
			c.ch.Absents++
		default:
			continue
		}
		if c.details {
			c.rappel(ins.Rappel, ins.Statut == "absent")
		}
	}
	if !held {
		return
	}
	participants := presents + s.ParticipantsAnonymes
	minutes := s.DureeMinutes()
	c.ch.Anonymes += s.ParticipantsAnonymes
	c.ch.Participants += participants
	c.ch.Accompagnements += participants
	c.ch.MinAteliers += minutes
	c.ch.MinMediation += minutes * participants
	c.anonymes(s.ParticipantsAnonymes, nonCommunique, nonCommunique, nonCommunique)
	if !c.details {
		return
	}
	c.parCle[RepBesoins][s.Besoin] += participants
	for _, t := range s.Thematiques {
		c.parCle[RepThematiques][t] += participants
	}
	c.parCle[RepLieux]["lieu_activite"] += participants
	c.parCle[RepDurees][TrancheDuree(minutes)] += participants
}

func (c *cumul) accompagnement(a *Accompagnement, annee int) {
	c.ch.Individuels++
	c.ch.Accompagnements++
	c.ch.MinIndividuels += a.DureeMinutes
	c.ch.MinMediation += a.DureeMinutes
	if a.Personne != nil {
		c.voir(a.Personne, annee)
	} else {
		c.anonymes(1, a.TrancheAge, a.Genre, a.StatutSocial)
	}
	if !c.details {
		return
	}
	for _, t := range a.Thematiques {
		c.parCle[RepThematiques][t]++
	}
	c.parCle[RepLieux][a.TypeLieu]++
	c.parCle[RepDurees][TrancheDuree(a.DureeMinutes)]++
	for _, t := range a.ThematiquesDemarche {
		c.parCle[RepDemarches][t]++
	}
	if a.Premier {
		c.parCle[RepPremiers]["premier"]++
	} else {
		c.parCle[RepPremiers]["deja"]++
	}
	for _, t := range a.Etiquettes {
		c.parCle[RepEtiquettes][t]++
	}
}

// voir notes a registered beneficiary met in the period.
func (c *cumul) voir(p *Personne, annee int) {
	if slot := c.vus.voir(p.ID, annee); slot != nil {
		slot.personne = &VuMois{ID: p.ID, AnneeNaissance: p.AnneeNaissance, Genre: p.Genre, StatutSocial: p.StatutSocial, Commune: p.Commune}
	}
}

// anonymes counts n anonymous people with the given attributes.
func (c *cumul) anonymes(n int, tranche, genre, statut string) {
	if n == 0 {
		return
	}
	c.ch.Personnes += n
	if !c.details {
		return
	}
	c.parCle[RepAges][orNC(tranche)] += n
	c.parCle[RepGenres][orNC(genre)] += n
	c.parCle[RepStatuts][orNC(statut)] += n
	c.commune("", n)
}

func (c *cumul) commune(nom string, n int) {
	nom = strings.TrimSpace(nom)
	key := strings.ToLower(nom)
	l, ok := c.communes[key]
	switch {
	case !ok:
		l = &Ligne{Valeur: nom, Libelle: nom}
		if nom == "" {
			l.Libelle = CommuneInconnue
		}
		c.communes[key] = l
	case nom < l.Valeur:
		// Spellings of one commune (« Poitiers », « poitiers ») are one
		// row; the name shown does not depend on who came first.
		l.Valeur, l.Libelle = nom, nom
	}
	l.Nombre += n
}

func orNC(v string) string {
	if v == "" {
		return nonCommunique
	}
	return v
}

// finir completes the figures with the unique people.
func (c *cumul) finir() Chiffres {
	ch := c.ch
	ch.Beneficiaires = c.vus.len()
	ch.Personnes += c.vus.len()
	return ch
}

func (c *cumul) repartitions() []Repartition {
	for _, v := range c.vus.personnes {
		p := v.personne
		c.parCle[RepAges][referentiel.TrancheAgeDeNaissance(p.AnneeNaissance, v.annee)]++
		c.parCle[RepGenres][orNC(p.Genre)]++
		c.parCle[RepStatuts][orNC(p.StatutSocial)]++
		c.commune(p.Commune, 1)
	}
	ch := c.finir()
	acc, pers := "accompagnements", "personnes"
	return []Repartition{
		{Cle: RepThematiques, Titre: "Thématiques des accompagnements", Colonne: "Thématique", Unite: acc, Base: ch.Accompagnements,
			Note:   "Un accompagnement peut porter sur plusieurs thématiques : les lignes peuvent dépasser le total.",
			Lignes: parNombre(lignes(referentiel.Thematiques, c.parCle[RepThematiques], false))},
		{Cle: RepBesoins, Titre: "Participants aux ateliers par besoin", Colonne: "Besoin", Unite: "participants", Base: ch.Participants,
			Lignes: lignes(referentiel.Besoins, c.parCle[RepBesoins], false)},
		{Cle: RepLieux, Titre: "Accompagnements par canal", Colonne: "Canal d'accompagnement", Unite: acc, Base: ch.Accompagnements,
			Note:   "Les ateliers collectifs ont lieu dans un lieu d'activité.",
			Lignes: lignes(referentiel.TypesLieu, c.parCle[RepLieux], true)},
		{Cle: RepDurees, Titre: "Accompagnements par durée", Colonne: "Durée", Unite: acc, Base: ch.Accompagnements,
			Lignes: lignes(TranchesDuree, c.parCle[RepDurees], true)},
		{Cle: RepAges, Titre: "Personnes accompagnées par tranche d'âge", Colonne: "Tranche d'âge", Unite: pers, Base: ch.Personnes,
			Lignes: lignes(referentiel.TranchesAge, c.parCle[RepAges], true)},
		{Cle: RepGenres, Titre: "Personnes accompagnées par genre", Colonne: "Genre", Unite: pers, Base: ch.Personnes,
			Lignes: lignes(referentiel.Genres, c.parCle[RepGenres], true)},
		{Cle: RepStatuts, Titre: "Personnes accompagnées par statut", Colonne: "Statut", Unite: pers, Base: ch.Personnes,
			Lignes: lignes(referentiel.StatutsSociaux, c.parCle[RepStatuts], true)},
		{Cle: RepCommunes, Titre: "Personnes accompagnées par commune de résidence", Colonne: "Commune", Unite: pers, Base: ch.Personnes,
			Lignes: c.lignesCommunes()},
		{Cle: RepDemarches, Titre: "Sujets des démarches administratives", Colonne: "Sujet de la démarche",
			Unite: "accompagnements individuels", Base: ch.Individuels,
			Note:   "Une démarche peut porter sur plusieurs sujets : les lignes peuvent dépasser le total.",
			Lignes: parNombre(lignes(referentiel.ThematiquesDemarche, c.parCle[RepDemarches], false))},
		{Cle: RepPremiers, Titre: "Premiers accompagnements", Colonne: "Accompagnement", Unite: "accompagnements individuels",
			Base: ch.Individuels, Lignes: lignes(Premiers, c.parCle[RepPremiers], true)},
		{Cle: RepEtiquettes, Titre: "Accompagnements individuels par étiquette", Colonne: "Étiquette",
			Unite: "accompagnements individuels", Base: ch.Individuels,
			Note:   "Un accompagnement peut porter plusieurs étiquettes, ou aucune.",
			Lignes: parNombre(lignes(nil, c.parCle[RepEtiquettes], false))},
	}
}

// lignes lists the counts in the list's order; zeros are kept for short
// closed lists (all rows shown) and dropped otherwise. A value outside the
// list (an older value) comes last, under its stored name.
func lignes(list referentiel.List, counts map[string]int, zeros bool) []Ligne {
	out := make([]Ligne, 0, len(list))
	for _, o := range list {
		if n := counts[o.Value]; n > 0 || zeros {
			out = append(out, Ligne{Valeur: o.Value, Libelle: o.Label, Nombre: n})
		}
	}
	var other []Ligne
	for v, n := range counts {
		if !list.Has(v) && n > 0 {
			label := v
			if v == "" {
				label = "Non renseigné"
			}
			other = append(other, Ligne{Valeur: v, Libelle: label, Nombre: n})
		}
	}
	sort.Slice(other, func(i, j int) bool { return other[i].Valeur < other[j].Valeur })
	return append(out, other...)
}

// parNombre sorts rows by decreasing count (stable: ties keep their order).
func parNombre(l []Ligne) []Ligne {
	sort.SliceStable(l, func(i, j int) bool { return l[i].Nombre > l[j].Nombre })
	return l
}

// lignesCommunes sorts communes by decreasing count then name, the
// unknown commune last.
func (c *cumul) lignesCommunes() []Ligne {
	out := make([]Ligne, 0, len(c.communes))
	var unknown *Ligne
	for _, l := range c.communes {
		if l.Valeur == "" {
			unknown = l
			continue
		}
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Nombre != out[j].Nombre {
			return out[i].Nombre > out[j].Nombre
		}
		return out[i].Libelle < out[j].Libelle
	})
	if unknown != nil {
		out = append(out, *unknown)
	}
	return out
}
