// Package model is the typed access to Atelier's collections: their names,
// status and role values, the staff identity and its structures, and the
// conversions between database values and Go values. It holds no HTTP and
// no business rule beyond what a value means.
package model

import (
	"slices"
	"strings"

	"atelier/hooks/lib/referentiel"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Roles of the utilisateurs collection.
const (
	RoleConseiller   = "conseiller"
	RoleReferent     = "referent"
	RoleCoordinateur = "coordinateur"
)

// StaffView is the signed-in staff member: who they are, their role and
// their structures. Every role decision of the pages reads it; the API
// rules (pb_migrations/rules.go) say the same in PocketBase's language.
type StaffView struct {
	ID, Prenom, Nom, Role, RoleValue string
	Structures                       []string // ids; empty means every structure (coordinateur)
	// Confirmees are the structures whose people the account reads,
	// confirmed by their référent or an administrator (hooks/comptes).
	Confirmees []string
}

// NewStaffView is the staff identity of an auth record, or nil for anyone
// else (a superuser, no one).
func NewStaffView(auth *core.Record) *StaffView {
	if auth == nil || auth.Collection().Name != "utilisateurs" {
		return nil
	}
	v := &StaffView{ID: auth.Id, Prenom: auth.GetString("prenom"), Nom: auth.GetString("nom"),
		RoleValue: auth.GetString("role"), Role: strings.ToLower(referentiel.Roles.Label(auth.GetString("role")))}
	if !v.Coordinateur() {
		v.Structures = auth.GetStringSlice("structures")
	}
	v.Confirmees = auth.GetStringSlice("confirme_pour")
	return v
}

// Coordinateur: the staff member works for every structure of the instance.
func (s *StaffView) Coordinateur() bool { return s.RoleValue == RoleCoordinateur }

// VoitPersonnes: only conseillers read beneficiaries, registrations and
// one-to-one help (the API rules); référents and coordinateurs see counts.
func (s *StaffView) VoitPersonnes() bool { return s.RoleValue == RoleConseiller }

// LitPersonnesDe: a conseiller of the structure, confirmed for it (the
// people collections' API rules).
func (s *StaffView) LitPersonnesDe(structure string) bool {
	return s.VoitPersonnes() && slices.Contains(s.Structures, structure) && slices.Contains(s.Confirmees, structure)
}

// AttendConfirmation: a conseiller with a structure whose people they do
// not read yet (the dashboard says why).
func (s *StaffView) AttendConfirmation() bool {
	if !s.VoitPersonnes() {
		return false
	}
	for _, id := range s.Structures {
		if !s.LitPersonnesDe(id) {
			return true
		}
	}
	return false
}

// LecteurDePersonnes is the staff member narrowed to the structures whose
// people they read: every query scoped with it (Scope) leaves out a
// structure they are not confirmed for yet.
func (s *StaffView) LecteurDePersonnes() *StaffView {
	v := *s
	v.Structures = nil
	for _, id := range s.Structures {
		if s.LitPersonnesDe(id) {
			v.Structures = append(v.Structures, id)
		}
	}
	return &v
}

// In tells whether path is section or one of its pages (for the menu).
func (s *StaffView) In(path, section string) bool {
	return path == section || strings.HasPrefix(path, section+"/")
}

// Member tells whether the staff member works in structure (a coordinateur
// works in every one).
func (s *StaffView) Member(structure string) bool {
	return s.Coordinateur() || slices.Contains(s.Structures, structure)
}

// Scope restricts a query on the column holding a structure id to the
// staff member's structures.
func (s *StaffView) Scope(column string) dbx.Expression {
	if s.Coordinateur() {
		return dbx.NewExp("1 = 1")
	}
	ids := make([]any, len(s.Structures))
	for i, id := range s.Structures {
		ids[i] = id
	}
	if len(ids) == 0 {
		return dbx.NewExp("1 = 0")
	}
	return dbx.In(column, ids...)
}

// PeutPlanifier: conseillers plan their structures' sessions, coordinateurs
// any structure's (the seances create rule); référents only read.
func (s *StaffView) PeutPlanifier() bool {
	return s.RoleValue == RoleConseiller || s.Coordinateur()
}

// PeutCreerAteliers tells whether to offer creating (and copying) a
// workshop: the create rule lets conseillers create in their structures and
// coordinateurs anywhere. It only decides what is shown; the create rule
// decides what is saved.
func (s *StaffView) PeutCreerAteliers() bool {
	return s.Coordinateur() || (s.RoleValue == RoleConseiller && len(s.Structures) > 0)
}

// PeutCreerLieux tells whether to offer « Ajouter un lieu »: the create
// rule lets the staff of a structure and coordinateurs create. It only
// decides what is shown; the create rule decides what is saved.
func (s *StaffView) PeutCreerLieux() bool {
	return s.Coordinateur() || len(s.Structures) > 0
}

// GereComptes: référents and coordinateurs manage staff accounts on
// « Comptes » (invite, deactivate, change role and structures;
// hooks/comptes); conseillers do not.
func (s *StaffView) GereComptes() bool {
	return s.RoleValue == RoleReferent || s.Coordinateur()
}

// PeutDonnerRole: a coordinateur gives every role; a référent makes
// conseillers and référents, never a coordinateur.
func (s *StaffView) PeutDonnerRole(role string) bool {
	switch role {
	case RoleConseiller, RoleReferent:
		return s.GereComptes()
	case RoleCoordinateur:
		return s.Coordinateur()
	}
	return false
}

// GereCompte tells whether s manages an account of role working in
// structures: a coordinateur manages every account; a référent a
// conseiller or référent all of whose structures are theirs (an account
// shared with another structure is the coordinateur's to change). Nobody
// manages their own account here: the caller checks who it is.
func (s *StaffView) GereCompte(role string, structures []string) bool {
	if s.Coordinateur() {
		return true
	}
	if s.RoleValue != RoleReferent || !s.PeutDonnerRole(role) || len(structures) == 0 {
		return false
	}
	for _, id := range structures {
		if !slices.Contains(s.Structures, id) {
			return false
		}
	}
	return true
}
