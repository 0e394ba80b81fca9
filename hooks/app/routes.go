package app

import (
	"io/fs"
	"net/http"
	"strings"

	"atelier/hooks/web"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// registerPages is the route table: the public pages, the sign-in pages,
// the workspace (/espace, staff only, same-origin POSTs), then the static files of pb_public
// behind every other route, with a French 404 page for unknown addresses.
func registerPages(se *core.ServeEvent, public fs.FS, cache *web.PageCache) error {
	pe, err := web.LoadPages(public, cache)
	if err != nil {
		return err
	}
	assets := pe.Assets
	// Successful public requests are not written to the request log: it
	// would cost a write per visit and keep the IP address of every
	// beneficiary; failures still are. Registrations themselves are
	// recorded in inscriptions and envois.
	se.Router.Bind(pe.FrenchRateLimitPage())
	se.Router.Bind(web.InactiveIsAnonymous(), web.StrictTransport())
	se.Router.GET("/{$}", pe.Page(web.HomeHandler(pe))).Bind(apis.SkipSuccessActivityLog())
	se.Router.GET("/ateliers/{id}", pe.Page(web.SeancePageHandler(pe))).Bind(apis.SkipSuccessActivityLog())
	se.Router.POST("/ateliers/{id}/inscription", pe.Page(web.InscriptionPostHandler(pe))).Bind(apis.SkipSuccessActivityLog())
	// Personal links hold a secret token: never in the request log.
	se.Router.GET("/inscription/{jeton}", pe.Page(web.InscriptionPageHandler(pe))).Bind(apis.SkipSuccessActivityLog())
	se.Router.POST("/inscription/{jeton}", pe.Page(web.CancelPostHandler(pe))).Bind(apis.SkipSuccessActivityLog())
	se.Router.GET("/inscription/{jeton}/annuler", pe.Page(web.CancelConfirmHandler(pe))).Bind(apis.SkipSuccessActivityLog())
	se.Router.POST("/inscription/{jeton}/reinscrire", pe.Page(web.ReinscrirePostHandler(pe))).Bind(apis.SkipSuccessActivityLog())
	se.Router.POST("/inscription/{jeton}/confirmer", pe.Page(web.ConfirmOfferPostHandler(pe))).Bind(apis.SkipSuccessActivityLog())
	se.Router.GET("/inscription/{jeton}/agenda.ics", pe.Page(web.InscriptionCalendarHandler)).Bind(apis.SkipSuccessActivityLog())
	se.Router.GET("/s/{slug}", pe.Page(web.StructurePageHandler(pe))).Bind(apis.SkipSuccessActivityLog())
	web.RegisterCodePages(se, pe)
	se.Router.GET("/inscription/{jeton}/carton.pdf", pe.Page(web.InscriptionCartonHandler)).Bind(apis.SkipSuccessActivityLog())
	web.RegisterAuthPages(se, pe)
	web.RegisterInstallationPages(se, pe)
	espace := se.Router.Group("/espace")
	espace.Bind(web.RequireStaff(), web.SameOrigin(pe))
	espace.GET("", pe.Page(web.DashboardHandler(pe)))
	web.RegisterSeancePages(espace, pe)
	web.RegisterAttendancePages(espace, pe)
	web.RegisterCartonPages(espace, pe)
	web.RegisterHelpPages(espace, pe)
	web.RegisterEtiquettePages(espace, pe)
	web.RegisterBeneficiaryPages(espace, pe)
	web.RegisterImportPages(espace, pe)
	web.RegisterCataloguePages(espace, pe)
	web.RegisterLieuxPages(espace, pe)
	web.RegisterAttestationPages(se, espace, pe)
	web.RegisterStatisticsPages(espace, pe)
	web.RegisterPrivacyPages(se, espace, pe)
	web.RegisterAccessibilityPages(se, pe)
	web.RegisterReportPages(espace, pe)
	web.RegisterAccountPages(espace, pe)
	web.RegisterOwnAccountPages(espace, pe)
	web.RegisterSMSPages(se, espace, pe)
	web.RegisterCallListPages(espace, pe)
	se.Router.GET("/s/{slug}/agenda.ics", pe.Page(web.StructureCalendarHandler)).Bind(apis.SkipSuccessActivityLog())
	web.RegisterWidgetPages(se, espace, pe)
	web.RegisterSharedFiguresPages(se, espace, pe)
	web.RegisterStructurePages(espace, pe)
	web.RegisterCyclePages(se, espace, pe)

	web.RegisterBenchStatic(se)
	se.Router.GET("/{path...}", func(e *core.RequestEvent) error {
		name := e.Request.PathValue("path")
		if strings.HasPrefix(name, "api/") || name == "api" {
			return e.NotFoundError("", nil) // the REST API keeps its JSON errors
		}
		if assets.Serve(e, name) {
			return nil
		}
		return pe.ErrorPage(e, http.StatusNotFound)
	}).Bind(apis.SkipSuccessActivityLog())
	return nil
}
