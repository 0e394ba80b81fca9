package beneficiaires

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/texte"
)

// DoublonsPossibles lists the structure's people that a person about to be
// created may already be: the same phone or e-mail, the same name (folded:
// accents, case and hyphens do not count), or a name one typo away with the
// same birth year. Staff then open the existing record (« C'est cette
// personne ») or create anyway (a relative sharing a phone).
func DoublonsPossibles(app core.App, structure string, f *BeneficiaireForm) ([]LikelyDuplicate, error) {
	return doublonsPossibles(app, structure, f, nil)
}

// indiceDoublons is what a structure's people hold, read once for many
// searches (an import): a search that cannot find anyone is not run. It
// only skips searches; what is found is DoublonsPossibles' own answer.
type indiceDoublons struct {
	telephones, emails, noms map[string]bool
	annees                   map[int]bool
}

func newIndiceDoublons(app core.App, structure string) (*indiceDoublons, error) {
	var rows []struct {
		Prenom, Nom, Telephone, Email string
		Annee                         int `db:"annee_naissance"`
	}
	err := app.DB().Select("prenom", "nom", "telephone", "email", "annee_naissance").From("beneficiaires").
		Where(dbx.And(dbx.HashExp{"structure": structure}, dbx.NewExp("anonymise = false AND fusionne_vers = ''"))).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("people of %s: %w", structure, err)
	}
	ix := &indiceDoublons{telephones: map[string]bool{}, emails: map[string]bool{}, noms: map[string]bool{}, annees: map[int]bool{}}
	for _, r := range rows {
		ix.telephones[r.Telephone] = true
		ix.emails[strings.ToLower(r.Email)] = true
		ix.noms[texte.Plier(r.Prenom+" "+r.Nom)] = true
		ix.annees[r.Annee] = true
	}
	return ix, nil
}

func (ix *indiceDoublons) contact(f *BeneficiaireForm) bool {
	return ix == nil || (f.TelephoneNormalise != "" && ix.telephones[f.TelephoneNormalise]) ||
		(f.EmailNormalise != "" && ix.emails[strings.ToLower(f.EmailNormalise)])
}

func (ix *indiceDoublons) nom(name string) bool { return ix == nil || ix.noms[name] }

func (ix *indiceDoublons) annee(year int) bool { return ix == nil || ix.annees[year] }

func doublonsPossibles(app core.App, structure string, f *BeneficiaireForm, ix *indiceDoublons) ([]LikelyDuplicate, error) {
	var out []LikelyDuplicate
	index := map[string]int{}
	add := func(h BeneficiaireHit, why string) {
		if i, ok := index[h.ID]; ok {
			out[i].Raisons = append(out[i].Raisons, why)
			return
		}
		index[h.ID] = len(out)
		out = append(out, LikelyDuplicate{BeneficiaireHit: h, Raisons: []string{why}})
	}
	var contacts []BeneficiaireHit
	if ix.contact(f) {
		var err error
		if contacts, err = FindContactDuplicates(app, structure, f.TelephoneNormalise, f.EmailNormalise); err != nil {
			return nil, err
		}
	}
	for _, h := range contacts {
		if f.TelephoneNormalise != "" && h.Telephone == f.TelephoneNormalise {
			add(h, "même téléphone")
		} else {
			add(h, "même e-mail")
		}
	}
	scope := func(prefix string) dbx.Expression { return dbx.HashExp{prefix + "structure": structure} }
	name := texte.Plier(f.Prenom + " " + f.Nom)
	words := texte.MotsRecherche(name, maxMotsRecherche)
	if ix.nom(name) {
		same, err := searchPeople(app, scope, nil, words, false, 20)
		if err != nil {
			return nil, fmt.Errorf("duplicates by name: %w", err)
		}
		for _, h := range same {
			if texte.Plier(h.Prenom+" "+h.Nom) == name {
				add(h, "même nom")
			}
		}
	}
	if year, err := strconv.Atoi(f.AnneeNaissance); err == nil && ix.annee(year) {
		close, err := searchPeople(app, scope, dbx.HashExp{"b.annee_naissance": year}, words, true, 20)
		if err != nil {
			return nil, fmt.Errorf("duplicates by close name: %w", err)
		}
		for _, h := range close {
			if _, seen := index[h.ID]; !seen {
				add(h, "nom proche, même année de naissance")
			}
		}
	}
	return out, nil
}
