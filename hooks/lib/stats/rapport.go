package stats

import "time"

// Sorte tells how a key figure is written.
type Sorte int

const (
	SorteNombre  Sorte = iota // a count
	SorteMinutes              // a duration in minutes
	SorteTaux                 // a ratio between 0 and 1
)

// ChiffreCle is one key figure, with its French label: the statistics page,
// the exports and the monthly report print the same list.
type ChiffreCle struct {
	Cle     string // stable key (JSON snapshot, tests)
	Libelle string
	Aide    string // how it is counted, in one short sentence
	Sorte   Sorte
	Valeur  float64
	Connu   bool // false for a rate without any attendance taken
}

// Cles lists the key figures in display order.
func (c Chiffres) Cles() []ChiffreCle {
	n := func(cle, libelle, aide string, v int) ChiffreCle {
		return ChiffreCle{Cle: cle, Libelle: libelle, Aide: aide, Sorte: SorteNombre, Valeur: float64(v), Connu: true}
	}
	m := func(cle, libelle, aide string, v int) ChiffreCle {
		return ChiffreCle{Cle: cle, Libelle: libelle, Aide: aide, Sorte: SorteMinutes, Valeur: float64(v), Connu: true}
	}
	taux, ok := c.TauxPresence()
	return []ChiffreCle{
		n("seances_realisees", "Ateliers réalisés", "Séances closes par le conseiller.", c.SeancesRealisees),
		n("participants", "Participants aux ateliers", "Présents et personnes venues sans inscription.", c.Participants),
		n("individuels", "Accompagnements individuels", "", c.Individuels),
		n("accompagnements", "Accompagnements au total", "Un par accompagnement individuel et un par participant d'atelier.", c.Accompagnements),
		n("beneficiaires", "Bénéficiaires différents", "Personnes suivies, comptées une fois.", c.Beneficiaires),
		n("personnes", "Personnes accompagnées", "Bénéficiaires différents et personnes restées anonymes.", c.Personnes),
		m("heures_mediation", "Heures de médiation", "Durée de chaque accompagnement : un atelier compte pour chaque participant.", c.MinMediation),
		m("temps_conseillers", "Temps des conseillers", "Accompagnements individuels et durée des ateliers réalisés.", c.MinConseillers()),
		n("inscriptions", "Inscriptions", "Places prises dans les séances non annulées.", c.Inscriptions),
		{Cle: "taux_presence", Libelle: "Taux de présence", Aide: "Présents sur présents et absents des ateliers réalisés.",
			Sorte: SorteTaux, Valeur: taux, Connu: ok},
		n("absents", "Absences", "Inscrits notés absents.", c.Absents),
		n("liste_attente", "Demandes en liste d'attente", "Inscriptions passées par la liste d'attente.", c.ListeAttente),
		n("seances_annulees", "Séances annulées", "", c.SeancesAnnulees),
	}
}

// Evolution is a key figure next to its value of the previous month.
type Evolution struct {
	ChiffreCle
	Precedent      float64
	PrecedentConnu bool
}

// Ecart is the change from the previous month (0 when either is unknown).
func (e Evolution) Ecart() float64 {
	if !e.Connu || !e.PrecedentConnu {
		return 0
	}
	return e.Valeur - e.Precedent
}

// Rapport is the figure set of a monthly activity report.
type Rapport struct {
	Mois       Date // first day of the month
	Resultat   *Resultat
	Precedent  Chiffres // the month before
	Evolutions []Evolution
}

// Mensuel computes a calendar month of one structure ("" for every
// structure of the data), with the change from the previous month. The
// data must cover both months (Filtre.Etendue of the month covers them).
func Mensuel(d *Donnees, structure string, annee int, mois time.Month) *Rapport {
	return RapportDe(Calculer(d, Filtre{Periode: Mois(annee, mois), Structure: structure}))
}

// RapportDe is the report of a result computed for one calendar month
// (by Calculer or Assembler).
func RapportDe(r *Resultat) *Rapport {
	// The series ends with the report's month: the one before is the
	// previous month.
	precedent := r.ParMois[NombreMois-2].Chiffres
	rapport := &Rapport{Mois: r.Filtre.Du, Resultat: r, Precedent: precedent}
	before := precedent.Cles()
	for i, c := range r.Chiffres.Cles() {
		rapport.Evolutions = append(rapport.Evolutions, Evolution{ChiffreCle: c,
			Precedent: before[i].Valeur, PrecedentConnu: before[i].Connu})
	}
	return rapport
}
