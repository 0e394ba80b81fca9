package envois

import "testing"

func TestCanalPourChoosesOneChannel(t *testing.T) {
	const mobile, fixe = "+33612345678", "+33549123456"
	for _, c := range []struct {
		p    Personne
		want string
	}{
		{Personne{Email: "a@example.org", Telephone: mobile}, CanalEmail},
		{Personne{Email: "a@example.org", Telephone: mobile, PrefereSMS: true}, CanalSMS},
		{Personne{Email: "a@example.org", Telephone: fixe, PrefereSMS: true}, CanalEmail}, // a landline is never texted
		{Personne{Telephone: mobile}, CanalSMS},
		{Personne{Telephone: "+262692123456"}, CanalSMS}, // La Réunion's mobiles
		{Personne{Telephone: fixe}, CanalTelephone},
		{Personne{Telephone: fixe, PrefereSMS: true}, CanalTelephone},
		{Personne{}, CanalTelephone},
	} {
		if got := CanalPour(c.p); got != c.want {
			t.Errorf("CanalPour(%+v) = %s, want %s", c.p, got, c.want)
		}
	}
}
