package seances

import "testing"

// How full a session is: one table for the rule and for every view that
// shows it (public page and cards, workspace).
func TestPlacesRestantes(t *testing.T) {
	for _, c := range []struct {
		name                                  string
		capacite, inscrits, presents, attente int
		want                                  int
	}{
		{"empty", 8, 0, 0, 0, 8},
		{"one left", 8, 7, 0, 0, 1},
		{"one left, counting the present", 8, 4, 3, 2, 1},
		{"full", 8, 8, 0, 5, 0},
		{"full with present people", 8, 2, 6, 0, 0},
		{"over capacity is never negative", 8, 9, 1, 0, 0},
		{"no capacity", 0, 0, 0, 0, 0},
		{"waiting people take no place", 3, 1, 0, 40, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := Effectifs{Inscrits: c.inscrits, Presents: c.presents, EnAttente: c.attente, Absents: 4}
			if got := e.Prises(); got != c.inscrits+c.presents {
				t.Errorf("Effectifs.Prises() = %d, want %d (inscrit + present only)", got, c.inscrits+c.presents)
			}
			if got := PlacesRestantes(c.capacite, e.Prises()); got != c.want {
				t.Errorf("PlacesRestantes(%d, %d) = %d, want %d", c.capacite, e.Prises(), got, c.want)
			}
			full := c.want == 0
			view := SeanceView{Capacite: c.capacite, Occupees: e.Prises(), EnAttente: c.attente}
			if view.PlacesRestantes() != c.want || view.Complet() != full {
				t.Errorf("SeanceView: %d left, full %v; want %d, %v", view.PlacesRestantes(), view.Complet(), c.want, full)
			}
			card := seanceCard{Capacite: c.capacite, Occupees: e.Prises()}
			if card.PlacesRestantes() != c.want || card.Complet() != full {
				t.Errorf("seanceCard: %d left, full %v; want %d, %v", card.PlacesRestantes(), card.Complet(), c.want, full)
			}
			staff := &StaffSeance{Capacite: c.capacite, Inscrits: c.inscrits, Presents: c.presents, EnAttente: c.attente, Absents: 4}
			if staff.PlacesRestantes() != c.want || staff.PlacesPrises() != c.inscrits+c.presents {
				t.Errorf("StaffSeance: %d left, %d taken; want %d, %d", staff.PlacesRestantes(), staff.PlacesPrises(), c.want, c.inscrits+c.presents)
			}
		})
	}
}

// The SQL used by the home page, the dashboard and the public registration
// counts the same statuses as Effectifs.Prises.
func TestPlacesSQL(t *testing.T) {
	if got, want := PlacesPrisesSQL("s.id"),
		"(SELECT count(*) FROM inscriptions i WHERE i.seance = s.id AND i.statut IN ('inscrit', 'present'))"; got != want {
		t.Errorf("PlacesPrisesSQL(s.id) =\n%s\nwant\n%s", got, want)
	}
	if got, want := PlacesPrisesSQL("{:id}"),
		"(SELECT count(*) FROM inscriptions i WHERE i.seance = {:id} AND i.statut IN ('inscrit', 'present'))"; got != want {
		t.Errorf("PlacesPrisesSQL({:id}) =\n%s\nwant\n%s", got, want)
	}
	if got, want := EnAttenteSQL("s.id"),
		"(SELECT count(*) FROM inscriptions i WHERE i.seance = s.id AND i.statut = 'liste_attente')"; got != want {
		t.Errorf("EnAttenteSQL(s.id) =\n%s\nwant\n%s", got, want)
	}
}
