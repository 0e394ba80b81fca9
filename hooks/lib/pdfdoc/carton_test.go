package pdfdoc_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"atelier/hooks/lib/pdfdoc"
	"atelier/hooks/lib/pdfdoc/pdftest"
)

const personalBase = "https://ateliers.example.fr/inscription/"

// Monday 7 December 2026, 13:00 UTC: 14 h in Paris.
var rendezVous = time.Date(2026, 12, 7, 13, 0, 0, 0, time.UTC)

func cartons(n int) pdfdoc.CartonsData {
	data := pdfdoc.CartonsData{
		Structure: "Médiathèque de l'Île d'Yeu", Telephone: "02 51 58 00 00",
		Titre: "Envoyer des photos à ses proches", Debut: rendezVous, Fin: rendezVous.Add(2 * time.Hour),
		Zone: "Europe/Paris", Lieu: "Salle des associations", Adresse: "3 rue de l’Église, 85350 L'Île-d'Yeu",
		Accessibilite: "Entrée de plain-pied côté parking", AApporter: "Votre téléphone chargé",
		AdresseCode: "ateliers.example.fr/i", Imprime: rendezVous.AddDate(0, 0, -7),
	}
	for i := range n {
		data.Cartons = append(data.Cartons, pdfdoc.Carton{Personne: fmt.Sprintf("Dominique Martin-%d", i+1),
			Code: fmt.Sprintf("7K3M-Q9P%d", i+1), URL: fmt.Sprintf("%sJeton%02dAbcdefghijklmnopqrstuvwxyz0123456789a", personalBase, i+1)})
	}
	return data
}

// One card says everything a person needs, in French, without a screen.
func TestCartonSaysWhereWhenAndHowToCancel(t *testing.T) {
	pdf, err := pdfdoc.Cartons(cartons(1))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdftest.Text(t, pdf)), " ")
	for _, want := range []string{"Médiathèque de l'Île d'Yeu", "Votre rendez-vous", "Pour Dominique Martin-1",
		"Envoyer des photos à ses proches", "Lundi 7 décembre 2026", "de 14 h à 16 h", "Salle des associations",
		"3 rue de l’Église, 85350 L'Île-d'Yeu", "Accès : Entrée de plain-pied côté parking", "À apporter : Votre téléphone chargé",
		"Pour annuler, appelez le 02 51 58 00 00", "Votre code :", "7K3M-Q9P1", "ateliers.example.fr/i"} {
		if !strings.Contains(text, want) {
			t.Errorf("card lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Liste d'attente") {
		t.Error("a confirmed appointment speaks of the waiting list")
	}
	if got := pdftest.QRCodes(t, pdf, 1, 2, 2)[0]; got != cartons(1).Cartons[0].URL {
		t.Errorf("QR code reads %q", got)
	}
}

// Four A6 cards per A4 sheet: 5 people give 2 sheets, each card's QR code
// leads to its own person's page.
func TestCartonsFourPerSheet(t *testing.T) {
	data := cartons(5)
	pdf, err := pdfdoc.Cartons(data)
	if err != nil {
		t.Fatal(err)
	}
	if n := pdftest.Pages(t, pdf); n != 2 {
		t.Fatalf("%d pages for 5 cards", n)
	}
	if info := pdftest.Info(t, pdf); !strings.Contains(info, "(A4)") {
		t.Errorf("not A4:\n%s", info)
	}
	pages := pdftest.PageTexts(t, pdf)
	if len(pages) != 2 || strings.Count(pages[0], "Votre code :") != 4 || strings.Count(pages[1], "Votre code :") != 1 {
		t.Fatalf("cards per page: %q", pages)
	}
	first := pdftest.QRCodes(t, pdf, 1, 2, 2)
	for i, got := range first {
		if got != data.Cartons[i].URL {
			t.Errorf("card %d: QR code %q, want %q", i+1, got, data.Cartons[i].URL)
		}
	}
	if second := pdftest.QRCodes(t, pdf, 2, 2, 2); second[0] != data.Cartons[4].URL || second[1] != "" {
		t.Errorf("second sheet: %q", second)
	}
}

// A person on the waiting list has no appointment yet: the card says so.
func TestCartonOfTheWaitingList(t *testing.T) {
	data := cartons(1)
	data.Cartons[0].Attente, data.Cartons[0].Rang = true, 2
	pdf, err := pdfdoc.Cartons(data)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdftest.Text(t, pdf)), " ")
	if !strings.Contains(text, "Liste d'attente — rang 2 — nous vous appellerons") {
		t.Errorf("waiting-list wording missing:\n%s", text)
	}
	if strings.Contains(text, "Votre rendez-vous") {
		t.Error("a waiting-list card announces an appointment")
	}
}

// Long texts are cut to the card, never spill onto the next one, and an
// empty field leaves no label behind.
func TestCartonWithLongAndMissingTexts(t *testing.T) {
	data := cartons(2)
	data.Titre = strings.Repeat("Découvrir les démarches administratives en ligne ", 6)
	data.AApporter = strings.Repeat("Votre carte Vitale et votre téléphone ", 10)
	data.Accessibilite, data.Telephone, data.Cartons[1].Personne = "", "", ""
	pdf, err := pdfdoc.Cartons(data)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, pdf)
	for _, absent := range []string{"Accès :", "Pour annuler", "Pour \n", "Pour Dominique Martin-2"} {
		if strings.Contains(text, absent) {
			t.Errorf("%q printed without a value", absent)
		}
	}
	if !strings.Contains(text, "…") {
		t.Error("long texts are not cut")
	}
	if got := pdftest.QRCodes(t, pdf, 1, 2, 2); got[0] != data.Cartons[0].URL || got[1] != data.Cartons[1].URL {
		t.Errorf("QR codes %q", got)
	}
	if _, err := pdfdoc.Cartons(pdfdoc.CartonsData{}); err == nil {
		t.Error("cards for nobody")
	}
}

// A person's card is drawn while they wait at the desk; a full session's
// (40 people, 10 sheets) while a conseiller waits for the printer.
func BenchmarkCarton(b *testing.B) {
	data := cartons(1)
	for b.Loop() {
		if _, err := pdfdoc.Cartons(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCartons40(b *testing.B) {
	data := cartons(40)
	for b.Loop() {
		if _, err := pdfdoc.Cartons(data); err != nil {
			b.Fatal(err)
		}
	}
}
