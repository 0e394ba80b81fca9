package stats

// Referrals followed: of the one-to-one helps of the period that sent the
// person to another structure (Oriente), how many did the person say they
// went to, did not go to, have not gone to yet, and how many got no
// answer (the person did not come back, or was anonymous). A referral
// counts under its latest answer, whenever it was given. Counts only: no
// person is named, so référents and coordinateurs read them.

// Orientations are the referrals of a period by their follow-up.
type Orientations struct {
	Total       int
	Alle        int // « oui »
	PasAlle     int // « non »
	PasEncore   int // « pas encore »
	SansReponse int
}

// LigneOrientation is one row of the table.
type LigneOrientation struct {
	Libelle string
	Nombre  int
}

// Lignes are the rows in the page's order.
func (o Orientations) Lignes() []LigneOrientation {
	return []LigneOrientation{
		{"Allé à la structure", o.Alle},
		{"Pas allé", o.PasAlle},
		{"Pas encore", o.PasEncore},
		{"Sans réponse", o.SansReponse},
	}
}

// CompterOrientations counts the referrals of the filter's helps.
func CompterOrientations(d *Donnees, f Filtre) Orientations {
	var o Orientations
	for i := range d.Accompagnements {
		a := &d.Accompagnements[i]
		if !a.Oriente || !d.AccompagnementDans(a, f) {
			continue
		}
		o.compter(a.SuiviOrientation)
	}
	return o
}

// compter counts one referral under its latest answer.
func (o *Orientations) compter(reponse string) {
	o.Total++
	switch reponse {
	case "oui":
		o.Alle++
	case "non":
		o.PasAlle++
	case "pas_encore":
		o.PasEncore++
	default:
		o.SansReponse++
	}
}

// ajouter adds the referrals of another month: each referral is counted
// in the month of its help, so months add up.
func (o *Orientations) ajouter(x Orientations) {
	o.Total += x.Total
	o.Alle += x.Alle
	o.PasAlle += x.PasAlle
	o.PasEncore += x.PasEncore
	o.SansReponse += x.SansReponse
}
