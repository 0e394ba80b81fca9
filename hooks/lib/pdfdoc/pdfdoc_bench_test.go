package pdfdoc_test

import (
	"fmt"
	"sync"
	"testing"

	"atelier/hooks/lib/pdfdoc"
)

// Goal: one attestation in under 10 ms. make bench reports the
// median of these with a baseline measured in the same run.

func oneAttestation() pdfdoc.AttestationData {
	return pdfdoc.AttestationData{Structure: structure(), Zone: "Europe/Paris", Participants: []pdfdoc.Participant{
		participant("Hélène Dupré-Lefèvre", "ATL-BNCH-MARK-0001", seance("Protéger ses comptes", 0, 120), seance("Mon espace santé", 1, 90)),
	}}
}

func bulkAttestation(n int) pdfdoc.AttestationData {
	data := pdfdoc.AttestationData{Structure: structure(), Zone: "Europe/Paris"}
	for i := range n {
		data.Participants = append(data.Participants, participant(fmt.Sprintf("Personne %02d Dupont", i), fmt.Sprintf("ATL-BULK-%04d-BNCH", i),
			seance("Protéger ses comptes", 0, 120)))
	}
	return data
}

func BenchmarkAttestation(b *testing.B) {
	data := oneAttestation()
	for b.Loop() {
		if _, err := pdfdoc.Attestation(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAttestationBulk30(b *testing.B) {
	data := bulkAttestation(30)
	for b.Loop() {
		if _, err := pdfdoc.Attestation(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFeuilleEmargement30(b *testing.B) {
	data := feuille(30)
	for b.Loop() {
		if _, err := pdfdoc.FeuilleEmargement(data); err != nil {
			b.Fatal(err)
		}
	}
}

// The fonts are parsed once and shared: documents drawn at the same time
// (two conseillers downloading together) must not share mutable state.
func TestDocumentsDrawnConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			var err error
			if i%2 == 0 {
				_, err = pdfdoc.Attestation(bulkAttestation(3))
			} else {
				_, err = pdfdoc.FeuilleEmargement(feuille(20))
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
