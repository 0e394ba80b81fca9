package beneficiaires

import (
	"fmt"
	"strconv"

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
	contacts, err := FindContactDuplicates(app, structure, f.TelephoneNormalise, f.EmailNormalise)
	if err != nil {
		return nil, err
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
	same, err := searchPeople(app, scope, nil, words, false, 20)
	if err != nil {
		return nil, fmt.Errorf("duplicates by name: %w", err)
	}
	for _, h := range same {
		if texte.Plier(h.Prenom+" "+h.Nom) == name {
			add(h, "même nom")
		}
	}
	if year, err := strconv.Atoi(f.AnneeNaissance); err == nil {
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
