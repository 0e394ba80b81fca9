package web

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/lib/ical"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

func StructurePageHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		slug := e.Request.PathValue("slug")
		return pe.renderCachedTitle(e, "/s/"+slug, "structure", func() (string, any, error) {
			data, err := seances.LoadStructurePage(e.App, slug, clock.Now(e.App))
			if err != nil {
				return "", nil, err
			}
			return "Ateliers de " + data.Structure.Nom, data, nil
		})
	}
}

func StructureCalendarHandler(e *core.RequestEvent) error {
	record, err := seances.FindStructureBySlug(e.App, e.Request.PathValue("slug"))
	if err != nil {
		return err
	}
	now := clock.Now(e.App)
	// Recent past sessions stay in the feed so that calendars keep them.
	records, err := e.App.FindRecordsByFilter("seances",
		"structure = {:s} && publique = true && debut >= {:from} && debut < {:to}", "debut", 500, 0,
		dbx.Params{"s": record.Id, "from": model.DBDate(now.AddDate(0, 0, -30)), "to": model.DBDate(now.AddDate(0, 0, 7*seances.CalendarWeeks))})
	if err != nil {
		return fmt.Errorf("calendar of %s: %w", record.Id, err)
	}
	views := make([]*seances.SeanceView, 0, len(records))
	for _, s := range records {
		v, err := seances.BuildSeanceView(e.App, s)
		if model.IsNotFound(err) {
			continue // archived workshop: not public
		}
		if err != nil {
			return err
		}
		views = append(views, v)
	}
	return writeCalendar(e, record.GetString("slug")+".ics", seances.NewStructureView(record), views, true)
}

// writeCalendar sends sessions as an iCalendar file in the structure's time zone.
func writeCalendar(e *core.RequestEvent, filename string, st seances.StructureView, seances []*seances.SeanceView, feed bool) error {
	cal := ical.Calendar{ProdID: "-//Atelier//Ateliers numériques//FR", Name: st.Nom, Zone: st.Fuseau}
	if feed {
		cal.Method = "PUBLISH"
	}
	for _, s := range seances {
		cal.Events = append(cal.Events, seanceEvent(e.App, st, s))
	}
	return sendCalendar(e, filename, cal, feed)
}

func sendCalendar(e *core.RequestEvent, filename string, cal ical.Calendar, feed bool) error {
	d := download{Name: filename, ContentType: "text/calendar; charset=utf-8"}
	if feed {
		// The structure's public calendar, which calendar apps poll.
		d.Cache = "public, max-age=900"
	}
	return sendFile(e, d, cal.Bytes())
}

// seanceEvent is a session as a calendar event. Its UID and links come from
// the Application URL, never the request's Host, so that every copy of an
// event (feed, personal file) stays the same event for calendar apps.
func seanceEvent(app core.App, st seances.StructureView, s *seances.SeanceView) ical.Event {
	base := envois.InstanceURL(app)
	host := strings.TrimPrefix(strings.TrimPrefix(base, "https://"), "http://")
	status := "CONFIRMED"
	if s.Annulee() {
		status = "CANCELLED"
	}
	location := s.Lieu.Nom
	if addr := s.Lieu.AdresseComplete(); addr != "" {
		location += ", " + addr
	}
	description := s.Resume
	if s.AApporter != "" {
		description += "\nÀ apporter : " + s.AApporter
	}
	description += "\nOrganisé par " + st.Nom
	return ical.Event{
		UID: "seance-" + s.ID + "@" + host, Start: s.Debut, End: s.Fin, Summary: s.Titre,
		Description: description, Location: location, URL: base + "/ateliers/" + s.ID,
		Status: status, Sequence: s.Sequence, Modified: s.Modifie,
		// The structure answers for its sessions; without its own address,
		// the instance's sender address does.
		Organizer: ical.Organizer{Name: st.Nom, Email: cmp.Or(st.Courriel, app.Settings().Meta.SenderAddress)},
	}
}
