package seances

import (
	"testing"
	"time"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
)

// The French reasons, as the public page and the workspace show them.
const (
	publicAnnulee   = "Cette séance est annulée : il n'est plus possible de s'y inscrire."
	publicPassee    = "Cette séance a déjà eu lieu : il n'est plus possible de s'y inscrire."
	publicDelai     = "Les inscriptions en ligne sont closes pour cette séance. Contactez la structure pour savoir s'il reste de la place."
	publicFermee    = "Les inscriptions en ligne ne sont pas ouvertes pour cette séance. Contactez la structure pour vous inscrire."
	equipeAnnulee   = "Cette séance est annulée : on ne peut plus y inscrire personne."
	equipeClose     = "Cette séance est close : ajoutez plutôt la personne sur la feuille de présence."
	equipeCommencee = "La séance a commencé : ajoutez plutôt la personne sur la feuille de présence, comme présente."
)

func TestInscriptionFermee(t *testing.T) {
	now := time.Date(2026, 6, 2, 10, 0, 0, 0, time.UTC)
	const (
		ok       = true
		publique = true
	)
	for _, c := range []struct {
		name              string
		parEquipe         bool
		statut            string
		publique, ouverte bool
		debut             time.Duration // from now
		delai             string        // ATELIER_DELAI_INSCRIPTION
		want              string
	}{
		// Online, on the public form.
		{"online: open", EnLigne, model.SeancePlanifiee, publique, ok, 72 * time.Hour, "", ""},
		{"online: open a minute before the start", EnLigne, model.SeancePlanifiee, publique, ok, time.Minute, "", ""},
		{"online: cancelled", EnLigne, model.SeanceAnnulee, publique, ok, 72 * time.Hour, "", publicAnnulee},
		{"online: cancelled and past", EnLigne, model.SeanceAnnulee, publique, ok, -time.Hour, "", publicAnnulee},
		{"online: realised", EnLigne, model.SeanceRealisee, publique, ok, 72 * time.Hour, "", publicPassee},
		{"online: started now", EnLigne, model.SeancePlanifiee, publique, ok, 0, "", publicPassee},
		{"online: started", EnLigne, model.SeancePlanifiee, publique, ok, -time.Minute, "", publicPassee},
		{"online: within the deadline", EnLigne, model.SeancePlanifiee, publique, ok, time.Hour, "2h", publicDelai},
		{"online: at the deadline", EnLigne, model.SeancePlanifiee, publique, ok, 2 * time.Hour, "120", publicDelai},
		{"online: just before the deadline", EnLigne, model.SeancePlanifiee, publique, ok, 2*time.Hour + time.Minute, "2h", ""},
		{"online: not open online", EnLigne, model.SeancePlanifiee, publique, !ok, 72 * time.Hour, "", publicFermee},
		{"online: not public", EnLigne, model.SeancePlanifiee, !publique, ok, 72 * time.Hour, "", publicFermee},
		{"online: deadline before opening", EnLigne, model.SeancePlanifiee, publique, !ok, time.Hour, "2h", publicDelai},
		// A conseiller, in the workspace.
		{"staff: open", ParEquipe, model.SeancePlanifiee, publique, ok, 72 * time.Hour, "", ""},
		{"staff: not public nor open online", ParEquipe, model.SeancePlanifiee, !publique, !ok, 72 * time.Hour, "", ""},
		{"staff: within the online deadline", ParEquipe, model.SeancePlanifiee, publique, ok, time.Hour, "2h", ""},
		{"staff: cancelled", ParEquipe, model.SeanceAnnulee, publique, ok, 72 * time.Hour, "", equipeAnnulee},
		{"staff: cancelled and past", ParEquipe, model.SeanceAnnulee, !publique, ok, -time.Hour, "", equipeAnnulee},
		{"staff: realised", ParEquipe, model.SeanceRealisee, publique, ok, -time.Hour, "", equipeClose},
		{"staff: started now", ParEquipe, model.SeancePlanifiee, publique, ok, 0, "", equipeCommencee},
		{"staff: started", ParEquipe, model.SeancePlanifiee, !publique, !ok, -time.Minute, "", equipeCommencee},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("ATELIER_DELAI_INSCRIPTION", c.delai)
			debut := now.Add(c.debut)
			if got := InscriptionFermee(c.statut, c.publique, c.ouverte, debut, now, c.parEquipe); got != c.want {
				t.Errorf("InscriptionFermee(%q, publique %v, ouverte %v, start %v, staff %v) = %q, want %q",
					c.statut, c.publique, c.ouverte, c.debut, c.parEquipe, got, c.want)
			}
			if c.parEquipe == EnLigne {
				view := SeanceView{Statut: c.statut, Publique: c.publique, InscriptionsOuvertes: c.ouverte, Debut: debut}
				if got := view.InscriptionClosedReason(now); got != c.want {
					t.Errorf("SeanceView.RegistrationClosedReason = %q, want %q", got, c.want)
				}
			}
		})
	}
}

func TestPresencesFermees(t *testing.T) {
	paris := frfmt.Location("Europe/Paris")
	debut := time.Date(2026, 6, 2, 14, 0, 0, 0, paris)
	pasCommencee := "La séance n'a pas encore commencé : la feuille de présence s'ouvre à son début, le mardi 2 juin 2026 à 14\u00a0h."
	annulee := "Cette séance est annulée : il n'y a pas de présence à noter."
	for _, c := range []struct {
		name   string
		statut string
		now    time.Duration // from the start
		want   string
	}{
		{"planned, before the start", model.SeancePlanifiee, -time.Minute, pasCommencee},
		{"planned, at the start", model.SeancePlanifiee, 0, ""},
		{"planned, started", model.SeancePlanifiee, 3 * time.Hour, ""},
		{"realised: still corrected", model.SeanceRealisee, 48 * time.Hour, ""},
		{"cancelled, past", model.SeanceAnnulee, time.Hour, annulee},
		{"cancelled, ahead", model.SeanceAnnulee, -time.Hour, annulee},
	} {
		t.Run(c.name, func(t *testing.T) {
			now := debut.Add(c.now).UTC() // the clock's zone does not matter
			if got := PresencesFermees(c.statut, debut, now); got != c.want {
				t.Errorf("PresencesFermees(%q, now = start %+v) = %q, want %q", c.statut, c.now, got, c.want)
			}
		})
	}
}

func TestRegistrationDeadline(t *testing.T) {
	for raw, want := range map[string]time.Duration{
		"": 0, "120": 2 * time.Hour, "90m": 90 * time.Minute, "2h": 2 * time.Hour, "-5": 0, "-1h": 0, "bientôt": 0,
	} {
		t.Setenv("ATELIER_DELAI_INSCRIPTION", raw)
		if got := InscriptionDeadline(); got != want {
			t.Errorf("ATELIER_DELAI_INSCRIPTION=%q: deadline %v, want %v", raw, got, want)
		}
	}
}
