package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/journal"
	"atelier/hooks/rgpd"
)

// RegisterPrivacyPages binds the public privacy page, the open data and
// the workspace pages of the rights and the audit log.
func RegisterPrivacyPages(se *core.ServeEvent, g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	se.Router.GET("/confidentialite", pe.Page(confidentialiteHandler(pe))).Bind(apis.SkipSuccessActivityLog())
	se.Router.GET("/donnees/lieux.json", pe.Page(openDataHandler(pe, openDataJSON))).Bind(apis.SkipSuccessActivityLog())
	se.Router.GET("/donnees/lieux.csv", pe.Page(openDataHandler(pe, openDataCSV))).Bind(apis.SkipSuccessActivityLog())
	g.GET("/beneficiaires/{id}/donnees", pe.Page(exportPageHandler(pe)))
	g.GET("/beneficiaires/{id}/donnees.json", pe.Page(exportJSONHandler))
	g.GET("/beneficiaires/{id}/effacer", pe.Page(erasePageHandler(pe)))
	g.POST("/beneficiaires/{id}/effacer", pe.Page(erasePostHandler(pe)))
	g.GET("/journal", pe.Page(journalHandler(pe)))
}

// rightsSubject loads the beneficiary of the URL for a rights page: a
// conseiller of their structure only (404 for another structure's id, 403
// for those who read no person). A merged record sends to the kept one.
func rightsSubject(e *core.RequestEvent, suffix string) (*core.Record, error) {
	if _, err := access.PeopleReader(e); err != nil {
		return nil, err
	}
	record, kept, err := beneficiaireOfPath(e, "id")
	if err != nil {
		return nil, err
	}
	if kept != "" {
		return nil, redirectWithFlash(e, "/espace/beneficiaires/"+kept+suffix, "Cette fiche a été fusionnée avec celle-ci.")
	}
	return record, nil
}

func exportPageHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		record, err := rightsSubject(e, "/donnees")
		if err != nil || record == nil {
			return err
		}
		data, err := rgpd.ExportPerson(e.App, record, clock.Now(e.App))
		if err != nil {
			return err
		}
		if err := journal.LogAccess(e.App, e.Auth, journal.Export, record, "Page de ses données"); err != nil {
			return err
		}
		title := "Données de " + strings.TrimSpace(data.Personne.Prenom+" "+data.Personne.Nom)
		if data.Personne.Anonymise {
			title = "Données d'une personne anonymisée"
		}
		return pe.render(e, http.StatusOK, "rgpd_export", title, data)
	}
}

func exportJSONHandler(e *core.RequestEvent) error {
	record, err := rightsSubject(e, "/donnees.json")
	if err != nil || record == nil {
		return err
	}
	data, err := rgpd.ExportPerson(e.App, record, clock.Now(e.App))
	if err != nil {
		return err
	}
	if err := journal.LogAccess(e.App, e.Auth, journal.Export, record, "Fichier JSON"); err != nil {
		return err
	}
	body, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return fmt.Errorf("export %s: %w", record.Id, err)
	}
	return sendFile(e, download{Name: "donnees-" + record.Id + ".json", ContentType: "application/json; charset=utf-8"}, body)
}

func erasePageHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		record, err := rightsSubject(e, "/effacer")
		if err != nil || record == nil {
			return err
		}
		data, err := rgpd.LoadErasure(e.App, record, clock.Now(e.App))
		if err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "rgpd_effacer", "Effacer les données", data)
	}
}

func erasePostHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		record, err := rightsSubject(e, "/effacer")
		if err != nil || record == nil {
			return err
		}
		if record.GetBool("anonymise") {
			return redirectWithFlash(e, "/espace/beneficiaires", "Les données de cette personne étaient déjà effacées.")
		}
		if !access.MayUpdate(e.App, e.Auth, record, rgpd.ErasedFields) {
			return access.ErrForbidden
		}
		if err := e.Request.ParseForm(); err != nil {
			return fmt.Errorf("parse erasure form: %w", err)
		}
		now := clock.Now(e.App)
		if formText(e, "confirmation") != "oui" {
			data, err := rgpd.LoadErasure(e.App, record, now)
			if err != nil {
				return err
			}
			data.Errors["confirmation"] = "Cochez la case pour confirmer que la personne a demandé l'effacement."
			return pe.render(e, http.StatusUnprocessableEntity, "rgpd_effacer", "Effacer les données", data)
		}
		traces := rgpd.PersonTraces(record)
		var result rgpd.Anonymisation
		err = e.App.RunInTransaction(func(tx core.App) error {
			person, err := tx.FindRecordById("beneficiaires", record.Id)
			if err != nil {
				return err
			}
			result, err = rgpd.AnonymiseBeneficiaire(tx, e.Auth, person, "Effacement demandé par la personne", now)
			return err
		})
		if err != nil {
			return fmt.Errorf("erase %s: %w", record.Id, err)
		}
		notifyPromoted(e.App, e, result.Promues)
		purgeRequestLogs(e.App, record.Id, traces)
		return redirectWithFlash(e, "/espace/beneficiaires",
			"Les données de la personne sont effacées. Ses statistiques sont gardées, sans son nom.")
	}
}

// purgeRequestLogs deletes the request log entries that hold one of the
// traces of an erased person, now and once more a little later.
func purgeRequestLogs(app core.App, personID string, traces []string) {
	purge := func() {
		if !app.IsBootstrapped() {
			return // stopped meanwhile
		}
		if err := rgpd.PurgeRequestLogs(app, traces); err != nil {
			app.Logger().Error("erasure: purge request log", "beneficiaire", personID, "error", err)
		}
	}
	purge()
	// The request log is written in batches, a few seconds late: a
	// search made just before may land after the first purge.
	time.AfterFunc(rgpd.RequestLogDelay, purge)
}
