package seances

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
)

// Chevauchement is another planned session at an overlapping time, in the
// same place or with one of the same animateurs: staff are warned, with a
// link to it, and confirm if it is meant (two rooms share an address, a
// colleague covers).
type Chevauchement struct {
	ID, Titre, Raison string
	Debut             time.Time
}

// CheckChevauchements finds the sessions that overlap the form's starts
// (except the session being edited, exclude) and, unless staff confirmed,
// returns the message for the date field.
func (f *SeanceForm) CheckChevauchements(app core.App, exclude string) (formulaire.Erreurs, error) {
	f.Chevauchements = nil
	for _, start := range f.Starts {
		found, err := chevauchements(app, f, start, exclude)
		if err != nil {
			return nil, err
		}
		f.Chevauchements = append(f.Chevauchements, found...)
	}
	if len(f.Chevauchements) == 0 || f.ConfirmeChevauchement {
		return nil, nil
	}
	return formulaire.Erreurs{"date": frfmt.Pluriel(len(f.Chevauchements), "Une autre séance a lieu en même temps",
		strconv.Itoa(len(f.Chevauchements))+" autres séances ont lieu en même temps") +
		" au même endroit ou avec le même animateur (voir ci-dessous). Changez la date ou l'heure, ou cochez « Planifier quand même »."}, nil
}

func chevauchements(app core.App, f *SeanceForm, start time.Time, exclude string) ([]Chevauchement, error) {
	end := start.Add(time.Duration(f.dureeMinutes) * time.Minute)
	params := dbx.Params{"lieu": f.Lieu, "debut": model.DBDate(start), "fin": model.DBDate(end), "exclude": exclude}
	same := []string{"s.lieu = {:lieu}"}
	if len(f.Animateurs) > 0 {
		var names []string
		for i, id := range f.Animateurs {
			name := fmt.Sprintf("a%d", i)
			params[name] = id
			names = append(names, "{:"+name+"}")
		}
		same = append(same, "EXISTS (SELECT 1 FROM json_each(s.animateurs) j WHERE j.value IN ("+strings.Join(names, ", ")+"))")
	}
	var rows []struct {
		ID    string `db:"id"`
		Titre string `db:"titre"`
		Debut string `db:"debut"`
		Lieu  string `db:"lieu"`
	}
	err := app.DB().NewQuery(`SELECT s.id, a.titre, s.debut, s.lieu FROM seances s JOIN ateliers a ON a.id = s.atelier
		WHERE s.statut = '` + model.SeancePlanifiee + `' AND s.id != {:exclude} AND s.debut < {:fin} AND s.fin > {:debut}
		AND (` + strings.Join(same, " OR ") + `) ORDER BY s.debut LIMIT 20`).Bind(params).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("overlapping sessions: %w", err)
	}
	loc := start.Location()
	out := make([]Chevauchement, 0, len(rows))
	for _, r := range rows {
		raison := "même animateur"
		if r.Lieu == f.Lieu {
			raison = "même lieu"
		}
		out = append(out, Chevauchement{ID: r.ID, Titre: r.Titre, Raison: raison, Debut: model.ParseDBDate(r.Debut).In(loc)})
	}
	return out, nil
}
