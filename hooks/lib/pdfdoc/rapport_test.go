package pdfdoc_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"atelier/hooks/lib/pdfdoc"
	"atelier/hooks/lib/pdfdoc/pdftest"
)

func rapportData(zone string, sessions int) pdfdoc.RapportData {
	october := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	data := pdfdoc.RapportData{
		Structure: structure(), Zone: zone, Mois: october, GenereLe: time.Date(2026, 11, 1, 5, 0, 0, 0, time.UTC),
		Chiffres: []pdfdoc.ChiffreRapport{
			{Libelle: "Ateliers réalisés", Valeur: "12", Precedent: "9", Evolution: "+3"},
			{Libelle: "Participants aux ateliers", Valeur: "1 234", Precedent: "1 300", Evolution: "−66"},
			{Libelle: "Taux de présence", Valeur: "87 %", Precedent: "", Evolution: ""},
		},
		Graphiques: []pdfdoc.Graphique{
			{Titre: "Par thématique", Barres: []pdfdoc.Barre{{"E-mail", 40, "40"}, {"Prévention en sécurité numérique", 10, "10"}, {"Santé", 0, "0"}}},
			{Titre: "Par tranche d'âge", Barres: nil},
		},
	}
	for i := range sessions {
		// 07:30 UTC: 09:30 in Paris (summer time), 11:30 in La Réunion.
		debut := time.Date(2026, 10, 1+i%31, 7, 30, 0, 0, time.UTC)
		data.Seances = append(data.Seances, pdfdoc.SeanceRapport{Debut: debut, Titre: fmt.Sprintf("Atelier numéro %d", i+1),
			Lieu: "Salle Alpha", Participants: 5})
	}
	return data
}

func TestMonthlyReportPDF(t *testing.T) {
	pdf, err := pdfdoc.RapportMensuel(rapportData("Europe/Paris", 3))
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, pdf)
	expectText(t, text,
		"Médiathèque de l'Île d'Yeu", "Rapport d'activité", "Octobre 2026",
		"Activité du jeudi 1er octobre au samedi 31 octobre 2026 (heure locale : Paris)",
		"Rapport établi le dimanche 1er novembre 2026",
		"Indicateur Octobre 2026 Septembre 2026 Évolution",
		"Ateliers réalisés 12 9 +3", "Participants aux ateliers 1 234 1 300 −66", "Taux de présence 87 % — —",
		"Par thématique", "E-mail 40", "Prévention en sécurité numérique 10", "Santé 0",
		"Par tranche d'âge", "Aucune donnée ce mois-ci.",
		"Ateliers réalisés", "01/10/2026 9 h 30 Atelier numéro 1 Salle Alpha 5", "Total 3 ateliers 15",
		"Rapport d'activité · Médiathèque de l'Île d'Yeu · octobre 2026", "Page 1 sur")
	info := pdftest.Info(t, pdf)
	if !strings.Contains(info, "Rapport d'activité – Médiathèque de l'Île d'Yeu – octobre 2026") {
		t.Errorf("title: %s", info)
	}
	again, _ := pdfdoc.RapportMensuel(rapportData("Europe/Paris", 3))
	if !bytes.Equal(pdf, again) {
		t.Error("the same data gave different bytes")
	}
}

// Times are written in the structure's zone.
func TestMonthlyReportInLaReunion(t *testing.T) {
	pdf, err := pdfdoc.RapportMensuel(rapportData("Indian/Reunion", 1))
	if err != nil {
		t.Fatal(err)
	}
	expectText(t, pdftest.Text(t, pdf), "(heure locale : La Réunion)", "01/10/2026 11 h 30 Atelier numéro 1")
}

// A busy month: the sessions' table runs over several pages with its
// header repeated, and every page is numbered.
func TestMonthlyReportManyPages(t *testing.T) {
	pdf, err := pdfdoc.RapportMensuel(rapportData("Europe/Paris", 120))
	if err != nil {
		t.Fatal(err)
	}
	pages := pdftest.PageTexts(t, pdf)
	if len(pages) < 3 {
		t.Fatalf("%d pages", len(pages))
	}
	last := pages[len(pages)-1]
	expectText(t, last, "Date Atelier Lieu Participants", "Atelier numéro 120", "Total 120 ateliers 600",
		fmt.Sprintf("Page %d sur %d", len(pages), len(pages)))
}

func TestMonthlyReportNeedsAStructure(t *testing.T) {
	if _, err := pdfdoc.RapportMensuel(pdfdoc.RapportData{}); err == nil {
		t.Fatal("no error without a structure")
	}
}
