package comptes

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/envois"
	"atelier/hooks/journal"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

// change is what a save did to an account's rights, per structure
// concerned.
type change struct {
	structures []string // the structures whose référents must know
	what       []string // in French, without the account's name
}

// changesOf compares an account before (nil: just created) and after a save.
func changesOf(before, after *core.Record) change {
	structures := after.GetStringSlice("structures")
	role := referentiel.Roles.Label(after.GetString("role"))
	if before == nil {
		c := change{structures: structures, what: []string{"compte créé, rôle " + role}}
		if invited(after) {
			c.what = []string{"invitation envoyée, rôle " + role + " ; le compte reste inactif jusqu'au choix du mot de passe"}
		}
		if confirmed := after.GetStringSlice(Confirmations); len(confirmed) > 0 {
			c.what = append(c.what, "confirmé par un administrateur")
		}
		return c
	}
	var c change
	concern := func(ids ...string) {
		for _, id := range ids {
			if !slices.Contains(c.structures, id) {
				c.structures = append(c.structures, id)
			}
		}
	}
	if was := before.GetString("role"); was != after.GetString("role") {
		c.what = append(c.what, "rôle changé : "+referentiel.Roles.Label(was)+" → "+role)
		concern(structures...)
	}
	was := before.GetStringSlice("structures")
	if added := missing(structures, was); len(added) > 0 {
		c.what = append(c.what, "structure ajoutée")
		concern(added...)
	}
	if removed := missing(was, structures); len(removed) > 0 {
		c.what = append(c.what, "structure retirée")
		concern(removed...)
	}
	if confirmed := missing(after.GetStringSlice(Confirmations), before.GetStringSlice(Confirmations)); len(confirmed) > 0 {
		c.what = append(c.what, "confirmé pour voir les personnes de la structure")
		concern(confirmed...)
	}
	switch {
	case invited(before) && !invited(after) && after.GetBool("actif"):
		c.what = append(c.what, "invitation acceptée, compte activé")
		concern(structures...)
	case !before.GetBool("actif") && after.GetBool("actif"):
		c.what = append(c.what, "compte réactivé")
		concern(structures...)
	case before.GetBool("actif") && !after.GetBool("actif"):
		c.what = append(c.what, "compte désactivé")
		concern(structures...)
	}
	return c
}

// missing lists the values of a that b lacks.
func missing(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// recordGrants writes what a save did to an account's rights into the
// journal (one line per structure concerned, with the change: app may be
// its transaction) and tells the référents of those structures by e-mail
// once it is committed (base is the application itself: an SMTP server may
// take seconds, never inside a write transaction). Failures are logged:
// the change is made.
func recordGrants(app, base core.App, auth *core.Record, before, after *core.Record) {
	recordGrantsBy(app, base, func(structure, details string) error {
		return journal.LogGrant(app, auth, structure, details)
	}, before, after)
}

// recordGrantsBy is recordGrants with the journal line written by log.
func recordGrantsBy(app, base core.App, log func(structure, details string) error, before, after *core.Record) {
	c := changesOf(before, after)
	if len(c.what) == 0 {
		return
	}
	details := "Compte " + after.Id + " : " + strings.Join(c.what, " ; ")
	journaled := c.structures
	if len(journaled) == 0 {
		journaled = []string{""}
	}
	for _, structure := range journaled {
		if err := log(structure, details); err != nil {
			app.Logger().Error("journal of an account's rights", "compte", after.Id, "error", err)
		}
	}
	account := after.Clone()
	tell := func() {
		for _, structure := range c.structures {
			tellReferents(base, structure, account, c.what)
		}
	}
	if !app.IsTransactional() {
		tell()
		return
	}
	app.TxInfo().OnComplete(func(txErr error) error {
		if txErr == nil {
			tell()
		}
		return nil
	})
}

// grantMail is the message a référent receives.
type grantMail struct {
	Prenom, Compte, Email, Structure, Changements, Lien string
	AConfirmer                                          bool
}

var grantEmail = template.Must(template.New("droits").Parse(`<!doctype html>
<html lang="fr"><body style="font-family: system-ui, Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #1b1b1b">
<p>Bonjour {{.Prenom}},</p>
<p>Les droits du compte de {{.Compte}} ({{.Email}}) dans {{.Structure}} ont changé : {{.Changements}}.</p>
{{if .AConfirmer}}<p>Ce compte ne voit aucune personne de votre structure tant que vous ne l'avez pas confirmé :<br><a href="{{.Lien}}">{{.Lien}}</a></p>{{end}}
<p>Si vous n'attendiez pas ce changement, prévenez l'administrateur d'Atelier.</p>
<p>Bonne journée,<br>Atelier</p>
</body></html>`))

func (m grantMail) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Bonjour %s,\n\nLes droits du compte de %s (%s) dans %s ont changé : %s.\n\n", m.Prenom, m.Compte, m.Email, m.Structure, m.Changements)
	if m.AConfirmer {
		fmt.Fprintf(&b, "Ce compte ne voit aucune personne de votre structure tant que vous ne l'avez pas confirmé :\n%s\n\n", m.Lien)
	}
	b.WriteString("Si vous n'attendiez pas ce changement, prévenez l'administrateur d'Atelier.\n\nBonne journée,\nAtelier\n")
	return b.String()
}

func tellReferents(app core.App, structure string, account *core.Record, what []string) {
	referents, err := model.ReferentsOf(app, structure)
	if err != nil {
		app.Logger().Error("référents to tell about an account", "structure", structure, "error", err)
		return
	}
	s, err := app.FindRecordById("structures", structure)
	if err != nil {
		return // a structure just deleted: nobody to tell
	}
	for _, r := range referents {
		if r.ID == account.Id {
			continue // a référent is told of their own rights by the others
		}
		m := grantMail{Prenom: r.Prenom, Compte: strings.TrimSpace(account.GetString("prenom") + " " + account.GetString("nom")),
			Email: account.Email(), Structure: s.GetString("nom"), Changements: strings.Join(what, " ; "),
			Lien: envois.InstanceURL(app) + PagePath, AConfirmer: pending(account, structure)}
		var html bytes.Buffer
		if err := grantEmail.Execute(&html, m); err != nil {
			app.Logger().Error("render the account e-mail", "error", err)
			return
		}
		n := envois.Notification{Structure: structure, Evenement: "droits_compte", Cible: account.Id, Destinataire: r.Email,
			Objet: envois.Objet("Droits d'un compte de ", m.Structure, ""), HTML: html.String(), Texte: m.text()}
		if err := envois.SendEmail(app, n); err != nil {
			app.Logger().Warn("account e-mail to a référent", "structure", structure, "to", r.ID, "error", err)
		}
	}
}

// pending: the account works in structure, is active, and waits for its
// référent's confirmation there.
func pending(account *core.Record, structure string) bool {
	role := account.GetString("role")
	return account.GetBool("actif") && (role == model.RoleConseiller || role == model.RoleReferent) &&
		slices.Contains(account.GetStringSlice("structures"), structure) &&
		!slices.Contains(account.GetStringSlice(Confirmations), structure)
}
