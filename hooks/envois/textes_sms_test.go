package envois

import (
	"strings"
	"testing"
	"time"

	"atelier/hooks/lib/sms"
	"atelier/hooks/seances"
)

// A personal link as messages carry it: the Application URL and a 43-character token.
const lienTest = "https://atelier.mairie-exemple.fr/inscription/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg"

func seanceSMS(titre, lieu, structure string) *seances.SeanceView {
	// A Wednesday of September: the longest French weekday and month names
	// with « 1er » do not matter, the date is a fixed instant of the text.
	debut := time.Date(2027, time.September, 22, 14, 30, 0, 0, time.UTC)
	return &seances.SeanceView{Titre: titre, Debut: debut, Fin: debut.Add(2 * time.Hour),
		Lieu: seances.LieuView{Nom: lieu}, Structure: seances.StructureView{Nom: structure}}
}

type texteSMS struct {
	nom  string
	text func(s *seances.SeanceView) string
	lien bool
}

var textesSMS = []texteSMS{
	{"confirmation", func(s *seances.SeanceView) string { return SMSConfirmation(s, lienTest) }, true},
	{"liste d'attente", func(s *seances.SeanceView) string { return SMSListeAttente(s, 12, lienTest) }, true},
	{"promotion", func(s *seances.SeanceView) string { return SMSPromotion(s, lienTest) }, true},
	{"changement", func(s *seances.SeanceView) string { return SMSChangement(s, lienTest) }, true},
	{"annulation de séance", func(s *seances.SeanceView) string {
		return SMSAnnulationSeance(s, "L'animatrice est malade et aucun remplaçant n'a pu être trouvé cette semaine, toutes nos excuses.")
	}, false},
	{"annulation d'inscription", func(s *seances.SeanceView) string { return SMSAnnulationInscription(s, lienTest) }, true},
	{"rappel", func(s *seances.SeanceView) string { return SMSRappel(s, lienTest) }, true},
}

func TestSMSTextsFitTwoSegmentsAndKeepTheLinkWhole(t *testing.T) {
	longue := seanceSMS("Découvrir les démarches administratives en ligne : impôts, CAF, Ameli, France Travail et ANTS pas à pas",
		"Médiathèque intercommunale Jean-Pierre Rampal, salle d'animation du premier étage",
		"Centre communal d'action sociale de Saint-Rémy-de-Provence")
	typique := seanceSMS("Envoyer un e-mail", "Médiathèque", "Mairie de Lens")
	for _, c := range textesSMS {
		worst := c.text(longue)
		if n := sms.Segments(worst); n > 2 {
			t.Errorf("%s, long title and place: %d segments (%d characters): %q", c.nom, n, sms.Longueur(worst), worst)
		}
		if !sms.EstGSM7(worst) {
			t.Errorf("%s: not GSM-7: %q", c.nom, worst)
		}
		if !strings.Contains(worst, "...") {
			t.Errorf("%s: a long title is shortened with an ellipsis: %q", c.nom, worst)
		}
		typical := c.text(typique)
		if !strings.Contains(typical, "Envoyer un e-mail") || !strings.HasSuffix(typical, "\nMairie de Lens") {
			t.Errorf("%s: a short title and the structure's name are kept whole, the name at the end: %q", c.nom, typical)
		}
		for _, text := range []string{worst, typical} {
			if strings.Contains(text, "/inscription/") != c.lien || (c.lien && !strings.Contains(text, lienTest+"\n")) {
				t.Errorf("%s: the personal link must be whole (want link: %v): %q", c.nom, c.lien, text)
			}
		}
		t.Logf("%s: typical %d characters (%d SMS), worst %d characters (%d SMS)", c.nom,
			sms.Longueur(typical), sms.Segments(typical), sms.Longueur(worst), sms.Segments(worst))
	}
}

// Without the long token (the short code the printed card gives), a
// typical message holds in one SMS.
func TestTypicalSMSTextsFitOneSegmentWithAShortLink(t *testing.T) {
	const court = "https://atelier.fr/i/AB3D-7KXP"
	typique := seanceSMS("Envoyer un e-mail", "Médiathèque", "Mairie de Lens")
	for name, text := range map[string]string{
		"confirmation": SMSConfirmation(typique, court),
		"promotion":    SMSPromotion(typique, court),
		"changement":   SMSChangement(typique, court),
		"rappel":       SMSRappel(typique, court),
		"annulation":   SMSAnnulationSeance(typique, "Animatrice malade."),
		"inscription":  SMSAnnulationInscription(typique, court),
	} {
		if n := sms.Segments(text); n != 1 {
			t.Errorf("%s: %d segments (%d characters): %q", name, n, sms.Longueur(text), text)
		}
	}
}

func TestShortenedTitleKeepsTheLinkAndStaysUnderTwoSegments(t *testing.T) {
	s := seanceSMS(strings.Repeat("Atelier très long ", 30), strings.Repeat("Lieu ", 40), strings.Repeat("Structure ", 20))
	text := SMSRappel(s, lienTest)
	if sms.Segments(text) > 2 || !strings.Contains(text, lienTest) {
		t.Fatalf("%d segments, link kept: %v: %q", sms.Segments(text), strings.Contains(text, lienTest), text)
	}
}
