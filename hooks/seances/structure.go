package seances

import (
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/model"
)

func FindStructureBySlug(app core.App, slug string) (*core.Record, error) {
	if slug == "" || len(slug) > 80 || strings.Trim(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return nil, model.ErrNotFound
	}
	return app.FindFirstRecordByData("structures", "slug", slug)
}

func LoadStructurePage(app core.App, slug string, now time.Time) (*structurePageData, error) {
	record, err := FindStructureBySlug(app, slug)
	if err != nil {
		return nil, err
	}
	return LoadStructurePageOf(app, record, now)
}

// LoadStructurePageOf is the public page of a structure record: its
// settings page previews typed values with the structure's real places and
// sessions.
func LoadStructurePageOf(app core.App, record *core.Record, now time.Time) (*structurePageData, error) {
	slug := record.GetString("slug")
	data := &structurePageData{Structure: NewStructureView(record)}
	lieux, err := app.FindRecordsByFilter("lieux", "structure = {:s}", "nom", 0, 0, dbx.Params{"s": record.Id})
	if err != nil {
		return nil, fmt.Errorf("places of %s: %w", slug, err)
	}
	for _, l := range lieux {
		data.Lieux = append(data.Lieux, LieuView{Nom: l.GetString("nom"), Adresse: l.GetString("adresse"),
			CodePostal: l.GetString("code_postal"), Commune: l.GetString("commune"),
			Accessibilite: l.GetString("accessibilite"), Latitude: l.GetFloat("latitude"), Longitude: l.GetFloat("longitude")})
	}
	params := dbx.Params{"from": model.DBDate(now), "to": model.DBDate(now.AddDate(0, 0, 7*HomeWeeks)),
		"structure": record.Id, "limit": 100, "offset": 0}
	cards, err := UpcomingCards(app, PublicUpcomingWhere+" AND s.structure = {:structure}", params)
	if err != nil {
		return nil, err
	}
	data.Days, data.Total = GroupByDay(cards), len(cards)
	if data.Cycles, err = PublicCycles(app, record.Id, now); err != nil {
		return nil, err
	}
	return data, nil
}

// CalendarWeeks is how far ahead the feed goes.
const CalendarWeeks = 26

type structurePageData struct {
	Structure StructureView
	Lieux     []LieuView
	Days      []DayGroup
	Total     int
	Cycles    []*CycleView // its public cycles, each one offer
}
