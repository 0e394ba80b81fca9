package pb_migrations

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// API rules are the security boundary of Atelier: pages and the REST API
// obey the same rules. The table in pb_migrations/REGLES.md explains them
// in plain words; keep both in sync.
//
// Building blocks (PocketBase filter syntax):
//   - a staff member is an authenticated, active "utilisateurs" record (a
//     deactivated account's token gets what an anonymous visitor gets);
//   - "member of X" means X is one of the staff member's structures;
//   - a coordinateur reaches every structure, but, like a référent, never
//     a person's record("everything a référent sees").
const (
	isStaff        = `(@request.auth.collectionName = "utilisateurs" && @request.auth.actif = true)`
	isCoordinateur = `(@request.auth.collectionName = "utilisateurs" && @request.auth.actif = true && @request.auth.role = "coordinateur")`
	isConseiller   = `(@request.auth.collectionName = "utilisateurs" && @request.auth.actif = true && @request.auth.role = "conseiller")`
	isReferent     = `(@request.auth.collectionName = "utilisateurs" && @request.auth.actif = true && @request.auth.role = "referent")`
)

// memberOf is true when the structure held by field is one of the caller's.
func memberOf(field string) string {
	return "@request.auth.structures.id ?= " + field
}

// staffOf: any staff member of the structure, or a coordinateur.
func staffOf(field string) string {
	return "(" + isCoordinateur + " || (" + isStaff + " && " + memberOf(field) + "))"
}

// conseillerOf: a conseiller of the structure (personal data lives here).
func conseillerOf(field string) string {
	return "(" + isConseiller + " && " + memberOf(field) + ")"
}

// confirmedConseillerOf: a conseiller of the structure whom its référent or
// an administrator confirmed for it (utilisateurs.confirme_pour, migration
// 1763900008). Nobody can confirm themselves, so no single account can give
// itself access to people: a coordinateur who creates a conseiller, adds a
// structure to one or changes a role, gets an account that reads nobody.
func confirmedConseillerOf(field string) string {
	return "(" + isConseiller + " && " + memberOf(field) + " && @request.auth.confirme_pour.id ?= " + field + ")"
}

// unset keeps fields out of a write.
func unset(fields ...string) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = "@request.body." + f + ":isset = false"
	}
	return and(parts...)
}

// unchanged keeps a field out of an update, or lets it be set to its value.
func unchanged(field string) string {
	return "(@request.body." + field + ":isset = false || @request.body." + field + " = " + field + ")"
}

func and(parts ...string) string { return "(" + strings.Join(parts, " && ") + ")" }
func or(parts ...string) string  { return "(" + strings.Join(parts, " || ") + ")" }

func rule(expr string) *string { return &expr }

// public is the empty rule: everybody, anonymous included.
var public = rule("")

// Rules of one collection. A nil rule means superusers only.
type collectionRules struct {
	list, view, create, update, delete *string
}

func rulesByCollection() map[string]collectionRules {
	rules := map[string]collectionRules{
		"structures": {
			list:   public,
			view:   public,
			create: rule(isCoordinateur),
			update: rule(or(isCoordinateur, and(isReferent, memberOf("id")))),
			delete: rule(isCoordinateur),
		},
		"utilisateurs": {
			list: rule(and(isStaff, or(`id = @request.auth.id`, isCoordinateur, memberOf("structures.id")))),
			view: rule(and(isStaff, or(`id = @request.auth.id`, isCoordinateur, memberOf("structures.id")))),
			// Accounts are managed by coordinateurs; people edit their own
			// name and phone but never their role, structures or status.
			create: rule(isCoordinateur),
			update: rule(or(isCoordinateur, and(`id = @request.auth.id`,
				`@request.body.role:isset = false`, `@request.body.structures:isset = false`, `@request.body.actif:isset = false`))),
			delete: rule(isCoordinateur),
		},
		"lieux": {
			list:   public,
			view:   public,
			create: rule(staffOf("@request.body.structure")),
			update: rule(and(staffOf("structure"), or(`@request.body.structure:isset = false`, staffOf("@request.body.structure")))),
			delete: rule(staffOf("structure")),
		},
		"ateliers": {
			// Active workshops are public (the public page shows them);
			// archived ones stay visible to the staff who may revive them.
			list:   rule(or(`actif = true`, and(isStaff, or(`structure = ""`, isCoordinateur, memberOf("structure"))))),
			view:   rule(or(`actif = true`, and(isStaff, or(`structure = ""`, isCoordinateur, memberOf("structure"))))),
			create: rule(or(isCoordinateur, and(isConseiller, `@request.body.structure != ""`, memberOf("@request.body.structure")))),
			// Shared entries (no structure) are read-only for conseillers.
			update: rule(or(isCoordinateur, and(isConseiller, `structure != ""`, memberOf("structure"),
				or(`@request.body.structure:isset = false`, memberOf("@request.body.structure"))))),
			delete: rule(or(isCoordinateur, and(isConseiller, `structure != ""`, memberOf("structure")))),
		},
		"seances": {
			list:   rule(or(`publique = true`, staffOf("structure"))),
			view:   rule(or(`publique = true`, staffOf("structure"))),
			create: rule(or(isCoordinateur, conseillerOf("@request.body.structure"))),
			update: rule(and(or(isCoordinateur, conseillerOf("structure")),
				or(`@request.body.structure:isset = false`, isCoordinateur, conseillerOf("@request.body.structure")))),
			delete: rule(or(isCoordinateur, conseillerOf("structure"))),
		},
		// Reports are generated by the server (snapshot, files); the API
		// only reads them.
		"rapports": {
			list: rule(staffOf("structure")),
			view: rule(staffOf("structure")),
		},
	}
	for name, r := range peopleRules(conseillerOf) {
		rules[name] = r
	}
	return rules
}

// peopleRules are the rules of the collections that hold people (names,
// contacts, what they attended): reader says who reads a structure's.
func peopleRules(reader func(field string) string) map[string]collectionRules {
	personal := func(structureField, bodyStructureField string) collectionRules {
		return collectionRules{
			list:   rule(reader(structureField)),
			view:   rule(reader(structureField)),
			create: rule(reader(bodyStructureField)),
			update: rule(reader(structureField)),
			delete: rule(reader(structureField)),
		}
	}

	beneficiaires := personal("structure", "@request.body.structure")
	beneficiaires.update = rule(and(reader("structure"), unchanged("structure")))

	inscriptions := personal("seance.structure", "@request.body.seance.structure")
	inscriptions.update = rule(and(reader("seance.structure"), unchanged("seance"), unchanged("beneficiaire")))

	ownHelp := and(`conseiller = @request.auth.id`, reader("structure"))
	accompagnements := collectionRules{
		list:   rule(reader("structure")),
		view:   rule(reader("structure")),
		create: rule(and(reader("@request.body.structure"), `@request.body.conseiller = @request.auth.id`)),
		update: rule(and(ownHelp, unchanged("conseiller"), unchanged("structure"))),
		delete: rule(ownHelp),
	}

	return map[string]collectionRules{
		"beneficiaires":   beneficiaires,
		"inscriptions":    inscriptions,
		"accompagnements": accompagnements,
		// Attestations are issued by the server (code, PDF): the API only
		// reads them.
		"attestations": {
			list: rule(reader("beneficiaire.structure")),
			view: rule(reader("beneficiaire.structure")),
		},
		"envois": {
			list: rule(reader("structure")),
			view: rule(reader("structure")),
		},
	}
}

// currentRules are the rules in force since migration 1763900008: the
// first release's (rulesByCollection, applied by 1763900000) where people
// are read by confirmed conseillers only, and accounts whose confirmation,
// password and e-mail no other staff member changes.
func currentRules() map[string]collectionRules {
	rules := rulesByCollection()
	for name, r := range peopleRules(confirmedConseillerOf) {
		rules[name] = r
	}
	rules["utilisateurs"] = accountRules()
	return rules
}

// accountRules: coordinateurs manage accounts (role, structures, status)
// but never set a password or an e-mail address but their own, nor a
// confirmation (référents and administrators confirm, hooks/comptes); the
// account itself edits its name, phone and, knowing the old one, its
// password.
func accountRules() collectionRules {
	self := `id = @request.auth.id`
	readable := rule(and(isStaff, or(self, isCoordinateur, memberOf("structures.id"))))
	return collectionRules{
		list:   readable,
		view:   readable,
		create: rule(and(isCoordinateur, unset("confirme_pour"))),
		update: rule(or(
			and(isStaff, self, unset("role", "structures", "actif", "confirme_pour")),
			and(isCoordinateur, unset("password", "email", "confirme_pour")))),
		delete: rule(isCoordinateur),
	}
}

func applyRules(c *core.Collection, r collectionRules) {
	c.ListRule = r.list
	c.ViewRule = r.view
	c.CreateRule = r.create
	c.UpdateRule = r.update
	c.DeleteRule = r.delete
}
