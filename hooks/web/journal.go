package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"atelier/hooks/journal"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/pagination"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

func journalHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		// The journal's list rule: coordinateurs only (pb_migrations).
		if staff == nil || !staff.Coordinateur() {
			return access.ErrForbidden
		}
		data := &journal.JournalData{Actions: referentiel.ActionsJournal}
		structures, err := model.StructureOptions(e.App, staff) // a coordinateur's: every one
		if err != nil {
			return err
		}
		data.Structures = structures
		data.Filtres, data.Errors = parseJournalFilters(e.Request.URL.Query(), structures)
		if err := journal.LoadJournal(e.App, data); err != nil {
			return err
		}
		status := http.StatusOK
		if len(data.Errors) > 0 {
			status = http.StatusUnprocessableEntity
		}
		return pe.render(e, status, "journal", "Journal des accès aux données", data)
	}
}

// parseJournalFilters reads the filters; a wrong one is reported next to
// its field and left out of the search, the others still apply.
func parseJournalFilters(q url.Values, structures []formulaire.Option) (journal.JournalFilters, formulaire.Erreurs) {
	f := journal.JournalFilters{Du: strings.TrimSpace(q.Get("du")), Au: strings.TrimSpace(q.Get("au")),
		Structure: q.Get("structure"), Action: q.Get("action"), Page: 1}
	errs := formulaire.Erreurs{}
	paris := frfmt.Location("")
	for _, d := range []struct {
		value, name string
		target      *time.Time
	}{{f.Du, "du", &f.Debut}, {f.Au, "au", &f.Fin}} {
		if d.value == "" {
			continue
		}
		day, err := time.ParseInLocation(journal.JournalDayLayout, d.value, paris)
		if err != nil {
			errs[d.name] = "Indiquez une date valide, par exemple 01/03/2026."
			continue
		}
		*d.target = day
	}
	if !f.Debut.IsZero() && !f.Fin.IsZero() && f.Fin.Before(f.Debut) {
		errs["au"] = "La fin de la période doit être après son début."
		f.Fin = time.Time{}
	}
	if f.Structure != "" && !formulaire.Contient(structures, f.Structure) {
		errs["structure"] = "Choisissez une structure dans la liste."
		f.Structure = ""
	}
	if f.Action != "" && !referentiel.ActionsJournal.Has(f.Action) {
		errs["action"] = "Choisissez une action dans la liste."
		f.Action = ""
	}
	f.Page = pagination.Demandee(q)
	return f, errs
}
