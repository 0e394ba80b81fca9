package contact

import (
	"regexp"
	"strings"
	"testing"
)

func TestNormaliserTelephoneAccepte(t *testing.T) {
	cases := []struct{ in, want string }{
		// Metropolitan numbers, every usual writing.
		{"06 12 34 56 78", "+33612345678"},
		{"0612345678", "+33612345678"},
		{"06.12.34.56.78", "+33612345678"},
		{"06-12-34-56-78", "+33612345678"},
		{"06/12/34/56/78", "+33612345678"},
		{"06\u00a012\u00a034\u00a056\u00a078", "+33612345678"},
		{"06\u202f12\u202f34\u202f56\u202f78", "+33612345678"},
		{"06\u201112\u201334 56 78", "+33612345678"},
		{"  06 12 34 56 78\n", "+33612345678"},
		{"(06) 12 34 56 78", "+33612345678"},
		{"01.23.45.67.89", "+33123456789"},
		{"05 49 12 34 56", "+33549123456"},
		{"09 87 65 43 21", "+33987654321"},
		{"08 92 12 34 56", "+33892123456"},
		{"+33 6 12 34 56 78", "+33612345678"},
		{"+33612345678", "+33612345678"},
		{"0033 6 12 34 56 78", "+33612345678"},
		{"+33 (0)6 12 34 56 78", "+33612345678"},
		{"+33 (0) 6 12 34 56 78", "+33612345678"},
		{"0033 (0)6 12 34 56 78", "+33612345678"},
		{"(+33) 6 12 34 56 78", "+33612345678"},
		{"+33 06 12 34 56 78", "+33612345678"},
		// Overseas, national writing: every prefix.
		{"0262 12 34 56", "+262262123456"},
		{"0263 12 34 56", "+262263123456"},
		{"0269 60 12 34", "+262269601234"},
		{"0692 12 34 56", "+262692123456"},
		{"0693 12 34 56", "+262693123456"},
		{"0639 01 23 45", "+262639012345"},
		{"0590 12 34 56", "+590590123456"},
		{"0690 12 34 56", "+590690123456"},
		{"0691 28 12 34", "+590691281234"},
		{"0596 30 12 34", "+596596301234"},
		{"0696 12 34 56", "+596696123456"},
		{"0697 12 34 56", "+596697123456"},
		{"0594 12 34 56", "+594594123456"},
		{"0694 12 34 56", "+594694123456"},
		{"06 92 12 34 56", "+262692123456"},
		// Overseas, international writing.
		{"+262 692 12 34 56", "+262692123456"},
		{"+262692123456", "+262692123456"},
		{"00262 692 12 34 56", "+262692123456"},
		{"+262 (0)692 12 34 56", "+262692123456"},
		{"00590 590 12 34 56", "+590590123456"},
		{"+596 696 12 34 56", "+596696123456"},
		{"+594 594 12 34 56", "+594594123456"},
		{"+508 41 12 34", "+508411234"},
		// Reached through +33 by mistake: stored with the right code.
		{"+33 6 92 12 34 56", "+262692123456"},
		{"+33 6 39 01 23 45", "+262639012345"},
		// Other countries.
		{"+32 470 12 34 56", "+32470123456"},
		{"0032 470 12 34 56", "+32470123456"},
		{"+44 20 7946 0958", "+442079460958"},
		{"+1 (415) 555-2671", "+14155552671"},
		{"+41 44 668 18 00", "+41446681800"},
	}
	for _, c := range cases {
		got, err := NormaliserTelephone(c.in)
		if err != nil || got != c.want {
			t.Errorf("NormaliserTelephone(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestNormaliserTelephoneRefuse(t *testing.T) {
	cases := []struct{ in, mot string }{
		{"", "indiquer"},
		{"   ", "indiquer"},
		{" . - / ", "indiquer"},
		{"()", "indiquer"},
		{"+", "indiquer"},
		{"06 12 34 56 7", "10 chiffres"},
		{"06 12 34 56 789", "10 chiffres"},
		{"612345678", "10 chiffres"},
		{"6123456789", "commencer par 0"},
		{"06 12 34 56 7a", "chiffres"},
		{"Tél : 06 12 34 56 78", "chiffres"},
		{"O6 12 34 56 78", "chiffres"},
		{"06 12 34 56 78 #2", "chiffres"},
		{"06+12345678", "chiffres"},
		{"+33 6 12 34 56", "10 chiffres"},
		{"+33 0 12 34 56 78", "deuxième chiffre"},
		{"0033 612 34 56 78 9", "10 chiffres"},
		{"+262 692 12 34", "9 chiffres"},
		{"+590 0 12 34 56 78", "9 chiffres"},
		{"+1234567", "entre 8 et 15"},
		{"+1234567890123456", "entre 8 et 15"},
		{"+0612345678", "entre 8 et 15"},
		{"+12345678", "n'existe pas"},
		{"+123456789012345", "n'existe pas"},
		// Numbers outside every numbering plan.
		{"07 00 00 12 34", "n'existe pas"},
		{"0639 12 34 56", "n'existe pas"},
		{"06 39 98 12 34", "n'existe pas"},
		{"+33 6 39 98 12 34", "n'existe pas"},
		{"+262 269 12 34 56", "n'existe pas"},
		{"000612345678", "entre 8 et 15"},
	}
	for _, c := range cases {
		got, err := NormaliserTelephone(c.in)
		if err == nil {
			t.Errorf("NormaliserTelephone(%q) = %q, want an error", c.in, got)
			continue
		}
		if !strings.Contains(err.Error(), c.mot) || !strings.HasSuffix(err.Error(), ".") {
			t.Errorf("NormaliserTelephone(%q) error %q, want a sentence containing %q", c.in, err, c.mot)
		}
	}
}

func TestFormaterTelephone(t *testing.T) {
	cases := []struct{ in, want string }{
		{"+33612345678", "06 12 34 56 78"},
		{"+33123456789", "01 23 45 67 89"},
		{"+262692123456", "0692 12 34 56"},
		{"+262269601234", "0269 60 12 34"},
		{"+262639012345", "0639 01 23 45"},
		{"+590590123456", "0590 12 34 56"},
		{"+596696123456", "0696 12 34 56"},
		{"+594694123456", "0694 12 34 56"},
		{"+33730001234", "07 30 00 12 34"},
		{"+508411234", "+508411234"},
		{"+33639123456", "+33639123456"},
		{"+32470123456", "+32470123456"},
		{"+14155552671", "+14155552671"},
		{"+3361234567", "+3361234567"},
		{"", ""},
		{"n'importe quoi", "n'importe quoi"},
	}
	for _, c := range cases {
		if got := FormaterTelephone(c.in); got != c.want {
			t.Errorf("FormaterTelephone(%q) = %q, want %q", c.in, got, c.want)
		}
		// What we display must be accepted back as the same number.
		if n, err := NormaliserTelephone(c.in); err == nil && n == c.in {
			if back, err := NormaliserTelephone(FormaterTelephone(c.in)); err != nil || back != c.in {
				t.Errorf("round trip of %q gave %q, %v", c.in, back, err)
			}
		}
	}
}

func TestEstMobile(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"+33612345678", true},
		{"+33730001234", true},
		{"+262692123456", true},
		{"+262639012345", true},
		{"+590690123456", true},
		{"+33123456789", false},
		{"+33549123456", false},
		{"+262262123456", false},
		{"+33892123456", false},
		{"+33639123456", false}, // Mayotte's prefix after +33: no such line
		{"+32470123456", true},
		{"", false},
		{"06 12 34 56 78", false},
	}
	for _, c := range cases {
		if got := EstMobile(c.in); got != c.want {
			t.Errorf("EstMobile(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

func FuzzNormaliserTelephone(f *testing.F) {
	for _, s := range []string{"06 12 34 56 78", "+33 (0)6 12 34 56 78", "0033612345678",
		"0692 12 34 56", "+262 0692 12 34 56", "00590590123456", "+1 (415) 555-2671",
		"0012345678", "(0)6 12", "+(0)33 6 12 34 56 78", "06\u00a012", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormaliserTelephone(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("empty error message for %q", s)
			}
			return
		}
		if !e164.MatchString(got) {
			t.Fatalf("NormaliserTelephone(%q) = %q, not E.164", s, got)
		}
		again, err := NormaliserTelephone(got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, got, again, err)
		}
	})
}

func TestNormaliserEmailAccepte(t *testing.T) {
	cases := []struct{ in, want string }{
		{"jean.dupont@orange.fr", "jean.dupont@orange.fr"},
		{"  Jean.Dupont@Orange.FR  ", "jean.dupont@orange.fr"},
		{"marie@gmail.com", "marie@gmail.com"},
		{"marie@gmail.fr", "marie@gmail.fr"},
		{"marie@gmail.co", "marie@gmail.co"},
		{"paul@hotmail.fr", "paul@hotmail.fr"},
		{"paul@wanadoo.fr", "paul@wanadoo.fr"},
		{"paul@laposte.net", "paul@laposte.net"},
		{"a@b.fr", "a@b.fr"},
		{"jean+atelier@free.fr", "jean+atelier@free.fr"},
		{"jean_dupont-86@mairie-poitiers.fr", "jean_dupont-86@mairie-poitiers.fr"},
		{"contact@centre.social.example.org", "contact@centre.social.example.org"},
		{"o'brien@example.ie", "o'brien@example.ie"},
		{"x@xn--e1afmkfd.xn--p1ai", "x@xn--e1afmkfd.xn--p1ai"},
		{"\tjean@orange.fr\n", "jean@orange.fr"},
		{strings.Repeat("a", 64) + "@orange.fr", strings.Repeat("a", 64) + "@orange.fr"},
	}
	for _, c := range cases {
		got, err := NormaliserEmail(c.in)
		if err != nil || got != c.want {
			t.Errorf("NormaliserEmail(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestNormaliserEmailRefuse(t *testing.T) {
	// 60 + 1 + 3×63 + 3 + 2 = 255 characters, one over the limit.
	long := strings.Repeat("a", 60) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + ".fr"
	cases := []struct{ in, mot string }{
		{"", "indiquer"},
		{"   ", "indiquer"},
		{"jean dupont@orange.fr", "espace"},
		{"Jean <jean@orange.fr>", "espace"},
		{"jean@orange .fr", "espace"},
		{"jean.orange.fr", "@"},
		{"jean@@orange.fr", "@"},
		{"jean@dupont@orange.fr", "@"},
		{"<jean@orange.fr>", "pas valide"},
		{"jean(moi)@orange.fr", "pas valide"},
		{"@orange.fr", "pas valide"},
		{"jean@", "pas valide"},
		{"jean@orange", "pas valide"},
		{"jean@orange.", "pas valide"},
		{"jean@.orange.fr", "pas valide"},
		{"jean@orange..fr", "pas valide"},
		{"jean@-orange.fr", "pas valide"},
		{"jean@orange-.fr", "pas valide"},
		{"jean@orange.f", "pas valide"},
		{"jean@orange.f1", "pas valide"},
		{"jean@orange_sa.fr", "pas valide"},
		{"jean@orangé.fr", "pas valide"},
		{"jean@[127.0.0.1]", "pas valide"},
		{".jean@orange.fr", "pas valide"},
		{"jean.@orange.fr", "pas valide"},
		{"jean..dupont@orange.fr", "pas valide"},
		{"jean,dupont@orange.fr", "pas valide"},
		{strings.Repeat("a", 65) + "@orange.fr", "pas valide"},
		{long, "pas valide"},
		{"jean@gmail.con", "jean@gmail.com"},
		{"Jean@GMIAL.com", "jean@gmail.com"},
		{"jean@gmai.com", "jean@gmail.com"},
		{"jean@hotmial.fr", "jean@hotmail.fr"},
		{"jean@orange.fe", "faute de frappe"},
		{"jean@free.f", "jean@free.fr"},
	}
	for _, c := range cases {
		got, err := NormaliserEmail(c.in)
		if err == nil {
			t.Errorf("NormaliserEmail(%q) = %q, want an error", c.in, got)
			continue
		}
		if !strings.Contains(err.Error(), c.mot) || !strings.Contains(err.Error(), "adresse e-mail") {
			t.Errorf("NormaliserEmail(%q) error %q, want a sentence containing %q", c.in, err, c.mot)
		}
	}
}

func TestSuggestionEmail(t *testing.T) {
	cases := []struct{ in, want string }{
		{"jean@gmail.con", "jean@gmail.com"},
		{"jean@gmial.com", "jean@gmail.com"},
		{"jean@gmai.com", "jean@gmail.com"},
		{"jean@hotmial.fr", "jean@hotmail.fr"},
		{"jean@hotmail.con", "jean@hotmail.com"},
		{"jean@orange.fe", "jean@orange.fr"},
		{"jean@yahoo.fe", "jean@yahoo.fr"},
		{"jean@laposte.ne", "jean@laposte.net"},
		{"jean@free.f", "jean@free.fr"},
		{" Jean.Dupont@Gmail.CON ", "jean.dupont@gmail.com"},
		{"jean@gmail.com", ""},
		{"jean@gmail.fr", ""},
		{"jean@gmail.co", ""},
		{"jean@hotmail.fr", ""},
		{"jean@orange.fr", ""},
		{"jean@wanadoo.fr", ""},
		{"gmail.con", ""},
		{"", ""},
	}
	for _, c := range cases {
		if got := SuggestionEmail(c.in); got != c.want {
			t.Errorf("SuggestionEmail(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNormaliserCodeInsee(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"86194", "86194"}, {" 86 194 ", "86194"}, {"2A004", "2A004"}, {"2b033", "2B033"},
		{"01053", "01053"}, {"97411", "97411"}, {"", ""}, {" \u00a0", ""},
	} {
		got, err := NormaliserCodeInsee(c.in)
		if err != nil || got != c.want {
			t.Errorf("NormaliserCodeInsee(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"ABCDE", "8619", "861940", "20004", "2C004", "A6194", "86.194", "８６１９４"} {
		got, err := NormaliserCodeInsee(in)
		if err == nil || err.Error() != "Le code INSEE s'écrit avec 5 caractères, par exemple 86194 ou 2A004." {
			t.Errorf("NormaliserCodeInsee(%q) = %q, %v; want the 5 caractères error", in, got, err)
		}
	}
}

func TestNormaliserCodePostal(t *testing.T) {
	ok := []struct{ in, want string }{
		{"86000", "86000"},
		{" 86000 ", "86000"},
		{"86 000", "86000"},
		{"86\u00a0000", "86000"},
		{"01000", "01000"},
		{"97400", "97400"},
		{"", ""},
		{"   ", ""},
	}
	for _, c := range ok {
		got, err := NormaliserCodePostal(c.in)
		if err != nil || got != c.want {
			t.Errorf("NormaliserCodePostal(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"8600", "860000", "86.000", "86-000", "2A004", "abcde", "８６０００"} {
		got, err := NormaliserCodePostal(in)
		if err == nil || !strings.Contains(err.Error(), "5 chiffres") {
			t.Errorf("NormaliserCodePostal(%q) = %q, %v; want the 5 chiffres error", in, got, err)
		}
	}
}

func TestNormaliserNom(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Dupont", "Dupont"},
		{"  Jean   Pierre  ", "Jean Pierre"},
		{"Jean\t\nPierre", "Jean Pierre"},
		{"Jean\u00a0Pierre", "Jean Pierre"},
		{"Jean-Pierre", "Jean-Pierre"},
		{"d'Artagnan", "d'Artagnan"},
		{"N’Diaye", "N’Diaye"},
		{"Hélène Müller-Çelik", "Hélène Müller-Çelik"},
		{"Jo\x00sé\x07", "José"},
		{"\x1b[31mRouge", "[31mRouge"},
		// Bidi controls: an override that shows « nitraM » as « Martin ».
		{"\u202eMartin\u202c", "Martin"},
		{"\u202aA\u202bB\u202dC\u202eD", "ABCD"},
		{"\u2066Li\u2067\u2068Wu\u2069", "LiWu"},
		{"\u200eDupont\u200f", "Dupont"},
		{"\u061cAmina", "Amina"},
		// Zero-width characters: invisible, they make two equal names differ.
		{"Du\u200bpont", "Dupont"},
		{"Du\u200cpo\u200dnt", "Dupont"},
		{"\u2060Marie\ufeff", "Marie"},
		{"Jean\u200b \u200bPierre", "Jean Pierre"},
		{"\u00adRose", "Rose"},
		{"\u0085Léa\u2028Dubois", "Léa Dubois"},
		{"", ""},
	}
	for _, c := range cases {
		if got := NormaliserNom(c.in); got != c.want {
			t.Errorf("NormaliserNom(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNomValide(t *testing.T) {
	for _, in := range []string{"Li", "Ö", " Jean-Pierre ", "d'Artagnan", "Louis XIV", strings.Repeat("é", 100)} {
		if err := NomValide(in); err != nil {
			t.Errorf("NomValide(%q) = %v, want nil", in, err)
		}
	}
	cases := []struct{ in, mot string }{
		{"", "vide"},
		{" \t\x00 ", "vide"},
		{"\u200b\u202e\ufeff", "vide"},
		{"-", "lettre"},
		{"123", "lettre"},
		{"' -", "lettre"},
		{strings.Repeat("é", 101), "100 caractères"},
		{strings.Repeat("a ", 50) + "b", "100 caractères"},
	}
	for _, c := range cases {
		err := NomValide(c.in)
		if err == nil || !strings.Contains(err.Error(), c.mot) || !strings.Contains(err.Error(), "nom") {
			t.Errorf("NomValide(%q) = %v, want a sentence containing %q", c.in, err, c.mot)
		}
	}
}

func TestMessageNom(t *testing.T) {
	for in, want := range map[string]string{
		"Océane": "", "": "Indiquez votre prénom.", "   ": "Indiquez votre prénom.",
		strings.Repeat("a", 101): "Ce nom est trop long : 100 caractères au plus.", "1234": "Écrivez le nom en lettres.",
	} {
		if got := MessageNom(in, "Indiquez votre prénom."); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
