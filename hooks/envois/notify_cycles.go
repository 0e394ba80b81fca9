package envois

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/seances"
)

// NotifyCycleInscription tells the person their registration for a cycle,
// in one message listing every date: rows are their registrations for the
// sessions still to come, in order; the first one's personal link leads to
// the cycle's page (seances.LoadInscriptionPage shows the whole cycle).
func NotifyCycleInscription(app core.App, base string, cycle *core.Record, rows []*core.Record, person *core.Record) {
	if len(rows) == 0 {
		return
	}
	first := rows[0]
	if first.GetString("source") != "public" && CanalPour(PersonneDe(person)) == CanalTelephone {
		return // registered by staff, who were talking with the person
	}
	views := make([]*seances.SeanceView, 0, len(rows))
	for _, r := range rows {
		s, err := describeSeanceOf(app, r)
		if err != nil {
			app.Logger().Error("cycle registration message: load", "inscription", r.Id, "error", err)
			return
		}
		views = append(views, s)
	}
	titre := cycle.GetString("titre")
	event, subject := "confirmation", "Inscription confirmée : "
	intro := []string{"Votre inscription au cycle « " + titre + " » est confirmée, pour toutes ses séances.",
		seances.DescribeCycleDates(views) + "."}
	rang := 0
	if first.GetString("statut") == "liste_attente" {
		var err error
		if rang, err = seances.RangAttente(app, first); err != nil {
			app.Logger().Error("cycle registration message: waiting position", "inscription", first.Id, "error", err)
			return
		}
		event, subject = "liste_attente", "Liste d'attente : "
		intro = []string{fmt.Sprintf("Le cycle « %s » est complet : vous êtes sur liste d'attente (rang %d). Si une place se libère, elle vous sera proposée pour toutes les séances et vous recevrez un message.", titre, rang),
			seances.DescribeCycleDates(views) + "."}
	}
	lien, smsLien := "", ""
	if base != "" {
		lien, smsLien = LienPersonnel(base, first.GetString("jeton")), LienCourt(base, first.GetString("code"), first.GetString("jeton"))
	}
	recap := [][2]string{{"Cycle", titre}}
	for i, s := range views {
		recap = append(recap, [2]string{fmt.Sprintf("Séance %d", i+1),
			frfmt.Date(s.Debut) + ", " + frfmt.Plage(s.Debut, s.Fin) + " (" + frfmt.Duree(s.DureeMinutes) + ")"})
	}
	recap = append(recap, [2]string{"Lieu", views[0].Lieu.Nom + ", " + views[0].Lieu.AdresseComplete()})
	r := SendToPerson(app, PersonneDe(person), Message{
		Structure: views[0].Structure.ID, Evenement: event, Cible: first.Id, Objet: Objet(subject, titre, ""),
		Mail: InscriptionMail{Prenom: person.GetString("prenom"), Lien: lien, Structure: views[0].Structure.Nom, Intro: intro, Recap: recap},
		SMS:  SMSCycle(titre, len(views), views[0], rang, smsLien),
	})
	if r.Err != nil && !r.AAppeler() {
		app.Logger().Error("cycle registration message", "inscription", first.Id, "canal", r.Canal, "error", r.Err)
	}
}

// SMSCycle: registered (or waiting at rang) for a cycle of n sessions,
// the first on s; the personal link lists every date.
func SMSCycle(titre string, n int, s *seances.SeanceView, rang int, lien string) string {
	c := champsDe(s)
	c.Titre = titre
	return fitSMS(func(c smsChamps) string {
		if rang > 0 {
			return fmt.Sprintf("Cycle « %s » complet. Vous êtes sur liste d'attente (rang %d).%s\n%s", c.Titre, rang, suivre(lien), c.Structure)
		}
		return fmt.Sprintf("Inscription confirmée au cycle « %s » : %d séances, la 1re %s, %s.%s\n%s", c.Titre, n, quand(s), c.Lieu, annuler(lien), c.Structure)
	}, c)
}
