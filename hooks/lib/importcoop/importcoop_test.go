package importcoop

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

func TestTemplateRoundTrip(t *testing.T) {
	people := []Personne{
		{Nom: "Exemple", Prenom: "Léa", Annee: 1970, Commune: "Blaziert", CodeInsee: "32057", CodePostal: "32100",
			Telephone: "01 02 03 04 05", Genre: "feminin"},
		{Nom: "=HYPERLINK(\"http://x\")", Prenom: "Jo", Notes: "@SUM(A1)"},
	}
	var buf bytes.Buffer
	if err := Ecrire(&buf, "Bénéficiaires", people); err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := book.GetCellFormula(Feuille, "A5"); f != "" {
		t.Errorf("a name became a formula: %q", f)
	}
	if v, _ := book.GetCellValue(Feuille, "A3"); v != "Nom" {
		t.Errorf("row 3 holds the titles, A3 = %q", v)
	}
	tab, err := Lire(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !tab.Coop || len(tab.Lignes) != 2 || tab.Lignes[0].Numero != 4 {
		t.Fatalf("read %+v", tab)
	}
	want := []string{"Exemple", "Léa", "1970", "Blaziert", "32057", "32100", "01 02 03 04 05", "", "Féminin", ""}
	if !slices.Equal(tab.Lignes[0].Valeurs, want) {
		t.Errorf("row 4 = %q, want %q", tab.Lignes[0].Valeurs, want)
	}
	if tab.Lignes[1].Valeurs[0] != people[1].Nom || tab.Lignes[1].Valeurs[9] != "@SUM(A1)" {
		t.Errorf("row 5 = %q", tab.Lignes[1].Valeurs)
	}
}

func TestCSVWindows1252Semicolons(t *testing.T) {
	text := "Prénom;Nom de famille;Tél.;Ville;Sexe;Divers\r\nHélène;Lefèvre;612345678;Orléans;Mme;x\r\n;;;;;\r\nRené;Noël;;;M.;\r\n"
	data, err := charmap.Windows1252.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	tab, err := Lire(data)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Coop || len(tab.Lignes) != 2 || tab.Lignes[0].Valeurs[1] != "Lefèvre" || tab.Lignes[1].Numero != 4 {
		t.Fatalf("read %+v", tab)
	}
	got := Deviner(tab.Entetes)
	want := []string{Prenom, Nom, Telephone, Commune, Genre, ""}
	if !slices.Equal(got, want) {
		t.Errorf("guessed %q, want %q", got, want)
	}
}

func TestCSVCommasUTF8(t *testing.T) {
	tab, err := Lire([]byte("\uFEFFnom,prenom,email\n\"Durand, dit Jo\",Jean,j@example.fr\n"))
	if err != nil {
		t.Fatal(err)
	}
	if tab.Lignes[0].Valeurs[0] != "Durand, dit Jo" {
		t.Errorf("read %q", tab.Lignes[0].Valeurs)
	}
}

func TestBadFiles(t *testing.T) {
	for name, data := range map[string][]byte{
		"binary": {0xD0, 0xCF, 0x11, 0xE0, 0, 0, 1},
		"zip":    []byte("PK\x03\x04garbage"),
	} {
		if _, err := Lire(data); err != ErrFormat {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Lire([]byte("nom;prenom\n")); err != ErrVide {
		t.Errorf("titles only: %v", err)
	}
}

func TestValues(t *testing.T) {
	for in, want := range map[string]string{"1954": "1954", "1954.0": "1954", "12/03/1954": "1954",
		"1954-03-12": "1954", "19871": "1954", "abc": "abc"} {
		if in == "19871" {
			want = "1954" // 1954-02-03 as a serial date
		}
		if got := AnneeDe(in); got != want {
			t.Errorf("AnneeDe(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"Féminin": "feminin", "Madame": "feminin", "M.": "masculin",
		"Non communiqué": "non_communique", "": ""} {
		if got, ok := GenreDe(in); !ok || got != want {
			t.Errorf("GenreDe(%q) = %q %v", in, got, ok)
		}
	}
	if _, ok := GenreDe("autre"); ok {
		t.Error("« autre » is no genre of the template")
	}
	if TelephoneDe("612345678") != "0612345678" || CodeDe("1000") != "01000" {
		t.Error("leading zeros")
	}
}
