package app

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"atelier/hooks/inscriptions"

	"atelier/hooks/model"

	"atelier/hooks/testkit"

	"github.com/pocketbase/dbx"
)

// Registrations decided together in one transaction keep every rule of a
// registration decided alone: exact capacity, consecutive ranks, one
// registration per person, and a refusal for one never fails the others.
func TestConcurrentRegistrationsInBatches(t *testing.T) {
	t.Parallel()
	app := testkit.NewApp(t)
	Register(app, fstest.MapFS{})
	seance, err := app.FindRecordById("seances", testkit.ID(testkit.SeancePubliqueA))
	if err != nil {
		t.Fatal(err)
	}
	seance.Set("capacite", 5)
	if err := app.Save(seance); err != nil {
		t.Fatal(err)
	}
	const people = 60
	var wg sync.WaitGroup
	errs := make([]error, people)
	refused := make([]error, 10)
	for i := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := inscriptions.InscriptionForm{Prenom: "P", Nom: fmt.Sprint("N", i%50), Consentement: true,
				TelephoneNormalise: fmt.Sprintf("+3376%07d", i%50)} // ten people submit twice
			_, errs[i] = inscriptions.Register(app, seance.Id, f, testkit.Now())
		}()
		if i < len(refused) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f := inscriptions.InscriptionForm{Prenom: "R", Nom: "Refusé", Consentement: true, TelephoneNormalise: fmt.Sprintf("+3377%07d", i)}
				_, refused[i] = inscriptions.Register(app, testkit.ID(testkit.SeancePriveeA), f, testkit.Now())
			}()
		}
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("registration %d: %v", i, err)
		}
	}
	for i, err := range refused {
		if !errors.Is(err, model.ErrNotFound) {
			t.Errorf("private session registration %d: got %v, want not found", i, err)
		}
	}
	var confirmed, waiting, maxRank, distinctRanks int
	err = app.DB().NewQuery(`SELECT
			count(*) FILTER (WHERE statut = 'inscrit'),
			count(*) FILTER (WHERE statut = 'liste_attente'),
			coalesce(max(rang_attente), 0),
			count(DISTINCT rang_attente) FILTER (WHERE statut = 'liste_attente')
		FROM inscriptions WHERE seance = {:s}`).Bind(dbx.Params{"s": seance.Id}).Row(&confirmed, &waiting, &maxRank, &distinctRanks)
	if err != nil {
		t.Fatal(err)
	}
	// 50 distinct people plus the fixture's registration
	if confirmed != 5 || waiting != 46 || maxRank != 46 || distinctRanks != 46 {
		t.Errorf("confirmed %d, waiting %d, last rank %d, distinct ranks %d; want 5, 46, 46, 46",
			confirmed, waiting, maxRank, distinctRanks)
	}
}

func TestTokensAreLongRandomAndWellFormed(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	counts := map[rune]int{}
	for range 2000 {
		token := inscriptions.NewToken()
		if len(token) != 43 || strings.Trim(token, inscriptions.TokenAlphabet) != "" {
			t.Fatalf("malformed token %q", token)
		}
		if seen[token] {
			t.Fatalf("token repeated: %q", token)
		}
		seen[token] = true
		for _, r := range token {
			counts[r]++
		}
	}
	// 86 000 characters over 62 symbols: about 1 387 each; a biased
	// alphabet mapping would skew the first symbols well beyond this.
	for _, r := range inscriptions.TokenAlphabet {
		if n := counts[r]; n < 1150 || n > 1650 {
			t.Errorf("symbol %q drawn %d times, expected about 1 387", r, n)
		}
	}
}
