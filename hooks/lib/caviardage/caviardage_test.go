package caviardage

import (
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	const jeton = "Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90Uv1"
	cases := []struct{ in, want string }{
		{"/inscription/" + jeton, "/inscription/MASQUE"},
		{"/inscription/" + jeton + "?confirmation=1", "/inscription/MASQUE?confirmation=1"},
		{"/inscription/" + jeton + "/agenda.ics", "/inscription/MASQUE/agenda.ics"},
		{"http://atelier.example/inscription/" + jeton, "http://atelier.example/inscription/MASQUE"},
		{"/verifier/ABCD-EFGH", "/verifier/MASQUE"},
		{"/verifier?code=ABCD-EFGH", "/verifier?code=MASQUE"},
		{"/i/7K3M-Q9PX", "/i/MASQUE"},
		{"/chiffres/" + strings.Repeat("a", 43), "/chiffres/MASQUE"},
		{"/i/7k3m%20q9px", "/i/MASQUE"},
		{"/i?code=7K3M-Q9PX", "/i?code=MASQUE"},
		{"/i", "/i"},
		{"/espace/beneficiaires?q=Dupont&page=2", "/espace/beneficiaires?page=2&q=MASQUE"},
		{"/api/files/c/r/logo.png?token=eyJhbGciOi&thumb=100x100", "/api/files/c/r/logo.png?thumb=100x100&token=MASQUE"},
		{"/api/collections/beneficiaires/records?filter=nom~'Dupont'&perPage=5", "/api/collections/beneficiaires/records?filter=MASQUE&perPage=5"},
		{"/espace/seances?quand=passees", "/espace/seances?quand=passees"},
		{"/espace", "/espace"},
		{"/sms/retours/brevo/" + jeton, "/sms/retours/brevo/MASQUE"},
		{"/sms/retours/ovh/" + jeton + "?id=12&dlr=1&receiver=%2B33612345678", "/sms/retours/ovh/MASQUE?dlr=MASQUE&id=MASQUE&receiver=MASQUE"},
		{"/connexion/nouveau-mot-de-passe/" + jeton, "/connexion/nouveau-mot-de-passe/MASQUE"},
		{"/connexion/verifier/" + jeton, "/connexion/verifier/MASQUE"},
		{"http://atelier.example/connexion/changer-email/" + jeton, "http://atelier.example/connexion/changer-email/MASQUE"},
		{"/connexion?fait=mot-de-passe", "/connexion?fait=MASQUE"},
		{"/connexion/invitation/" + jeton, "/connexion/invitation/MASQUE"},
		{"/inscription/", "/inscription/"},
		{"", ""},
		{"%zz", "MASQUE"},
	}
	for _, c := range cases {
		if got := URL(c.in); got != c.want {
			t.Errorf("URL(%q) = %q, want %q", c.in, got, c.want)
		}
		if strings.Contains(URL(c.in), jeton) {
			t.Errorf("URL(%q) keeps the token", c.in)
		}
	}
}

func TestSQL(t *testing.T) {
	in := "SELECT * FROM `inscriptions` WHERE `jeton`='Ab12' AND nom = 'l''Hermite' AND rang = 3 AND x = X'00ff'"
	want := "SELECT * FROM `inscriptions` WHERE `jeton`='MASQUE' AND nom = 'MASQUE' AND rang = 3 AND x = 'MASQUE'"
	if got := SQL(in); got != want {
		t.Errorf("SQL = %q, want %q", got, want)
	}
}
