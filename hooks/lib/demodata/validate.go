package demodata

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"atelier/hooks/lib/contact"
	"atelier/hooks/lib/referentiel"
)

// telephoneExiste tells whether a stored number is what the forms would
// store for it: E.164, in the numbering plan of its country.
func telephoneExiste(e164 string) bool {
	n, err := contact.NormaliserTelephone(e164)
	return err == nil && n == e164
}

var (
	reCodePostal = regexp.MustCompile(`^[0-9]{5}$`)
	reCodeInsee  = regexp.MustCompile(`^[0-9][0-9AB][0-9]{3}$`)
	reSlug       = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
)

// Validate checks the consistency rules of a data set generated around now
// and returns every violation found, joined.
func (d Dataset) Validate(now time.Time) error {
	v := &violations{}
	d.validateStructures(v)
	d.validateStaff(v)
	d.validateSeances(v, now)
	d.validateBeneficiaires(v, now)
	d.validateInscriptions(v, now)
	d.validateAccompagnements(v, now)
	return errors.Join(v.errs...)
}

type violations struct{ errs []error }

func (v *violations) add(format string, args ...any) {
	if len(v.errs) < 50 {
		v.errs = append(v.errs, fmt.Errorf(format, args...))
	}
}

func (v *violations) value(list referentiel.List, what, value string, optional bool) {
	if value == "" && optional {
		return
	}
	if !list.Has(value) {
		v.add("%s: %q is not a reference value", what, value)
	}
}

func (d Dataset) validateStructures(v *violations) {
	zones := map[string]bool{}
	slugs := map[string]bool{}
	for i, s := range d.Structures {
		if _, err := time.LoadLocation(s.Fuseau); err != nil {
			v.add("structure %d: time zone %q: %v", i, s.Fuseau, err)
		}
		zones[s.Fuseau] = true
		if !reSlug.MatchString(s.Slug) || slugs[s.Slug] {
			v.add("structure %d: bad or duplicate slug %q", i, s.Slug)
		}
		slugs[s.Slug] = true
		if len([]rune(s.Presentation)) > 280 {
			v.add("structure %d: presentation longer than 280 characters", i)
		}
		for _, t := range s.Typologie {
			v.value(referentiel.Typologies, "typologie", t, false)
		}
		if !telephoneExiste(s.Telephone) || !reCodePostal.MatchString(s.CodePostal) ||
			!reCodeInsee.MatchString(s.CodeInsee) || !strings.HasSuffix(s.Courriel, "@example.org") {
			v.add("structure %d: bad contact details", i)
		}
	}
	if len(zones) < 2 || !zones["Indian/Reunion"] {
		v.add("structures: want one structure in Indian/Reunion and one elsewhere, got %v", zones)
	}
	for i, l := range d.Lieux {
		if l.Structure < 0 || l.Structure >= len(d.Structures) || l.Nom == "" || l.Accessibilite == "" {
			v.add("lieu %d: incomplete", i)
		}
		if l.Latitude < -90 || l.Latitude > 90 || l.Longitude < -180 || l.Longitude > 180 {
			v.add("lieu %d: bad coordinates", i)
		}
	}
}

func (d Dataset) validateStaff(v *violations) {
	roles := map[int]map[string]int{}
	emails := map[string]bool{}
	for i, s := range d.Staff {
		v.value(referentiel.Roles, "role", s.Role, false)
		if emails[s.Email] || !strings.HasSuffix(s.Email, "@demo.atelier.test") {
			v.add("staff %d: bad or duplicate email %q", i, s.Email)
		}
		emails[s.Email] = true
		if s.Prenom == "" || s.Nom == "" || len(s.Structures) == 0 {
			v.add("staff %d: incomplete", i)
		}
		for _, st := range s.Structures {
			if roles[st] == nil {
				roles[st] = map[string]int{}
			}
			roles[st][s.Role]++
		}
	}
	for st := range d.Structures {
		for _, role := range referentiel.Roles.Values() {
			if roles[st][role] == 0 {
				v.add("structure %d has no %s", st, role)
			}
		}
	}
}

func (d Dataset) isConseillerOf(staff, structure int) bool {
	if staff < 0 || staff >= len(d.Staff) || d.Staff[staff].Role != "conseiller" {
		return false
	}
	for _, s := range d.Staff[staff].Structures {
		if s == structure {
			return true
		}
	}
	return false
}

func (d Dataset) validateSeances(v *violations, now time.Time) {
	for i, se := range d.Seances {
		if se.Structure < 0 || se.Structure >= len(d.Structures) || se.Lieu < 0 || se.Lieu >= len(d.Lieux) {
			v.add("seance %d: bad reference", i)
			continue
		}
		if d.Lieux[se.Lieu].Structure != se.Structure {
			v.add("seance %d: place of another structure", i)
		}
		if se.Atelier < 0 || se.Atelier >= len(Workshops) {
			v.add("seance %d: bad workshop", i)
		}
		for _, a := range se.Animateurs {
			if !d.isConseillerOf(a, se.Structure) {
				v.add("seance %d: animateur %d is not a conseiller of the structure", i, a)
			}
		}
		if !se.Fin.After(se.Debut) {
			v.add("seance %d: fin not after debut", i)
		}
		if se.Debut.Before(now.AddDate(0, 0, -joursPasses-2)) || se.Debut.After(now.AddDate(0, 0, joursFuturs+1)) {
			v.add("seance %d: %s is outside the past 3 months and the next 6 weeks", i, se.Debut)
		}
		loc, _ := time.LoadLocation(d.Structures[se.Structure].Fuseau)
		local := se.Debut.In(loc)
		reunion := d.Structures[se.Structure].Fuseau == "Indian/Reunion"
		if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday || holiday(local, reunion) ||
			local.Hour() < 8 || local.Hour() > 17 {
			v.add("seance %d: %s is not a working hour in %s", i, local, loc)
		}
		v.value(referentiel.StatutsSeance, "statut", se.Statut, false)
		if se.Capacite < 1 {
			v.add("seance %d: capacity %d", i, se.Capacite)
		}
		if se.Statut == "realisee" && !se.Debut.Before(now) {
			v.add("seance %d: done in the future", i)
		}
		if (se.Statut == "annulee") != (se.MotifAnnulation != "") {
			v.add("seance %d: a cancelled session, and only it, has a reason", i)
		}
		if se.ParticipantsAnonymes > 0 && se.Statut != "realisee" {
			v.add("seance %d: walk-ins on a session not done", i)
		}
		if se.Cree.After(now) || se.Cree.After(se.Debut) {
			v.add("seance %d: created after now or after its start", i)
		}
	}
}

func (d Dataset) validateBeneficiaires(v *violations, now time.Time) {
	phones := map[string]bool{}
	for i, b := range d.Beneficiaires {
		if b.Structure < 0 || b.Structure >= len(d.Structures) {
			v.add("beneficiaire %d: bad structure", i)
			continue
		}
		if b.Prenom == "" || b.Nom == "" {
			v.add("beneficiaire %d: no name", i)
		}
		prefixes := []string{"+336", "+337"}
		if d.Structures[b.Structure].Fuseau == "Indian/Reunion" {
			prefixes = []string{"+262692", "+262693"}
		}
		if b.Telephone != "" {
			if !telephoneExiste(b.Telephone) || !contact.EstMobile(b.Telephone) || !hasAnyPrefix(b.Telephone, prefixes) || phones[b.Telephone] {
				v.add("beneficiaire %d: bad or duplicate phone %q", i, b.Telephone)
			}
			phones[b.Telephone] = true
		}
		if b.Email != "" && !hasAnySuffix(b.Email, []string{"@example.org", "@example.net", "@example.com"}) {
			v.add("beneficiaire %d: email %q outside example domains", i, b.Email)
		}
		if b.Telephone == "" && b.Email == "" {
			v.add("beneficiaire %d: no way to reach them", i)
		}
		if b.AnneeNaissance < 1940 || b.AnneeNaissance > 2008 {
			v.add("beneficiaire %d: born in %d", i, b.AnneeNaissance)
		}
		v.value(referentiel.Genres, "genre", b.Genre, false)
		v.value(referentiel.StatutsSociaux, "statut_social", b.StatutSocial, false)
		if !reCodePostal.MatchString(b.CodePostal) || !reCodeInsee.MatchString(b.CodeInsee) || b.Commune == "" {
			v.add("beneficiaire %d: bad address", i)
		}
		if b.ConsentementLe.IsZero() || b.ConsentementLe.After(now) || b.ConsentementVersion != ConsentementVersion {
			v.add("beneficiaire %d: bad consent", i)
		}
		if b.DerniereActivite.Before(b.ConsentementLe) || b.DerniereActivite.After(now) {
			v.add("beneficiaire %d: last activity %s out of [consent, now]", i, b.DerniereActivite)
		}
	}
}

func (d Dataset) validateInscriptions(v *violations, now time.Time) {
	type key struct{ seance, beneficiaire int }
	seen := map[key]bool{}
	active := map[int]int{}
	ranks := map[int][]int{}
	for i, ins := range d.Inscriptions {
		if ins.Seance < 0 || ins.Seance >= len(d.Seances) || ins.Beneficiaire < 0 || ins.Beneficiaire >= len(d.Beneficiaires) {
			v.add("inscription %d: bad reference", i)
			continue
		}
		se, b := d.Seances[ins.Seance], d.Beneficiaires[ins.Beneficiaire]
		if se.Structure != b.Structure {
			v.add("inscription %d: person of another structure", i)
		}
		k := key{ins.Seance, ins.Beneficiaire}
		if seen[k] {
			v.add("inscription %d: same person twice in session %d", i, ins.Seance)
		}
		seen[k] = true
		v.value(referentiel.StatutsInscription, "statut", ins.Statut, false)
		v.value(referentiel.SourcesInscription, "source", ins.Source, false)
		switch ins.Statut {
		case "present", "absent":
			if !se.Debut.Before(now) || se.Statut != "realisee" {
				v.add("inscription %d: attendance on a session not done", i)
			}
			if ins.Statut == "present" && b.DerniereActivite.Before(se.Debut) {
				v.add("inscription %d: attended after the person's last activity", i)
			}
		case "inscrit":
			if se.Statut != "planifiee" {
				v.add("inscription %d: still registered on a session %s", i, se.Statut)
			}
		case "liste_attente":
			if se.Debut.Before(now) || se.Statut != "planifiee" {
				v.add("inscription %d: waiting list on a past or cancelled session", i)
			}
			ranks[ins.Seance] = append(ranks[ins.Seance], ins.RangAttente)
		}
		if se.Statut == "realisee" && ins.Statut != "present" && ins.Statut != "absent" && ins.Statut != "annule" {
			v.add("inscription %d: attendance not taken on a session done", i)
		}
		if se.Statut == "annulee" && ins.Statut != "annule" {
			v.add("inscription %d: active on a cancelled session", i)
		}
		if ins.Statut != "liste_attente" && ins.RangAttente != 0 {
			v.add("inscription %d: rank without waiting list", i)
		}
		if ins.Statut == "inscrit" || ins.Statut == "present" || ins.Statut == "absent" {
			active[ins.Seance]++
		}
		if ins.Source == "sur_place" && se.Statut != "realisee" {
			v.add("inscription %d: walk-in on a session not done", i)
		}
		if ins.Cree.After(now) || ins.Cree.After(se.Debut) || ins.Cree.Before(b.ConsentementLe) {
			v.add("inscription %d: created at %s, outside [consent, min(now, start)]", i, ins.Cree)
		}
	}
	for s, n := range active {
		if n > d.Seances[s].Capacite {
			v.add("seance %d: %d places taken out of %d", s, n, d.Seances[s].Capacite)
		}
	}
	for s, r := range ranks {
		sort.Ints(r)
		if active[s] < d.Seances[s].Capacite {
			v.add("seance %d: waiting list while places are free", s)
		}
		for i, rank := range r {
			if rank != i+1 {
				v.add("seance %d: waiting ranks %v are not 1..n", s, r)
				break
			}
		}
	}
}

func (d Dataset) validateAccompagnements(v *violations, now time.Time) {
	for i, a := range d.Accompagnements {
		if a.Structure < 0 || a.Structure >= len(d.Structures) {
			v.add("accompagnement %d: bad structure", i)
			continue
		}
		if !d.isConseillerOf(a.Conseiller, a.Structure) {
			v.add("accompagnement %d: not by a conseiller of the structure", i)
		}
		if a.Date.After(now) || a.Date.Before(now.AddDate(0, 0, -joursPasses-2)) {
			v.add("accompagnement %d: date %s outside the past 3 months", i, a.Date)
		}
		if !containsInt(Durees, a.DureeMinutes) {
			v.add("accompagnement %d: duration %d", i, a.DureeMinutes)
		}
		v.value(referentiel.TypesLieu, "type_lieu", a.TypeLieu, false)
		if len(a.Thematiques) < 1 || len(a.Thematiques) > 3 {
			v.add("accompagnement %d: %d themes", i, len(a.Thematiques))
		}
		for _, t := range a.Thematiques {
			v.value(referentiel.Thematiques, "thematique", t, false)
		}
		for _, m := range a.Materiel {
			v.value(referentiel.Materiels, "materiel", m, false)
		}
		v.value(referentiel.Autonomies, "autonomie", a.Autonomie, true)
		if (a.Demarche != "") != contains(a.Thematiques, "aide_aux_demarches_administratives") {
			v.add("accompagnement %d: a procedure, and only it, names its demarche", i)
		}
		if len(a.ThematiquesDemarche) > 0 && !contains(a.Thematiques, referentiel.ThematiqueDemarche) {
			v.add("accompagnement %d: procedure subjects without the procedures' theme", i)
		}
		for _, t := range a.ThematiquesDemarche {
			v.value(referentiel.ThematiquesDemarche, "thematique_demarche", t, false)
		}
		if a.DejaAccompagne && a.Beneficiaire >= 0 {
			v.add("accompagnement %d: « déjà accompagné » is typed for an anonymous person only", i)
		}
		if a.StructureRedirection != "" && !a.Oriente {
			v.add("accompagnement %d: redirection without orientation", i)
		}
		v.value(referentiel.StructuresRedirection, "structure_redirection", a.StructureRedirection, true)
		if a.Beneficiaire >= 0 {
			if a.Beneficiaire >= len(d.Beneficiaires) || d.Beneficiaires[a.Beneficiaire].Structure != a.Structure {
				v.add("accompagnement %d: person of another structure", i)
			} else if b := d.Beneficiaires[a.Beneficiaire]; a.Date.Before(b.ConsentementLe) || a.Date.After(b.DerniereActivite) {
				v.add("accompagnement %d: outside the person's [consent, last activity]", i)
			}
		} else {
			v.value(referentiel.TranchesAge, "tranche_age", a.TrancheAge, false)
			v.value(referentiel.Genres, "genre", a.Genre, false)
			v.value(referentiel.StatutsSociaux, "statut_social", a.StatutSocial, false)
		}
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func hasAnySuffix(s string, suffixes []string) bool {
	for _, p := range suffixes {
		if strings.HasSuffix(s, p) {
			return true
		}
	}
	return false
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
