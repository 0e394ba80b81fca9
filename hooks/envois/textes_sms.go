package envois

import (
	"fmt"
	"strings"
	"time"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/sms"
	"atelier/hooks/seances"
)

// SMS texts: one per event, plain French, the structure's name at the end
// (it is the sender). One SMS holds 160 GSM-7 characters: the texts are
// written in GSM-7 (sms.VersGSM7) and, when they are too long, the title,
// then the place, then the reason and the structure's name are shortened
// with « … ». The personal link is never cut.

// smsChamps are the parts of a text that may be shortened, in that order.
type smsChamps struct {
	Titre, Lieu, Motif, Structure string
}

// smsMinimums are the lengths below which a part is not shortened.
type smsMinimums struct{ Titre, Lieu, Motif, Structure int }

// To reach one SMS, then to stay within two.
var (
	minUnSMS     = smsMinimums{Titre: 18, Lieu: 14, Motif: 20, Structure: 16}
	minDeuxSMS   = smsMinimums{Titre: 8, Lieu: 8, Motif: 8, Structure: 8}
	smsMaxVoulus = []int{1, 2}
)

// fitSMS writes the text with write, shortening its parts until it fits one
// SMS, else two; it never goes under the minimums.
func fitSMS(write func(c smsChamps) string, c smsChamps) string {
	for _, target := range smsMaxVoulus {
		mins := minUnSMS
		if target > 1 {
			mins = minDeuxSMS
		}
		if text, ok := shortenTo(write, c, mins, target); ok {
			return text
		}
	}
	text, _ := shortenTo(write, c, minDeuxSMS, 2)
	return text
}

func shortenTo(write func(c smsChamps) string, c smsChamps, mins smsMinimums, target int) (string, bool) {
	render := func() string { return sms.VersGSM7(write(c)) }
	text := render()
	for _, part := range []struct {
		value *string
		min   int
	}{{&c.Titre, mins.Titre}, {&c.Lieu, mins.Lieu}, {&c.Motif, mins.Motif}, {&c.Structure, mins.Structure}} {
		for sms.Segments(text) > target && len([]rune(*part.value)) > part.min {
			*part.value = raccourcir(*part.value, len([]rune(*part.value))-1)
			text = render()
		}
	}
	return text, sms.Segments(text) <= target
}

// raccourcir keeps the first n runes of s, the last one being « … ».
func raccourcir(s string, n int) string {
	r := []rune(strings.TrimSuffix(s, "…"))
	if n < 1 || len(r) < n {
		return s
	}
	return strings.TrimRight(string(r[:n-1]), " ,.;:-'") + "…"
}

// quand is the day and time of a session, short: « mardi 3 décembre à 14 h ».
func quand(s *seances.SeanceView) string {
	return frfmt.DateSansAnnee(s.Debut) + " à " + frfmt.Heure(s.Debut)
}

func champsDe(s *seances.SeanceView) smsChamps {
	return smsChamps{Titre: s.Titre, Lieu: s.Lieu.Nom, Structure: s.Structure.Nom}
}

// SMSConfirmation: the registration is confirmed.
func SMSConfirmation(s *seances.SeanceView, lien string) string {
	return fitSMS(func(c smsChamps) string {
		return fmt.Sprintf("Inscription confirmée : « %s », %s, %s.%s\n%s", c.Titre, quand(s), c.Lieu, annuler(lien), c.Structure)
	}, champsDe(s))
}

// SMSListeAttente: the session is full, the person waits at rang.
func SMSListeAttente(s *seances.SeanceView, rang int, lien string) string {
	return fitSMS(func(c smsChamps) string {
		return fmt.Sprintf("Atelier « %s » %s complet. Vous êtes sur liste d'attente (rang %d). Un SMS vous dira si une place se libère.%s\n%s",
			c.Titre, quand(s), rang, suivre(lien), c.Structure)
	}, champsDe(s))
}

// SMSPromotion: a place freed up and it is theirs.
func SMSPromotion(s *seances.SeanceView, lien string) string {
	return fitSMS(func(c smsChamps) string {
		return fmt.Sprintf("Une place pour vous : atelier « %s », %s, %s.%s\n%s", c.Titre, quand(s), c.Lieu, annuler(lien), c.Structure)
	}, champsDe(s))
}

// SMSOffre: a place freed up and is offered until echeance (in the
// structure's time zone); the person confirms on their page.
func SMSOffre(s *seances.SeanceView, echeance time.Time, lien string) string {
	return fitSMS(func(c smsChamps) string {
		return fmt.Sprintf("Place libérée pour vous : « %s », le %s à %s. Confirmez avant le %s à %s : %s\n%s",
			c.Titre, s.Debut.Format("02/01"), frfmt.Heure(s.Debut), echeance.Format("02/01"), frfmt.Heure(echeance), lien, c.Structure)
	}, champsDe(s))
}

// SMSChangement: the session moved (date, time or place).
func SMSChangement(s *seances.SeanceView, lien string) string {
	return fitSMS(func(c smsChamps) string {
		return fmt.Sprintf("Changement : l'atelier « %s » aura lieu %s, %s.%s\n%s", c.Titre, quand(s), c.Lieu, annuler(lien), c.Structure)
	}, champsDe(s))
}

// SMSAnnulationSeance: the session will not take place; no link, there is
// nothing left to do with the registration.
func SMSAnnulationSeance(s *seances.SeanceView, motif string) string {
	c := champsDe(s)
	c.Motif = strings.Join(strings.Fields(motif), " ")
	return fitSMS(func(c smsChamps) string {
		raison := ""
		if c.Motif != "" {
			raison = " Raison : " + c.Motif + "."
		}
		return fmt.Sprintf("Désolé, l'atelier « %s » du %s est annulé.%s Vous n'avez rien à faire.\n%s", c.Titre, quand(s), raison, c.Structure)
	}, c)
}

// SMSAnnulationInscription: staff cancelled the registration; the link
// lets the person register again.
func SMSAnnulationInscription(s *seances.SeanceView, lien string) string {
	return fitSMS(func(c smsChamps) string {
		text := fmt.Sprintf("Inscription annulée : atelier « %s » du %s.", c.Titre, quand(s))
		if lien != "" {
			text += " Se réinscrire : " + lien
		}
		return text + "\n" + c.Structure
	}, champsDe(s))
}

// SMSRappel: the session is near.
func SMSRappel(s *seances.SeanceView, lien string) string {
	return fitSMS(func(c smsChamps) string {
		return fmt.Sprintf("Rappel : atelier « %s » %s, %s.%s\n%s", c.Titre, quand(s), c.Lieu, annuler(lien), c.Structure)
	}, champsDe(s))
}

func annuler(lien string) string {
	if lien == "" {
		return ""
	}
	return " Pour annuler : " + lien
}

func suivre(lien string) string {
	if lien == "" {
		return ""
	}
	return " Votre inscription : " + lien
}
