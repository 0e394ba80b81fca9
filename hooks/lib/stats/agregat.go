package stats

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Monthly aggregates: what one structure's calendar month adds to any
// result whose period holds that whole month. Calculer walks every session
// and help of the period; Assembler adds up the months' aggregates instead
// and gives the same Resultat, number for number.
//
// Most figures add across months. Distinct people do not: a person seen in
// March and in April is one beneficiary of the spring. So an aggregate
// keeps the people it saw (id and the attributes the breakdowns read),
// and Assembler unions them as Calculer does. The year of a person's last
// activity (their age bracket) is the aggregate's month's year.

//go:embed agregat.go calcul.go donnees.go periode.go rappels.go
var sources embed.FS

// EmpreinteCalcul fingerprints the counting code: an aggregate stored by
// another version of it (a new figure, a rule changed) is counted again.
var EmpreinteCalcul = func() string {
	h := sha256.New()
	for _, name := range []string{"agregat.go", "calcul.go", "donnees.go", "periode.go", "rappels.go"} {
		b, err := sources.ReadFile(name)
		if err != nil {
			panic(err)
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}()

// VuMois is a registered beneficiary seen in a month.
type VuMois struct {
	ID             string `json:"i"`
	AnneeNaissance int    `json:"a,omitempty"`
	Genre          string `json:"g,omitempty"`
	StatutSocial   string `json:"s,omitempty"`
	Commune        string `json:"c,omitempty"`
}

// Agregat is one structure's activity in one calendar month, in the
// structure's time zone.
type Agregat struct {
	Structure string `json:"-"`
	Mois      Date   `json:"-"` // first day of the month
	// Chiffres before the distinct people: Beneficiaires is 0 and
	// Personnes counts the anonymous people only.
	Chiffres Chiffres `json:"f"`
	// Comptes are the breakdowns counted by activity (thématiques,
	// besoins, lieux, durées) and the anonymous people's attributes.
	Comptes map[string]map[string]int `json:"r,omitempty"`
	Rappels map[string][2]int         `json:"p,omitempty"` // channel → attended, absent
	// Orientations are the month's referrals by their latest answer.
	Orientations Orientations `json:"o,omitempty"`
	Vus          VusMois      `json:"-"` // stored apart: VusMois.Texte
}

// VusMois are the people seen in a month. Stored apart from the JSON of
// the rest, as one string (fields split by 0x1F, people by 0x1E, ESC
// before any of the three inside a field): a year of 500 structures reads
// hundreds of thousands of them, several times faster than JSON objects.
type VusMois []VuMois

const (
	sepChamp    = '\x1f'
	sepPersonne = '\x1e'
	echappe     = '\x1b'
)

func ecrireChamp(b *strings.Builder, v string) {
	if strings.IndexByte(v, sepChamp) < 0 && strings.IndexByte(v, sepPersonne) < 0 && strings.IndexByte(v, echappe) < 0 {
		b.WriteString(v)
		return
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == sepChamp || c == sepPersonne || c == echappe {
			b.WriteByte(echappe)
		}
		b.WriteByte(v[i])
	}
}

// Texte writes the people as one string, read back by LireVus.
func (v VusMois) Texte() string {
	var b strings.Builder
	for i, p := range v {
		if i > 0 {
			b.WriteByte(sepPersonne)
		}
		ecrireChamp(&b, p.ID)
		b.WriteByte(sepChamp)
		b.WriteString(strconv.Itoa(p.AnneeNaissance))
		for _, f := range []string{p.Genre, p.StatutSocial, p.Commune} {
			b.WriteByte(sepChamp)
			ecrireChamp(&b, f)
		}
	}
	return b.String()
}

// LireVus reads what Texte wrote.
func LireVus(s string) (VusMois, error) {
	if s == "" {
		return nil, nil
	}
	out := make(VusMois, 0, strings.Count(s, string(sepPersonne))+1)
	var fields [5]string
	n := 0
	escaped := strings.IndexByte(s, echappe) >= 0
	start := 0
	var cur []byte // only when a field holds an escaped byte
	end := func(i int) {
		if escaped {
			fields[n] = string(cur)
			cur = cur[:0]
		} else {
			fields[n] = s[start:i]
		}
		n++
		start = i + 1
	}
	person := func() error {
		if n != 5 {
			return fmt.Errorf("a person seen has %d fields, want 5", n)
		}
		annee, err := strconv.Atoi(fields[1])
		if err != nil {
			return fmt.Errorf("a person seen's birth year: %w", err)
		}
		out = append(out, VuMois{ID: fields[0], AnneeNaissance: annee, Genre: fields[2], StatutSocial: fields[3], Commune: fields[4]})
		n = 0
		return nil
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == echappe && i+1 < len(s):
			i++
			cur = append(cur, s[i])
		case c == sepChamp && n < 4:
			end(i)
		case c == sepPersonne && n == 4:
			end(i)
			if err := person(); err != nil {
				return nil, err
			}
		case c == sepPersonne:
			return nil, fmt.Errorf("a person seen has %d fields, want 5", n+1)
		default:
			if escaped {
				cur = append(cur, c)
			}
		}
	}
	if n != 4 {
		return nil, fmt.Errorf("a person seen has %d fields, want 5", n+1)
	}
	end(len(s))
	return out, person()
}

// CleAgregat names an aggregate.
type CleAgregat struct {
	Structure string
	Mois      Date
}

// Agreger computes the aggregate of every (structure, month) that has
// activity in the data. A month only partly covered by the data gives a
// partial aggregate: callers load whole months.
func Agreger(d *Donnees) map[CleAgregat]*Agregat {
	cumuls := map[CleAgregat]*cumul{}
	get := func(structure string, day Date) *cumul {
		k := CleAgregat{structure, day.PremierDuMois()}
		c, ok := cumuls[k]
		if !ok {
			c = newCumul(true)
			cumuls[k] = c
		}
		return c
	}
	for i := range d.Seances {
		s := &d.Seances[i]
		day := DateDe(d.Local(s.Structure, s.Debut))
		get(s.Structure, day).seance(s, day.Annee)
	}
	orientations := map[CleAgregat]Orientations{}
	for i := range d.Accompagnements {
		a := &d.Accompagnements[i]
		day := DateDe(d.Local(a.Structure, a.Date))
		get(a.Structure, day).accompagnement(a, day.Annee)
		if a.Oriente {
			k := CleAgregat{a.Structure, day.PremierDuMois()}
			o := orientations[k]
			o.compter(a.SuiviOrientation)
			orientations[k] = o
		}
	}
	out := make(map[CleAgregat]*Agregat, len(cumuls))
	for k, c := range cumuls {
		a := &Agregat{Structure: k.Structure, Mois: k.Mois, Chiffres: c.ch, Comptes: map[string]map[string]int{},
			Orientations: orientations[k]}
		for cle, counts := range c.parCle {
			for v, n := range counts {
				if n == 0 {
					continue
				}
				if a.Comptes[cle] == nil {
					a.Comptes[cle] = map[string]int{}
				}
				a.Comptes[cle][v] = n
			}
		}
		for canal, l := range c.rappels {
			if a.Rappels == nil {
				a.Rappels = map[string][2]int{}
			}
			a.Rappels[canal] = [2]int{l.Inscriptions, l.Absents}
		}
		for _, v := range c.vus.personnes {
			a.Vus = append(a.Vus, *v.personne)
		}
		out[k] = a
	}
	return out
}

// ChiffresMois are the key figures of the aggregate's month alone.
func (a *Agregat) ChiffresMois() Chiffres {
	ch := a.Chiffres
	ch.Beneficiaires = len(a.Vus)
	ch.Personnes += len(a.Vus)
	return ch
}

// EntierMois tells whether the filter's period is made of whole months,
// which aggregates can answer.
func (f Filtre) EntierMois() bool {
	return f.Du.Jour == 1 && f.Au == f.Au.DernierDuMois() && !f.Au.Avant(f.Du)
}

// Assembler computes the result of a filter of whole months (EntierMois)
// from the aggregates of the structures counted: the months of
// Filtre.Etendue, a missing one meaning no activity. It gives what
// Calculer gives on the same activity.
func Assembler(aggs []*Agregat, f Filtre) *Resultat {
	periode := newCumul(true)
	mois := make([]*cumul, NombreMois)
	for i := range mois {
		mois[i] = newCumul(false)
	}
	premier := f.PremierMois().rangMois()
	// The people seen are counted before they are added: the maps of
	// distinct people do not grow step by step (most of the time of a
	// year of 500 structures).
	nPeriode, nMois := 0, make([]int, NombreMois)
	for _, a := range aggs {
		if !f.garde(a.Structure) {
			continue
		}
		if f.Periode.Contient(a.Mois) {
			nPeriode += len(a.Vus)
		}
		if i := a.Mois.rangMois() - premier; i >= 0 && i < NombreMois {
			nMois[i] += len(a.Vus)
		}
	}
	periode.vus = newVus(true, nPeriode)
	for i := range mois {
		mois[i].vus = newVus(false, nMois[i])
	}
	for _, a := range aggs {
		if !f.garde(a.Structure) {
			continue
		}
		if f.Periode.Contient(a.Mois) {
			periode.ajouter(a)
		}
		if i := a.Mois.rangMois() - premier; i >= 0 && i < NombreMois {
			mois[i].ajouter(a)
		}
	}
	r := &Resultat{Filtre: f, Chiffres: periode.finir(), Repartitions: periode.repartitions(), Rappels: periode.lignesRappel()}
	for _, a := range aggs {
		if f.garde(a.Structure) && f.Periode.Contient(a.Mois) {
			r.Orientations.ajouter(a.Orientations)
		}
	}
	for i, c := range mois {
		r.ParMois = append(r.ParMois, MoisChiffres{Mois: f.PremierMois().AjouterMois(i), Chiffres: c.finir()})
	}
	return r
}

// addChiffres adds every count of src to dst. Every count of Chiffres
// adds across months (the distinct people are the exception, and an
// aggregate holds them apart in Vus, its Beneficiaires being 0), so a
// count added to Chiffres later is added here without a change. A new
// accumulator of cumul that is not a Chiffres count, a breakdown of
// parCle, a reminder or a person seen needs its place in Agregat.
func addChiffres(dst *Chiffres, src Chiffres) {
	d, s := reflect.ValueOf(dst).Elem(), reflect.ValueOf(src)
	for i := range d.NumField() {
		if f := d.Field(i); f.Kind() == reflect.Int {
			f.SetInt(f.Int() + s.Field(i).Int())
		}
	}
}

// ajouter adds a month's aggregate, as seance and accompagnement would
// have added its activities one by one.
func (c *cumul) ajouter(a *Agregat) {
	x := a.Chiffres
	addChiffres(&c.ch, x)
	for i := range a.Vus {
		if slot := c.vus.voir(a.Vus[i].ID, a.Mois.Annee); slot != nil {
			slot.personne = &a.Vus[i]
		}
	}
	if !c.details {
		return
	}
	for cle, counts := range a.Comptes {
		if c.parCle[cle] == nil {
			continue
		}
		for v, n := range counts {
			c.parCle[cle][v] += n
		}
	}
	// Every anonymous person's commune is unknown (cumul.anonymes).
	if x.Personnes > 0 {
		c.commune("", x.Personnes)
	}
	for canal, n := range a.Rappels {
		if c.rappels == nil {
			c.rappels = map[string]*LigneRappel{}
		}
		l, ok := c.rappels[canal]
		if !ok {
			l = &LigneRappel{Canal: canal}
			c.rappels[canal] = l
		}
		l.Inscriptions += n[0]
		l.Absents += n[1]
	}
}
