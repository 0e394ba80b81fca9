package synth

import (
	"fmt"
	"math/rand/v2"
	"time"

	"atelier/hooks/lib/referentiel"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// HistorySizes is the past activity History adds to one structure.
type HistorySizes struct {
	Seances         int // held sessions over the past 330 days (inside the 12-month series)
	ParSeance       int // registrations per session, each of a new person
	Accompagnements int // one-to-one help over the past 330 days
}

// History adds past activity to an existing structure (one made by Load,
// with its place and advisor), for the statistics benchmarks: held
// sessions with their registrations (mostly present, some absent, some
// still waiting), the reminders they were sent, and walk-ins, and one-to-one help, half of it with one of
// the registered people. People get a birth year, gender, status and
// commune, so every breakdown has something to count.
func History(app core.App, structureID string, sizes HistorySizes, now time.Time) (Summary, error) {
	var summary Summary
	err := app.RunInTransaction(func(tx core.App) error {
		b := &builder{app: tx, now: now, rng: rand.New(rand.NewPCG(3, 4)), collections: map[string]*core.Collection{}}
		if err := b.history(structureID, sizes); err != nil {
			return err
		}
		summary = b.summary
		return nil
	})
	if err != nil {
		return Summary{}, fmt.Errorf("synthetic history: %w", err)
	}
	return summary, nil
}

var communes = []string{"Poitiers", "Buxerolles", "Migné-Auxances", "Chasseneuil-du-Poitou", "Saint-Benoît",
	"Ligugé", "Vouneuil-sous-Biard", "Fontaine-le-Comte"}

func (b *builder) history(structureID string, s HistorySizes) error {
	lieu, err := b.app.FindFirstRecordByFilter("lieux", "structure = {:s}", dbx.Params{"s": structureID})
	if err != nil {
		return fmt.Errorf("a place of the structure is needed: %w", err)
	}
	conseiller, err := b.app.FindFirstRecordByFilter("utilisateurs", "structures ~ {:s} && role = 'conseiller'", dbx.Params{"s": structureID})
	if err != nil {
		return fmt.Errorf("an advisor of the structure is needed: %w", err)
	}
	ateliers, err := b.app.FindAllRecords("ateliers", dbx.NewExp("structure = '' AND actif = true"))
	if err != nil || len(ateliers) == 0 {
		return fmt.Errorf("the seeded catalogue is needed: %v", err)
	}
	b.ateliers = ateliers
	var people []string
	for i := range s.Seances {
		ids, err := b.heldSession(structureID, lieu.Id, conseiller.Id, i, s.ParSeance)
		if err != nil {
			return err
		}
		people = append(people, ids...)
	}
	for i := range s.Accompagnements {
		if err := b.pastHelp(structureID, conseiller.Id, i, people); err != nil {
			return err
		}
	}
	return nil
}

// heldSession adds a closed session in the past 12 months and its
// registrations; it returns the new people's ids.
func (b *builder) heldSession(structureID, lieuID, conseillerID string, i, n int) ([]string, error) {
	atelier := b.ateliers[i%len(b.ateliers)]
	day := b.now.AddDate(0, 0, -1-b.rng.IntN(330))
	debut := time.Date(day.Year(), day.Month(), day.Day(), []int{8, 13}[i%2], 0, 0, 0, time.UTC)
	seance, err := b.save("seances", map[string]any{
		"atelier": atelier.Id, "structure": structureID, "lieu": lieuID, "animateurs": []string{conseillerID},
		"debut": b.datetime(debut), "fin": b.datetime(debut.Add(time.Duration(atelier.GetInt("duree_minutes")) * time.Minute)),
		"capacite": max(atelier.GetInt("capacite_defaut"), n), "statut": "realisee", "publique": false,
		"participants_anonymes": b.rng.IntN(3),
	})
	if err != nil {
		return nil, err
	}
	b.summary.Seances++
	ids := make([]string, 0, n)
	for k := range n {
		person, err := b.save("beneficiaires", map[string]any{
			"structure": structureID, "prenom": "Claude", "nom": fmt.Sprintf("Historique %d-%d", i, k),
			"annee_naissance": 1940 + b.rng.IntN(70), "genre": pick(b.rng, referentiel.Genres.Values()),
			"statut_social": pick(b.rng, referentiel.StatutsSociaux.Values()), "commune": pick(b.rng, communes),
		})
		if err != nil {
			return nil, err
		}
		b.summary.Beneficiaires++
		statut, rang := "present", 0
		switch r := b.rng.IntN(10); {
		case r == 0:
			statut, rang = "liste_attente", 1
		case r < 3:
			statut = "absent"
		}
		inscription, err := b.save("inscriptions", map[string]any{"seance": seance.Id, "beneficiaire": person.Id,
			"statut": statut, "source": "public", "rang_attente": rang})
		if err != nil {
			return nil, err
		}
		b.summary.Inscriptions++
		if err := b.reminder(structureID, inscription.Id, statut, debut, i*n+k); err != nil {
			return nil, err
		}
		ids = append(ids, person.Id)
	}
	return ids, nil
}

// reminder records the reminder a registration holding a place received
// two days before, as the reminder job does: by e-mail for most, by SMS for
// some, none for a few (the rng is left alone so that the rest of the data
// set stays the same).
func (b *builder) reminder(structureID, inscription, statut string, debut time.Time, k int) error {
	if statut == "liste_attente" || k%7 == 6 {
		return nil
	}
	canal, destinataire := "email", "historique@synth.test"
	if k%7 >= 4 {
		canal, destinataire = "sms", "+33600000000"
	}
	_, err := b.save("envois", map[string]any{"structure": structureID, "canal": canal, "destinataire": destinataire,
		"objet": "Rappel", "evenement": "rappel", "cible": inscription, "statut": "envoye",
		"envoye_le": b.datetime(debut.AddDate(0, 0, -2)), "tentatives": 1})
	return err
}

func (b *builder) pastHelp(structureID, conseillerID string, i int, people []string) error {
	fields := map[string]any{
		"conseiller": conseillerID, "structure": structureID,
		"date":          b.datetime(b.now.AddDate(0, 0, -b.rng.IntN(330))),
		"duree_minutes": []int{15, 30, 45, 60, 90, 120}[b.rng.IntN(6)],
		"type_lieu":     pick(b.rng, referentiel.TypesLieu.Values()),
		"thematiques":   twoThemes(b.rng),
		"materiel":      []string{pick(b.rng, referentiel.Materiels.Values())},
		"demarche":      "",
	}
	if len(people) > 0 && i%2 == 0 {
		fields["beneficiaire"] = people[b.rng.IntN(len(people))]
	} else {
		fields["tranche_age"] = pick(b.rng, referentiel.TranchesAge.Values())
		fields["genre"] = pick(b.rng, referentiel.Genres.Values())
		fields["statut_social"] = pick(b.rng, referentiel.StatutsSociaux.Values())
	}
	if _, err := b.save("accompagnements", fields); err != nil {
		return err
	}
	b.summary.Accompagnements++
	return nil
}

// twoThemes picks two different themes.
func twoThemes(rng *rand.Rand) []string {
	values := referentiel.Thematiques.Values()
	k := rng.IntN(len(values))
	return []string{values[k], values[(k+1+rng.IntN(len(values)-1))%len(values)]}
}
