package statistiques

import (
	"fmt"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/stats"
	"atelier/hooks/model"
)

// The statistics loader: it reads the activity of some structures from the
// database into the plain structs of hooks/lib/stats, which does the counting.
// Four queries whatever the size (structures, sessions with their
// workshop and place, their registrations with the people's attributes,
// one-to-one help with theirs) plus one for the advisors' names, every one
// scoped by the structure ids as bound parameters and served by the
// (structure, date) indexes.
//
// Callers:
//
//	f := stats.Filtre{Periode: stats.Mois(2026, time.October)}
//	d, err := LoadStatsData(app, []string{structureID}, f.Etendue())
//	r := stats.Calculer(d, f)           // or stats.Mensuel(d, structureID, 2026, time.October)
//	x := NewActivityExport(d, f, by, now, nil) // for WriteActivitiesXLSX / WriteActivitiesCSV
//
// Access is the caller's business: the structure ids must be ones the
// person may see (staffStatsStructures), as this reads people's
// attributes (never their names) to count them.

// LoadStatsData reads every session and one-to-one help of the given
// structures whose day falls in p in the structure's time zone. Days are
// civil days: the SQL range is widened by a day on each side (zones run
// from UTC−12 to UTC+14) and the engine keeps exactly the period.
func LoadStatsData(app core.App, structures []string, p stats.Periode) (*stats.Donnees, error) {
	d := &stats.Donnees{Structures: map[string]stats.Structure{}}
	if len(structures) == 0 {
		return d, nil
	}
	ids := make([]any, len(structures))
	for i, id := range structures {
		ids[i] = id
	}
	if err := loadStatsStructures(app, d, ids); err != nil {
		return nil, err
	}
	from := model.DBDate(p.Du.AjouterJours(-1).Time())
	to := model.DBDate(p.Au.AjouterJours(2).Time())
	names := map[string]string{} // staff ids whose names the exports print
	if err := loadStatsSeances(app, d, ids, from, to, names); err != nil {
		return nil, err
	}
	if err := loadStatsAccompagnements(app, d, ids, from, to, names); err != nil {
		return nil, err
	}
	if err := loadStatsSuivis(app, d, ids, from, to); err != nil {
		return nil, err
	}
	return d, nameStatsStaff(app, d, names)
}

func loadStatsStructures(app core.App, d *stats.Donnees, ids []any) error {
	rows, err := app.DB().Select("id", "nom", "fuseau", "adresse", "code_postal", "commune", "code_insee").
		From("structures").Where(dbx.In("id", ids...)).Build().Rows()
	if err != nil {
		return fmt.Errorf("statistics structures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s stats.Structure
		var fuseau string
		if err := rows.Scan(&s.ID, &s.Nom, &fuseau, &s.Adresse.Adresse, &s.Adresse.CodePostal, &s.Adresse.Commune, &s.Adresse.CodeInsee); err != nil {
			return fmt.Errorf("statistics structures: %w", err)
		}
		s.Fuseau = frfmt.Location(fuseau)
		s.Adresse.Nom = s.Nom
		d.Structures[s.ID] = s
	}
	return rows.Err()
}

// loadStatsSeances reads the sessions, then their registrations in one
// query joined on the same sessions.
func loadStatsSeances(app core.App, d *stats.Donnees, ids []any, from, to string, names map[string]string) error {
	where := dbx.And(dbx.In("s.structure", ids...), dbx.NewExp("s.debut >= {:from} AND s.debut < {:to}", dbx.Params{"from": from, "to": to}))
	rows, err := app.DB().Select("s.id", "s.structure", "s.debut", "s.fin", "s.statut", "CAST(s.capacite AS INTEGER)",
		"CAST(s.participants_anonymes AS INTEGER)", "s.animateurs", "a.titre", "a.niveau", "a.besoin", "a.thematiques", "a.materiel",
		"l.nom", "l.adresse", "l.code_postal", "l.commune", "l.code_insee", "s.created", "s.updated").
		From("seances s").
		InnerJoin("ateliers a", dbx.NewExp("a.id = s.atelier")).
		InnerJoin("lieux l", dbx.NewExp("l.id = s.lieu")).
		Where(where).OrderBy("s.debut", "s.id").Build().Rows()
	if err != nil {
		return fmt.Errorf("statistics sessions: %w", err)
	}
	index := map[string]int{}
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var s stats.Seance
			var debut, fin, animateurs, thematiques, materiel, cree, modifie string
			if err := rows.Scan(&s.ID, &s.Structure, &debut, &fin, &s.Statut, &s.Capacite, &s.ParticipantsAnonymes, &animateurs,
				&s.Atelier, &s.Niveau, &s.Besoin, &thematiques, &materiel,
				&s.Lieu.Nom, &s.Lieu.Adresse, &s.Lieu.CodePostal, &s.Lieu.Commune, &s.Lieu.CodeInsee, &cree, &modifie); err != nil {
				return err
			}
			s.Debut, s.Fin = model.ParseDBTime(debut), model.ParseDBTime(fin)
			s.Enregistre, s.Modifie = model.ParseDBTime(cree), model.ParseDBTime(modifie)
			s.Thematiques, s.Materiel = model.JSONList(thematiques), model.JSONList(materiel)
			s.Animateurs = model.JSONList(animateurs) // ids for now: named by nameStatsStaff
			for _, id := range s.Animateurs {
				names[id] = ""
			}
			index[s.ID] = len(d.Seances)
			d.Seances = append(d.Seances, s)
		}
		return rows.Err()
	}()
	if err != nil {
		return fmt.Errorf("statistics sessions: %w", err)
	}
	if len(d.Seances) == 0 {
		return nil
	}
	return loadStatsInscriptions(app, d, where, index)
}

// loadStatsInscriptions reads the registrations of the sessions of where.
// A registration "was on the waiting list" when the server recorded a
// waiting-list or promotion message for it (envois.cible, indexed); its
// reminder is the channel of the reminder sent to it, from the same index,
// in the same query. The reminder job sends one per registration
// (rappel_envoye_le claims it), so no ORDER BY: sorting for each row
// cost half the query again. The unary + keeps SQLite on the cible index:
// left to itself it chose the statut index, reading every message sent
// for each registration (the query grew with the square of the instance:
// 100 s for the overview of 500 structures).
func loadStatsInscriptions(app core.App, d *stats.Donnees, where dbx.Expression, index map[string]int) error {
	rows, err := app.DB().Select("i.seance", "i.statut",
		"EXISTS (SELECT 1 FROM envois e WHERE e.cible = i.id AND e.evenement IN ('liste_attente', 'promotion', 'offre_place'))",
		"coalesce((SELECT e.canal FROM envois e WHERE e.cible = i.id AND +e.evenement = 'rappel' AND +e.statut = 'envoye' LIMIT 1), '')",
		"b.id", "CAST(b.annee_naissance AS INTEGER)", "b.genre", "b.statut_social", "b.commune", "b.code_postal", "b.code_insee").
		From("inscriptions i").
		InnerJoin("seances s", dbx.NewExp("s.id = i.seance")).
		InnerJoin("beneficiaires b", dbx.NewExp("b.id = i.beneficiaire")).
		Where(where).Build().Rows()
	if err != nil {
		return fmt.Errorf("statistics registrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var seance string
		var i stats.Inscription
		p := &i.Personne
		if err := rows.Scan(&seance, &i.Statut, &i.EtaitEnAttente, &i.Rappel, &p.ID, &p.AnneeNaissance, &p.Genre, &p.StatutSocial,
			&p.Commune, &p.CodePostal, &p.CodeInsee); err != nil {
			return fmt.Errorf("statistics registrations: %w", err)
		}
		if k, ok := index[seance]; ok {
			d.Seances[k].Inscriptions = append(d.Seances[k].Inscriptions, i)
		}
	}
	return rows.Err()
}

func loadStatsAccompagnements(app core.App, d *stats.Donnees, ids []any, from, to string, names map[string]string) error {
	rows, err := app.DB().Select("a.id", "a.structure", "a.date", "CAST(a.duree_minutes AS INTEGER)", "a.type_lieu",
		"a.thematiques", "a.materiel", "a.autonomie", "a.demarche", "a.oriente", "a.structure_redirection",
		"a.commune", "a.code_postal", "a.code_insee", "a.tranche_age", "a.genre", "a.statut_social", "a.conseiller",
		"a.created", "a.updated", "coalesce(b.id, '')", "coalesce(CAST(b.annee_naissance AS INTEGER), 0)", "coalesce(b.genre, '')",
		"coalesce(b.statut_social, '')", "coalesce(b.commune, '')", "coalesce(b.code_postal, '')", "coalesce(b.code_insee, '')",
		"a.thematiques_demarche", "a.premier_accompagnement",
		"(SELECT coalesce(json_group_array(e.nom), '[]') FROM json_each(CASE WHEN json_valid(a.etiquettes) THEN a.etiquettes ELSE '[]' END) t JOIN etiquettes e ON e.id = t.value AND e.structure != '')").
		From("accompagnements a").
		LeftJoin("beneficiaires b", dbx.NewExp("b.id = a.beneficiaire AND a.beneficiaire != ''")).
		Where(dbx.And(dbx.In("a.structure", ids...), dbx.NewExp("a.date >= {:from} AND a.date < {:to}", dbx.Params{"from": from, "to": to}))).
		OrderBy("a.date", "a.id").Build().Rows()
	if err != nil {
		return fmt.Errorf("statistics help: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a stats.Accompagnement
		var date, thematiques, materiel, cree, modifie, demarches, etiquettes string
		var p stats.Personne
		if err := rows.Scan(&a.ID, &a.Structure, &date, &a.DureeMinutes, &a.TypeLieu, &thematiques, &materiel, &a.Autonomie,
			&a.Demarche, &a.Oriente, &a.StructureRedirection, &a.Commune, &a.CodePostal, &a.CodeInsee,
			&a.TrancheAge, &a.Genre, &a.StatutSocial, &a.Conseiller, &cree, &modifie,
			&p.ID, &p.AnneeNaissance, &p.Genre, &p.StatutSocial, &p.Commune, &p.CodePostal, &p.CodeInsee,
			&demarches, &a.Premier, &etiquettes); err != nil {
			return fmt.Errorf("statistics help: %w", err)
		}
		// Only the structure's tags: a conseiller's own tag is theirs alone,
		// and these figures go to référents, coordinateurs and shared links.
		a.ThematiquesDemarche, a.Etiquettes = model.JSONList(demarches), model.JSONList(etiquettes)
		slices.Sort(a.Etiquettes)
		a.Date = model.ParseDBTime(date)
		a.Enregistre, a.Modifie = model.ParseDBTime(cree), model.ParseDBTime(modifie)
		a.Thematiques, a.Materiel = model.JSONList(thematiques), model.JSONList(materiel)
		if p.ID != "" {
			a.Personne = &p
		}
		names[a.Conseiller] = ""
		d.Accompagnements = append(d.Accompagnements, a)
	}
	return rows.Err()
}

// nameStatsStaff replaces the advisors' ids by their names (staff names
// are not personal data of beneficiaries: exports print them).
func nameStatsStaff(app core.App, d *stats.Donnees, names map[string]string) error {
	if len(names) == 0 {
		return nil
	}
	ids := make([]any, 0, len(names))
	for id := range names {
		ids = append(ids, id)
	}
	rows, err := app.DB().Select("id", "prenom", "nom").From("utilisateurs").Where(dbx.In("id", ids...)).Build().Rows()
	if err != nil {
		return fmt.Errorf("statistics staff names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, prenom, nom string
		if err := rows.Scan(&id, &prenom, &nom); err != nil {
			return fmt.Errorf("statistics staff names: %w", err)
		}
		names[id] = prenom + " " + nom
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("statistics staff names: %w", err)
	}
	for i := range d.Seances {
		for k, id := range d.Seances[i].Animateurs {
			d.Seances[i].Animateurs[k] = names[id]
		}
	}
	for i := range d.Accompagnements {
		d.Accompagnements[i].Conseiller = names[d.Accompagnements[i].Conseiller]
	}
	return nil
}
