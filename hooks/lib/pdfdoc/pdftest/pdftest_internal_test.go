package pdftest

import (
	"testing"
	"time"

	"atelier/hooks/lib/pdfdoc"
)

// When the rasterised page does not read, QRCode falls back on the page's
// images: that path must find the very code drawn on the page.
func TestPageImagesHoldTheQRCode(t *testing.T) {
	url := "https://ateliers.example.fr/verifier/ATL-7K3M-Q9PX"
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	pdf, err := pdfdoc.Attestation(pdfdoc.AttestationData{
		Structure: pdfdoc.Structure{Nom: "Médiathèque de Saint-Denis"},
		Zone:      "Indian/Reunion",
		Participants: []pdfdoc.Participant{{
			Nom: "Marie Dupont", Code: "ATL-7K3M-Q9PX", URL: url, Emetteur: "Anaïs Lefèvre",
			Fonction: "conseillère numérique", Lieu: "Saint-Denis", EmiseLe: start,
			Seances: []pdfdoc.Seance{{Titre: "Mon espace santé", Debut: start, Fin: start.Add(90 * time.Minute)}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var read []string
	for _, img := range pageImages(t, pdf, 1) {
		if text := tryQR(img); text != "" {
			read = append(read, text)
		}
	}
	if len(read) != 1 || read[0] != url {
		t.Fatalf("QR codes among the page's images: %q, want exactly %q", read, url)
	}
}
