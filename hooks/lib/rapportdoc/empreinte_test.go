package rapportdoc

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The fingerprint follows what the report prints, not when it was made,
// and survives the database's [] for an empty list.
func TestEmpreinte(t *testing.T) {
	base := func() *Snapshot {
		return &Snapshot{Version: Version, Structure: "Médiathèque Alpha", Mois: "2026-10", Fuseau: "Europe/Paris",
			GenereLe: time.Date(2026, 11, 1, 5, 0, 0, 0, time.UTC),
			Chiffres: []Chiffre{{Cle: "participants", Libelle: "Participants", Sorte: SorteNombre, Valeur: f(3)}}}
	}
	fp := func(s *Snapshot) string {
		t.Helper()
		e, err := s.Empreinte()
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	want := fp(base())
	later := base()
	later.GenereLe, later.Provisoire = later.GenereLe.Add(48*time.Hour), true
	if fp(later) != want {
		t.Error("the time of making or the provisional flag changed the fingerprint")
	}
	stored := strings.Replace(mustJSON(t, base()), `"seances":null`, `"seances":[]`, 1)
	if !strings.Contains(stored, `"seances":[]`) {
		t.Fatalf("no empty list in %s", stored)
	}
	var back Snapshot
	if err := json.Unmarshal([]byte(stored), &back); err != nil {
		t.Fatal(err)
	}
	if fp(&back) != want {
		t.Error("a snapshot read back from the database has another fingerprint")
	}
	changed := base()
	changed.Chiffres[0].Valeur = f(4)
	if fp(changed) == want {
		t.Error("another figure gives the same fingerprint")
	}
	held := base()
	held.Seances = []Seance{{Debut: time.Date(2026, 10, 6, 7, 0, 0, 0, time.UTC), Atelier: "Atelier", Participants: 1}}
	if fp(held) == want {
		t.Error("a session held gives the same fingerprint")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
