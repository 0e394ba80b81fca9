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
//   - a staff member is an authenticated "utilisateurs" record;
//   - "member of X" means X is one of the staff member's structures;
//   - a coordinateur reaches every structure, but, like a référent, never
//     a person's record("everything a référent sees").
const (
	isStaff        = `@request.auth.collectionName = "utilisateurs"`
	isCoordinateur = `(@request.auth.collectionName = "utilisateurs" && @request.auth.role = "coordinateur")`
	isConseiller   = `(@request.auth.collectionName = "utilisateurs" && @request.auth.role = "conseiller")`
	isReferent     = `(@request.auth.collectionName = "utilisateurs" && @request.auth.role = "referent")`
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
	personal := func(structureField, bodyStructureField string) collectionRules {
		return collectionRules{
			list:   rule(conseillerOf(structureField)),
			view:   rule(conseillerOf(structureField)),
			create: rule(conseillerOf(bodyStructureField)),
			update: rule(conseillerOf(structureField)),
			delete: rule(conseillerOf(structureField)),
		}
	}

	beneficiaires := personal("structure", "@request.body.structure")
	beneficiaires.update = rule(and(conseillerOf("structure"), unchanged("structure")))

	inscriptions := personal("seance.structure", "@request.body.seance.structure")
	inscriptions.update = rule(and(conseillerOf("seance.structure"), unchanged("seance"), unchanged("beneficiaire")))

	ownHelp := and(`conseiller = @request.auth.id`, conseillerOf("structure"))
	accompagnements := collectionRules{
		list:   rule(conseillerOf("structure")),
		view:   rule(conseillerOf("structure")),
		create: rule(and(conseillerOf("@request.body.structure"), `@request.body.conseiller = @request.auth.id`)),
		update: rule(and(ownHelp, unchanged("conseiller"), unchanged("structure"))),
		delete: rule(ownHelp),
	}

	return map[string]collectionRules{
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
		"beneficiaires":   beneficiaires,
		"inscriptions":    inscriptions,
		"accompagnements": accompagnements,
		// Attestations and reports are generated by the server (code, PDF,
		// snapshot); the API only reads them.
		"attestations": {
			list: rule(conseillerOf("beneficiaire.structure")),
			view: rule(conseillerOf("beneficiaire.structure")),
		},
		"rapports": {
			list: rule(staffOf("structure")),
			view: rule(staffOf("structure")),
		},
		"envois": {
			list: rule(conseillerOf("structure")),
			view: rule(conseillerOf("structure")),
		},
	}
}

func applyRules(c *core.Collection, r collectionRules) {
	c.ListRule = r.list
	c.ViewRule = r.view
	c.CreateRule = r.create
	c.UpdateRule = r.update
	c.DeleteRule = r.delete
}
