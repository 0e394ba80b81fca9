package web

import (
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/rgaa"
	"atelier/hooks/rgpd"
	"atelier/hooks/seances"
)

// RegisterAccessibilityPages binds the accessibility statement of the
// instance and of each structure.
func RegisterAccessibilityPages(se *core.ServeEvent, pe *pageEngine) {
	se.Router.GET("/accessibilite", pe.Page(accessibiliteHandler(pe))).Bind(apis.SkipSuccessActivityLog())
	se.Router.GET("/s/{slug}/accessibilite", pe.Page(structureAccessibiliteHandler(pe))).Bind(apis.SkipSuccessActivityLog())
}

// accessibiliteData is the statement in the RGAA model: who makes it,
// the audit it rests on, and whom to contact.
type accessibiliteData struct {
	Etablissement string
	Adresse       string // one line, or several joined by newlines
	Courriel      string
	Telephone     string
	Audit         rgaa.Audit
	Compte        rgaa.Compte
}

// NonConformes are what the statement lists as not accessible.
func (d accessibiliteData) NonConformes() []rgaa.Critere { return d.Audit.NonConformes() }

func newAccessibiliteData() accessibiliteData {
	return accessibiliteData{Audit: rgaa.Courant, Compte: rgaa.Courant.Compte()}
}

// accessibiliteHandler is the instance's statement: the établissement is
// the data controller of the privacy settings, else the site's name.
func accessibiliteHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		return pe.renderCached(e, "/accessibilite", "accessibilite", "Déclaration d'accessibilité", func() (any, error) {
			s, err := rgpd.LoadPrivacySettings(e.App)
			if err != nil {
				return nil, err
			}
			data := newAccessibiliteData()
			data.Etablissement = s.Responsable
			if data.Etablissement == "" {
				data.Etablissement = siteName(e.App)
			}
			data.Adresse, data.Courriel = s.Adresse, s.Courriel
			return data, nil
		})
	}
}

// structureAccessibiliteHandler is a structure's own statement, with its
// name, address and contact from its record.
func structureAccessibiliteHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		slug := e.Request.PathValue("slug")
		return pe.renderCachedTitle(e, "/s/"+slug+"/accessibilite", "accessibilite", func() (string, any, error) {
			record, err := seances.FindStructureBySlug(e.App, slug)
			if err != nil {
				return "", nil, err
			}
			st := seances.NewStructureView(record)
			data := newAccessibiliteData()
			data.Etablissement, data.Courriel, data.Telephone = st.Nom, st.Courriel, st.Telephone
			data.Adresse = strings.TrimSpace(strings.Join([]string{st.Adresse, strings.TrimSpace(st.CodePostal + " " + st.Commune)}, "\n"))
			return "Déclaration d'accessibilité · " + st.Nom, data, nil
		})
	}
}
