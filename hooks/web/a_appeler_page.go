package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/inscriptions"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

// RegisterCallListPages: the « à appeler » list (people a message did not
// reach) with its « prévenu » form, and the reminder delay of a structure.
func RegisterCallListPages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	g.GET("/a-appeler", pe.Page(callListHandler(pe)))
	g.POST("/seances/{id}/a-appeler", pe.Page(markPrevenuHandler))
	g.GET("/structures/{id}/rappel", pe.Page(reminderDelayHandler(pe)))
	g.POST("/structures/{id}/rappel", pe.Page(reminderDelayHandler(pe)))
}

// aAppelerBloc is the list of one session, with its « prévenu » form.
type aAppelerBloc struct {
	Seance, Titre string
	Debut         time.Time
	Personnes     []envois.APrevenir
	Retour        string // the page to come back to after ticking
}

// BlocAAppeler is the session page's « à appeler » block.
func (p *seanceEspacePage) BlocAAppeler() aAppelerBloc {
	return aAppelerBloc{Seance: p.S.ID, Titre: p.S.Titre, Debut: p.S.Debut, Personnes: p.AAppeler}
}

// countAAppeler is the dashboard's count, for people-readers only.
func countAAppeler(e *core.RequestEvent) (int, error) {
	staff := model.NewStaffView(e.Auth)
	if staff == nil || !staff.VoitPersonnes() {
		return 0, nil
	}
	reader := staff.LecteurDePersonnes()
	if len(reader.Structures) == 0 {
		return 0, nil
	}
	return envois.CountAAppeler(e.App, reader, clock.Now(e.App))
}

func callListHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		reader, err := access.PeopleReader(e)
		if err != nil {
			return err
		}
		people, err := envois.AAppelerPour(e.App, reader, clock.Now(e.App))
		if err != nil {
			return err
		}
		var blocs []aAppelerBloc
		for _, p := range people {
			if len(blocs) == 0 || blocs[len(blocs)-1].Seance != p.Seance {
				s, err := seances.LoadStaffSeance(e.App, e.Auth, p.Seance)
				if err != nil {
					return err
				}
				blocs = append(blocs, aAppelerBloc{Seance: s.ID, Titre: s.Titre, Debut: s.Debut, Retour: "/espace/a-appeler"})
			}
			blocs[len(blocs)-1].Personnes = append(blocs[len(blocs)-1].Personnes, p)
		}
		if err := journalList(e, "", len(people), "Personnes à appeler"); err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "a_appeler", "À appeler", struct {
			Blocs     []aAppelerBloc
			Personnes int
		}{blocs, len(people)})
	}
}

// markPrevenuHandler ticks the people phoned on a session's list.
func markPrevenuHandler(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	if err := e.Request.ParseForm(); err != nil {
		return err
	}
	back := seanceEspacePath(s)
	if formText(e, "retour") == "/espace/a-appeler" {
		back = "/espace/a-appeler"
	}
	ids := formList(e.Request.PostForm, "prevenu")
	if len(ids) == 0 {
		return redirectWithFlash(e, back, "Cochez d'abord les personnes que vous avez prévenues.")
	}
	n, err := inscriptions.MarkPrevenu(e.App, e.Auth, s.ID, ids, clock.Now(e.App))
	if err != nil {
		return err
	}
	return redirectWithFlash(e, back, fmt.Sprintf("%d %s.", n, pluralPrevenu(n)))
}

func pluralPrevenu(n int) string {
	if n > 1 {
		return "personnes notées prévenues"
	}
	return "personne notée prévenue"
}

type reminderDelayPage struct {
	Structure *core.Record
	Delai     string
	Defaut    int
	Errors    formulaire.Erreurs
}

// reminderDelayHandler shows and saves how long before a session its
// reminder leaves, for a structure's référent or a coordinateur.
func reminderDelayHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		structure, err := access.EditableRecord(e.App, e.Auth, "structures", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		page := reminderDelayPage{Structure: structure, Defaut: int(seances.DelaiRappelDefaut.Hours()), Errors: formulaire.Erreurs{}}
		if h := structure.GetInt("delai_rappel_heures"); h > 0 {
			page.Delai = fmt.Sprint(h)
		}
		title := "Délai du rappel : " + structure.GetString("nom")
		if e.Request.Method != http.MethodPost {
			return pe.render(e, http.StatusOK, "structure_rappel", title, page)
		}
		page.Delai = formText(e, "delai")
		err = seances.SetDelaiRappel(e.App, e.Auth, structure, page.Delai)
		if errors.Is(err, seances.ErrDelaiRappel) {
			page.Errors["delai"] = err.Error()
			return pe.render(e, http.StatusUnprocessableEntity, "structure_rappel", title, page)
		}
		if err != nil {
			return err
		}
		return redirectWithFlash(e, "/espace/structures/"+structure.Id+"/rappel", "Délai du rappel enregistré.")
	}
}
