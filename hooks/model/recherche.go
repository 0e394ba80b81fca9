package model

import (
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/texte"
)

// RegisterRecherche keeps each person's folded search text
// (beneficiaires.recherche, indexed by beneficiaires_recherche) in step
// with their names and contacts, on every save, whatever the path: pages,
// API, the public form (SaveNoValidate runs these hooks too), merges,
// anonymisation.
func RegisterRecherche(app core.App) {
	set := func(e *core.RecordEvent) error {
		SetRecherche(e.Record)
		return e.Next()
	}
	app.OnRecordCreate("beneficiaires").BindFunc(set)
	app.OnRecordUpdate("beneficiaires").BindFunc(set)
}

// SetRecherche writes the person's folded search text; writers that run
// without the application's hooks (test fixtures, synthetic data) call it.
func SetRecherche(r *core.Record) {
	r.Set("recherche", texte.Fiche(r.GetString("prenom"), r.GetString("nom"), r.GetString("email"), r.GetString("telephone")))
}
