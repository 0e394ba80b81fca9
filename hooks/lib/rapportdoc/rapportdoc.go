// Package rapportdoc turns the statistics of one structure's month into
// its monthly activity report: a snapshot of the figures (kept as JSON in
// rapports.statistiques, so that a report keeps its numbers when the data
// changes later), and from that snapshot alone the PDF (pdfdoc), the web
// page and the e-mail's summary. It knows nothing of PocketBase.
//
// Figures are written in French with frfmt; dates in the structure's zone.
package rapportdoc

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/pdfdoc"
	"atelier/hooks/lib/stats"
)

// Version of the snapshot's layout.
const Version = 1

// Snapshot is a report's figures, as stored.
type Snapshot struct {
	Version      int            `json:"version"`
	Structure    string         `json:"structure"`
	Adresse      []string       `json:"adresse,omitempty"`
	Mois         string         `json:"mois"` // 2026-10
	Fuseau       string         `json:"fuseau"`
	GenereLe     time.Time      `json:"genere_le"`
	Chiffres     []Chiffre      `json:"chiffres"` // key figures, in display order
	Detail       stats.Chiffres `json:"detail"`   // every count of the month
	Repartitions []Repartition  `json:"repartitions"`
	ParMois      []Mois         `json:"par_mois"` // the 12 months ending with this one
	Seances      []Seance       `json:"seances"`  // sessions held, in date order
	// No-shows by reminder channel (reports made before it have none).
	Rappels []stats.LigneRappel `json:"rappels,omitempty"`
	// Provisoire: made before the month was over, on request; the final
	// report replaces it.
	Provisoire bool `json:"provisoire,omitempty"`
}

// Kinds of key figures.
const (
	SorteNombre  = "nombre"
	SorteMinutes = "minutes" // a duration, in minutes
	SorteTaux    = "taux"    // a ratio between 0 and 1
)

// Chiffre is a key figure of the month and of the previous one; a nil
// value is unknown (an attendance rate without attendance taken).
type Chiffre struct {
	Cle       string   `json:"cle"`
	Libelle   string   `json:"libelle"`
	Aide      string   `json:"aide,omitempty"`
	Sorte     string   `json:"sorte"`
	Valeur    *float64 `json:"valeur"`
	Precedent *float64 `json:"precedent"`
}

// Repartition is a breakdown of the month's activity.
type Repartition struct {
	Cle     string        `json:"cle"`
	Titre   string        `json:"titre"`
	Colonne string        `json:"colonne"`
	Unite   string        `json:"unite"`
	Base    int           `json:"base"`
	Lignes  []stats.Ligne `json:"lignes"`
}

// Mois is one month of the series.
type Mois struct {
	Mois     string         `json:"mois"`
	Chiffres stats.Chiffres `json:"chiffres"`
}

// Seance is one session held in the month.
type Seance struct {
	Debut        time.Time `json:"debut"`
	Atelier      string    `json:"atelier"`
	Lieu         string    `json:"lieu"`
	Participants int       `json:"participants"`
}

// Source is what a snapshot is taken from.
type Source struct {
	Structure, Fuseau string
	Adresse           []string
	GenereLe          time.Time
	Rapport           *stats.Rapport // stats.Mensuel of the structure and month
	Donnees           *stats.Donnees // the data it was computed from
	Provisoire        bool           // the month is not over
}

// New takes the snapshot of a month's report.
func New(src Source) *Snapshot {
	r := src.Rapport
	s := &Snapshot{Version: Version, Structure: src.Structure, Adresse: src.Adresse, Fuseau: src.Fuseau,
		Mois: r.Mois.Time().Format("2006-01"), GenereLe: src.GenereLe.UTC(), Detail: r.Resultat.Chiffres}
	for _, e := range r.Evolutions {
		c := Chiffre{Cle: e.Cle, Libelle: e.Libelle, Aide: e.Aide, Sorte: sorte(e.Sorte)}
		if e.Connu {
			c.Valeur = ptr(e.Valeur)
		}
		if e.PrecedentConnu {
			c.Precedent = ptr(e.Precedent)
		}
		s.Chiffres = append(s.Chiffres, c)
	}
	for _, rep := range r.Resultat.Repartitions {
		s.Repartitions = append(s.Repartitions, Repartition{Cle: rep.Cle, Titre: rep.Titre, Colonne: rep.Colonne,
			Unite: rep.Unite, Base: rep.Base, Lignes: rep.Lignes})
	}
	for _, m := range r.Resultat.ParMois {
		s.ParMois = append(s.ParMois, Mois{Mois: m.Mois.Time().Format("2006-01"), Chiffres: m.Chiffres})
	}
	s.Seances = held(src.Donnees, r.Resultat.Filtre)
	s.Rappels = r.Resultat.Rappels
	s.Provisoire = src.Provisoire
	return s
}

// Empreinte is a hash of what the report says, leaving out when it was
// made and whether it was provisional: two snapshots with the same
// fingerprint print the same figures, so a closed month is made again
// only when its data changed. A snapshot read back from the database
// gives the fingerprint it had when it was taken: the database keeps an
// empty list as [] where the snapshot had none (null), so both count as
// nothing.
func (s *Snapshot) Empreinte() (string, error) {
	c := *s
	c.GenereLe, c.Provisoire = time.Time{}, false
	b, err := json.Marshal(&c)
	if err != nil {
		return "", fmt.Errorf("fingerprint of report %s: %w", s.Mois, err)
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		return "", fmt.Errorf("fingerprint of report %s: %w", s.Mois, err)
	}
	if b, err = json.Marshal(withoutEmptyLists(tree)); err != nil { // objects' keys come sorted
		return "", fmt.Errorf("fingerprint of report %s: %w", s.Mois, err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// withoutEmptyLists turns every empty list of a decoded JSON value into
// null.
func withoutEmptyLists(v any) any {
	switch t := v.(type) {
	case []any:
		if len(t) == 0 {
			return nil
		}
		for i := range t {
			t[i] = withoutEmptyLists(t[i])
		}
	case map[string]any:
		for k := range t {
			t[k] = withoutEmptyLists(t[k])
		}
	}
	return v
}

func ptr(v float64) *float64 { return &v }

func sorte(s stats.Sorte) string {
	switch s {
	case stats.SorteMinutes:
		return SorteMinutes
	case stats.SorteTaux:
		return SorteTaux
	}
	return SorteNombre
}

// held lists the sessions held in the filter's period, in date order.
func held(d *stats.Donnees, f stats.Filtre) []Seance {
	var out []Seance
	for i := range d.Seances {
		s := &d.Seances[i]
		if s.Statut == "realisee" && d.SeanceDans(s, f) {
			out = append(out, Seance{Debut: s.Debut.UTC(), Atelier: s.Atelier, Lieu: s.Lieu.Nom, Participants: s.Participants()})
		}
	}
	slices.SortStableFunc(out, func(a, b Seance) int { return a.Debut.Compare(b.Debut) })
	return out
}

// Complet tells whether the snapshot has this package's layout (reports
// made before it hold only a few counts).
func (s *Snapshot) Complet() bool { return s != nil && s.Version >= 1 && s.Mois != "" }

// Location is the structure's zone.
func (s *Snapshot) Location() *time.Location { return frfmt.Location(s.Fuseau) }

// Month is the 1st of the report's month, noon, in the structure's zone.
func (s *Snapshot) Month() time.Time {
	t, err := time.ParseInLocation("2006-01", s.Mois, s.Location())
	if err != nil {
		return time.Time{}
	}
	return t.Add(12 * time.Hour)
}

// Texte is the month's value written in French ("" when unknown).
func (c Chiffre) Texte() string { return figure(c.Sorte, c.Valeur) }

// PrecedentTexte is the previous month's value written in French.
func (c Chiffre) PrecedentTexte() string { return figure(c.Sorte, c.Precedent) }

func figure(sorte string, v *float64) string {
	if v == nil {
		return ""
	}
	switch sorte {
	case SorteMinutes:
		return frfmt.Duree(int(math.Round(*v)))
	case SorteTaux:
		return frfmt.Pourcent(math.Round(*v*1000) / 1000)
	}
	return frfmt.Nombre(int(math.Round(*v)))
}

// Evolution is the change from the previous month: « +3 », « −1 h 30 »,
// « +5 pts » for a rate (percentage points), « = » when equal, "" when
// either month is unknown.
func (c Chiffre) Evolution() string {
	if c.Valeur == nil || c.Precedent == nil {
		return ""
	}
	delta := *c.Valeur - *c.Precedent
	if c.Sorte == SorteTaux {
		delta *= 100
	}
	delta = math.Round(delta)
	if delta == 0 {
		return "="
	}
	sign := "+"
	if delta < 0 {
		sign = "−"
	}
	abs := int(math.Abs(delta))
	switch c.Sorte {
	case SorteMinutes:
		return sign + frfmt.Duree(abs)
	case SorteTaux:
		return sign + frfmt.Nombre(abs) + "\u00a0pts"
	}
	return sign + frfmt.Nombre(abs)
}

// maxBars keeps a chart readable: the largest rows, then « Autres ».
const maxBars = 10

// Graphiques are the breakdowns as bars: their non-empty rows in the
// engine's order (age brackets and durations stay in their natural order).
func (s *Snapshot) Graphiques() []pdfdoc.Graphique {
	out := make([]pdfdoc.Graphique, 0, len(s.Repartitions))
	for _, r := range s.Repartitions {
		out = append(out, chart(r))
	}
	return out
}

// chart keeps, when there are too many rows, the largest ones and adds
// up the rest in « Autres ».
func chart(r Repartition) pdfdoc.Graphique {
	g := pdfdoc.Graphique{Titre: r.Titre + " (" + r.Unite + ")"}
	lines := slices.DeleteFunc(slices.Clone(r.Lignes), func(l stats.Ligne) bool { return l.Nombre == 0 })
	keep := func(int) bool { return true }
	if len(lines) > maxBars {
		bySize := slices.Clone(lines)
		slices.SortStableFunc(bySize, func(a, b stats.Ligne) int { return b.Nombre - a.Nombre })
		floor, room := bySize[maxBars-2].Nombre, maxBars-1
		// Rows above the floor are kept, then rows at the floor in order
		// until the room is used.
		above := 0
		for _, l := range lines {
			if l.Nombre > floor {
				above++
			}
		}
		atFloor := room - above
		keep = func(i int) bool {
			if lines[i].Nombre > floor {
				return true
			}
			if lines[i].Nombre == floor && atFloor > 0 {
				atFloor--
				return true
			}
			return false
		}
	}
	others := 0
	for i, l := range lines {
		if !keep(i) {
			others += l.Nombre
			continue
		}
		g.Barres = append(g.Barres, pdfdoc.Barre{Libelle: l.Libelle, Valeur: float64(l.Nombre), Texte: frfmt.Nombre(l.Nombre)})
	}
	if others > 0 {
		g.Barres = append(g.Barres, pdfdoc.Barre{Libelle: "Autres", Valeur: float64(others), Texte: frfmt.Nombre(others)})
	}
	return g
}

// Document is what the PDF prints.
func (s *Snapshot) Document(logo []byte) pdfdoc.RapportData {
	data := pdfdoc.RapportData{Structure: pdfdoc.Structure{Nom: s.Structure, Adresse: s.Adresse, Logo: logo},
		Zone: s.Fuseau, Mois: s.Month(), GenereLe: s.GenereLe, Graphiques: s.Graphiques(), Provisoire: s.Provisoire}
	for _, c := range s.Chiffres {
		data.Chiffres = append(data.Chiffres, pdfdoc.ChiffreRapport{Libelle: c.Libelle, Valeur: c.Texte(),
			Precedent: c.PrecedentTexte(), Evolution: c.Evolution()})
	}
	for _, l := range s.Rappels {
		taux, ok := l.TauxAbsence()
		rate := "—"
		if ok {
			rate = figure(SorteTaux, &taux)
		}
		data.Rappels = append(data.Rappels, pdfdoc.RappelRapport{Libelle: l.Libelle, Inscriptions: frfmt.Nombre(l.Inscriptions),
			Absents: frfmt.Nombre(l.Absents), Taux: rate})
	}
	for _, se := range s.Seances {
		data.Seances = append(data.Seances, pdfdoc.SeanceRapport{Debut: se.Debut, Titre: se.Atelier, Lieu: se.Lieu,
			Participants: se.Participants})
	}
	return data
}

// PDF draws the report.
func (s *Snapshot) PDF(logo []byte) ([]byte, error) {
	if !s.Complet() {
		return nil, fmt.Errorf("rapport %s: snapshot version %d cannot be drawn", s.Mois, s.Version)
	}
	return pdfdoc.RapportMensuel(s.Document(logo))
}

// resumeKeys are the key figures the e-mail gives.
var resumeKeys = []string{"seances_realisees", "participants", "individuels", "accompagnements", "heures_mediation"}

// Resume is a few key figures, label and value, for the e-mail.
func (s *Snapshot) Resume() [][2]string {
	var out [][2]string
	for _, c := range s.Chiffres {
		if slices.Contains(resumeKeys, c.Cle) && c.Valeur != nil {
			out = append(out, [2]string{c.Libelle, c.Texte()})
		}
	}
	return out
}

// Titre is « Rapport d'activité d'octobre 2026 ».
func (s *Snapshot) Titre() string { return "Rapport d'activité " + DeMois(s.Month()) }

// DeMois is « de janvier 2027 », « d'octobre 2026 » (elided before a vowel).
func DeMois(month time.Time) string {
	label := frfmt.Mois(month)
	if label != "" && strings.ContainsRune("aeiouéè", []rune(label)[0]) {
		return "d'" + label
	}
	return "de " + label
}
