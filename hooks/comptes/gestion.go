package comptes

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/journal"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/lib/texte"
	"atelier/hooks/model"
)

// Fields of the account forms, shared with the pages.
const (
	ChampPrenom     = "prenom"
	ChampNom        = "nom"
	ChampRole       = "role"
	ChampStructures = "structures"
)

// States of an account as « Comptes » shows them.
const (
	EtatInvitee           = "invitee"
	EtatInvitationExpiree = "invitation_expiree"
	EtatActive            = "active"
	EtatAConfirmer        = "a_confirmer"
	EtatDesactivee        = "desactivee"
)

var etatLabels = map[string]string{
	EtatInvitee:           "Invitée",
	EtatInvitationExpiree: "Invitation expirée",
	EtatActive:            "Active",
	EtatAConfirmer:        "À confirmer",
	EtatDesactivee:        "Désactivée",
}

// ErrSoiMeme: nobody changes their own role, structures or status here
// (another référent or a coordinateur does), so nobody locks themselves out
// or raises themselves.
var ErrSoiMeme = errors.New("an account does not change its own rights")

// ErrDernierCoordinateur: the last active coordinateur keeps the role and
// the account, or nobody could manage the accounts from the workspace.
var ErrDernierCoordinateur = errors.New("the last active coordinateur")

// Compte is one account as « Comptes » lists it.
type Compte struct {
	ID, Prenom, Nom, Email, Role, RoleValue string
	StructureIDs                            []string
	Structures                              string // names, comma-separated
	Etat, EtatLabel                         string
	Expire                                  string // invitation's end, in French; empty when none
	Gerable                                 bool   // the signed-in account may change it
	Soi                                     bool   // the signed-in account itself
}

// MayManage tells whether auth sees « Comptes » (a référent or a
// coordinateur, active).
func MayManage(auth *core.Record) bool {
	staff := model.NewStaffView(auth)
	return staff != nil && auth.GetBool("actif") && staff.GereComptes()
}

// etatOf is the state of an account at now.
func etatOf(account *core.Record, now time.Time) string {
	if expire := account.GetDateTime("invitation_expire"); !expire.IsZero() {
		if !expire.Time().After(now) {
			return EtatInvitationExpiree
		}
		return EtatInvitee
	}
	if !account.GetBool("actif") {
		return EtatDesactivee
	}
	for _, s := range account.GetStringSlice("structures") {
		if pending(account, s) {
			return EtatAConfirmer
		}
	}
	return EtatActive
}

// invited: the account waits for its person to accept an invitation.
func invited(account *core.Record) bool {
	return !account.GetDateTime("invitation_expire").IsZero()
}

// manages tells whether auth may change account (never their own).
func manages(auth, account *core.Record) bool {
	staff := model.NewStaffView(auth)
	return staff != nil && auth.GetBool("actif") && auth.Id != account.Id &&
		staff.GereCompte(account.GetString("role"), account.GetStringSlice("structures"))
}

// List lists the accounts auth sees on « Comptes »: every account for a
// coordinateur, the accounts sharing a structure with a référent (as the
// API's list rule), by name.
func List(app core.App, auth *core.Record) ([]Compte, error) {
	staff := model.NewStaffView(auth)
	if !MayManage(auth) {
		return nil, access.ErrForbidden
	}
	accounts, err := app.FindAllRecords("utilisateurs")
	if err != nil {
		return nil, fmt.Errorf("list the accounts: %w", err)
	}
	names, err := structuresByID(app)
	if err != nil {
		return nil, err
	}
	now := clock.Now(app)
	var out []Compte
	for _, a := range accounts {
		if !staff.Coordinateur() && a.Id != auth.Id && !slices.ContainsFunc(a.GetStringSlice("structures"), staff.Member) {
			continue
		}
		out = append(out, compteOf(a, auth, names, now))
	}
	slices.SortFunc(out, func(a, b Compte) int {
		return cmp.Or(strings.Compare(texte.Plier(a.Nom), texte.Plier(b.Nom)),
			strings.Compare(texte.Plier(a.Prenom), texte.Plier(b.Prenom)), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// Find is one account auth may see on « Comptes ».
func Find(app core.App, auth *core.Record, id string) (Compte, error) {
	account, err := visible(app, auth, id)
	if err != nil {
		return Compte{}, err
	}
	names, err := structuresByID(app)
	if err != nil {
		return Compte{}, err
	}
	return compteOf(account, auth, names, clock.Now(app)), nil
}

// visible finds an account auth sees; any other is not found.
func visible(app core.App, auth *core.Record, id string) (*core.Record, error) {
	if !MayManage(auth) {
		return nil, access.ErrForbidden
	}
	account, err := app.FindRecordById("utilisateurs", id)
	if err != nil {
		return nil, model.ErrNotFound
	}
	staff := model.NewStaffView(auth)
	if !staff.Coordinateur() && account.Id != auth.Id && !slices.ContainsFunc(account.GetStringSlice("structures"), staff.Member) {
		return nil, model.ErrNotFound
	}
	return account, nil
}

// managed finds an account auth may change: one they only see is
// forbidden.
func managed(app core.App, auth *core.Record, id string) (*core.Record, error) {
	account, err := visible(app, auth, id)
	if err != nil {
		return nil, err
	}
	if account.Id == auth.Id {
		return nil, ErrSoiMeme
	}
	if !manages(auth, account) {
		return nil, access.ErrForbidden
	}
	return account, nil
}

func compteOf(a, auth *core.Record, structures map[string]*core.Record, now time.Time) Compte {
	c := Compte{ID: a.Id, Prenom: a.GetString("prenom"), Nom: a.GetString("nom"), Email: a.Email(),
		RoleValue: a.GetString("role"), Role: referentiel.Roles.Label(a.GetString("role")),
		StructureIDs: a.GetStringSlice("structures"), Etat: etatOf(a, now), Soi: a.Id == auth.Id,
		Gerable: manages(auth, a)}
	c.EtatLabel = etatLabels[c.Etat]
	var labels []string
	for _, id := range c.StructureIDs {
		if s := structures[id]; s != nil {
			labels = append(labels, s.GetString("nom"))
		}
	}
	c.Structures = strings.Join(labels, ", ")
	if expire := a.GetDateTime("invitation_expire"); !expire.IsZero() {
		c.Expire = frfmt.DateHeure(frfmt.In(expire.Time(), zoneOf(structures, a)))
	}
	return c
}

// zoneOf is the time zone an account's dates are told in: its first
// structure's, or Paris.
func zoneOf(structures map[string]*core.Record, account *core.Record) string {
	for _, id := range account.GetStringSlice("structures") {
		if s := structures[id]; s != nil && s.GetString("fuseau") != "" {
			return s.GetString("fuseau")
		}
	}
	return "Europe/Paris"
}

// structuresByID are every structure, by id.
func structuresByID(app core.App) (map[string]*core.Record, error) {
	records, err := app.FindAllRecords("structures")
	if err != nil {
		return nil, fmt.Errorf("structures of the accounts: %w", err)
	}
	out := map[string]*core.Record{}
	for _, r := range records {
		out[r.Id] = r
	}
	return out, nil
}

// RoleOptions are the roles auth may give.
func RoleOptions(auth *core.Record) []formulaire.Option {
	staff := model.NewStaffView(auth)
	var out []formulaire.Option
	for _, o := range referentiel.Roles {
		if staff != nil && staff.PeutDonnerRole(o.Value) {
			out = append(out, formulaire.Option{Value: o.Value, Label: o.Label})
		}
	}
	return out
}

// StructureOptions are the structures auth may give: their own for a
// référent, every one for a coordinateur.
func StructureOptions(app core.App, auth *core.Record) ([]formulaire.Option, error) {
	return model.StructureOptions(app, model.NewStaffView(auth))
}

// checkRights says, next to each field, what is wrong with a role and
// structures auth would give.
func checkRights(app core.App, auth *core.Record, role string, structures []string) (formulaire.Erreurs, error) {
	errs := formulaire.Erreurs{}
	staff := model.NewStaffView(auth)
	if !staff.PeutDonnerRole(role) {
		errs[ChampRole] = "Choisissez un rôle dans la liste."
	}
	options, err := StructureOptions(app, auth)
	if err != nil {
		return nil, err
	}
	for _, id := range structures {
		if !formulaire.Contient(options, id) {
			errs[ChampStructures] = "Choisissez parmi les structures de la liste."
		}
	}
	if _, bad := errs[ChampStructures]; !bad && len(structures) == 0 && role != model.RoleCoordinateur {
		errs[ChampStructures] = "Cochez au moins une structure."
	}
	return errs, nil
}

// lastCoordinateur tells whether the change from before to after removes
// the last active coordinateur.
func lastCoordinateur(app core.App, before, after *core.Record) (bool, error) {
	wasOne := before.GetBool("actif") && before.GetString("role") == model.RoleCoordinateur
	stays := after != nil && after.GetBool("actif") && after.GetString("role") == model.RoleCoordinateur
	if !wasOne || stays {
		return false, nil
	}
	var others int
	err := app.DB().Select("count(*)").From("utilisateurs").
		Where(dbx.NewExp("actif = true AND role = {:role} AND id != {:id}", dbx.Params{"role": model.RoleCoordinateur, "id": before.Id})).
		Row(&others)
	if err != nil {
		return false, fmt.Errorf("count the coordinateurs: %w", err)
	}
	return others == 0, nil
}

// saveRights saves a change auth made to account and journals it, in one
// transaction; the référents hear of it once committed.
func saveRights(app core.App, auth, before, account *core.Record) error {
	if last, err := lastCoordinateur(app, before, account); err != nil {
		return err
	} else if last {
		return ErrDernierCoordinateur
	}
	return app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(account); err != nil {
			return fmt.Errorf("save the account %s: %w", account.Id, err)
		}
		recordGrants(tx, app, auth, before, account)
		return nil
	})
}

// ChangeRights gives account a role and structures, on behalf of auth.
// A référent gives only their own structures; the account's structures
// outside them were refused before (managed).
func ChangeRights(app core.App, auth *core.Record, id, role string, structures []string) (formulaire.Erreurs, error) {
	account, err := managed(app, auth, id)
	if err != nil {
		return nil, err
	}
	errs, err := checkRights(app, auth, role, structures)
	if err != nil || len(errs) > 0 {
		return errs, err
	}
	before := account.Clone()
	account.Set("role", role)
	account.Set("structures", structures)
	return nil, saveRights(app, auth, before, account)
}

// Deactivate ends every session of account (hooks: new token key) and
// keeps it from signing in; its records stay.
func Deactivate(app core.App, auth *core.Record, id string) (*core.Record, error) {
	account, err := managed(app, auth, id)
	if err != nil {
		return nil, err
	}
	if invited(account) || !account.GetBool("actif") {
		return nil, model.ErrNotFound
	}
	before := account.Clone()
	account.Set("actif", false)
	return account, saveRights(app, auth, before, account)
}

// Reactivate lets a deactivated account sign in again; its référent
// confirms it again only if its role or structures changed meanwhile.
func Reactivate(app core.App, auth *core.Record, id string) (*core.Record, error) {
	account, err := managed(app, auth, id)
	if err != nil {
		return nil, err
	}
	if invited(account) || account.GetBool("actif") {
		return nil, model.ErrNotFound
	}
	before := account.Clone()
	account.Set("actif", true)
	return account, saveRights(app, auth, before, account)
}

// logInvitation journals what happened to an invitation, per structure of
// the account (its id, never its name).
func logInvitation(app core.App, auth, account *core.Record, what string) error {
	structures := account.GetStringSlice("structures")
	if len(structures) == 0 {
		structures = []string{""}
	}
	for _, s := range structures {
		if err := journal.LogGrant(app, auth, s, "Compte "+account.Id+" : "+what); err != nil {
			return err
		}
	}
	return nil
}
