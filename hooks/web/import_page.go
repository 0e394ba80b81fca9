package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/beneficiaires"
	"atelier/hooks/clock"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/importcoop"
	"atelier/hooks/model"
	"atelier/hooks/statistiques"
)

// RegisterImportPages: importing people from a file (upload, columns, dry
// run, import) and exporting them in La Coop's template. Conseillers
// confirmed for the structure only: the people imported are people they
// read, and the duplicates shown are people they read.
func RegisterImportPages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	g.GET("/beneficiaires/import", pe.Page(importFormHandler(pe)))
	g.POST("/beneficiaires/import", pe.Page(importUploadHandler(pe)))
	g.POST("/beneficiaires/import/apercu", pe.Page(importPreviewHandler(pe)))
	g.POST("/beneficiaires/import/valider", pe.Page(importCommitHandler(pe)))
	g.GET("/beneficiaires/export-coop.xlsx", pe.Page(exportCoopHandler))
}

// maxImportBytes bounds an uploaded file: 5,000 people fill about 300 kB
// of XLSX.
const maxImportBytes = 5 << 20

const importTitle = "Importer des personnes"

type importPage struct {
	Errors     formulaire.Erreurs
	Structure  string
	Structures []formulaire.Option // offered when the conseiller reads several
	Jeton      string              // the kept file
	Coop       bool                // La Coop's template: columns known
	Colonnes   []importColonne     // the columns step, and the mapping carried along
	Champs     []formulaire.Option // the fields a column may fill
	Apercu     *beneficiaires.Import
	Doublons   map[int]bool // rows ticked to import anyway
}

type importColonne struct {
	Index   int
	Titre   string
	Exemple string // the first row's value
	Champ   string
}

// importReader is the conseiller and the structures whose people they read.
func importReader(e *core.RequestEvent) (*model.StaffView, *importPage, error) {
	staff, err := access.PeopleReader(e)
	if err != nil {
		return nil, nil, err
	}
	p := &importPage{Errors: formulaire.Erreurs{}}
	if len(staff.Structures) == 1 {
		p.Structure = staff.Structures[0]
	} else {
		all, err := model.StructureOptions(e.App, staff)
		if err != nil {
			return nil, nil, err
		}
		for _, o := range all {
			if staff.LitPersonnesDe(o.Value) {
				p.Structures = append(p.Structures, o)
			}
		}
	}
	for _, c := range importcoop.Colonnes {
		p.Champs = append(p.Champs, formulaire.Option{Value: c.Champ, Label: c.Titre})
	}
	return staff, p, nil
}

// chosenStructure reads the structure of the form: one the conseiller
// reads the people of, or an error next to the field.
func (p *importPage) chosenStructure(e *core.RequestEvent, staff *model.StaffView) bool {
	if s := e.Request.FormValue("structure"); s != "" || len(p.Structures) > 0 {
		p.Structure = s
	}
	if !staff.LitPersonnesDe(p.Structure) {
		p.Errors["structure"] = "Choisissez la structure qui suit ces personnes."
		return false
	}
	return true
}

func importFormHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		_, p, err := importReader(e)
		if err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "beneficiaires_import", importTitle, p)
	}
}

func importUploadHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff, p, err := importReader(e)
		if err != nil {
			return err
		}
		e.Request.Body = http.MaxBytesReader(e.Response, e.Request.Body, maxImportBytes+64<<10)
		if err := e.Request.ParseMultipartForm(1 << 20); err != nil {
			p.Errors["fichier"] = "Le fichier est trop gros (5 Mo au plus) ou n'a pas été envoyé. Choisissez-le à nouveau."
			return pe.render(e, http.StatusUnprocessableEntity, "beneficiaires_import", importTitle, p)
		}
		ok := p.chosenStructure(e, staff)
		data, err := uploadedFile(e)
		if err != nil {
			p.Errors["fichier"] = err.Error()
			ok = false
		}
		var table *importcoop.Tableau
		if ok {
			if table, err = importcoop.Lire(data); err != nil {
				p.Errors["fichier"] = err.Error()
				ok = false
			}
		}
		if !ok {
			return pe.render(e, http.StatusUnprocessableEntity, "beneficiaires_import", importTitle, p)
		}
		if p.Jeton, err = beneficiaires.GarderFichier(e.App, e.Auth.Id, data); err != nil {
			return err
		}
		p.setColumns(table, importcoop.Deviner(table.Entetes))
		if table.Coop {
			return pe.renderPreview(e, p, table)
		}
		return pe.render(e, http.StatusOK, "beneficiaires_import", importTitle, p)
	}
}

// uploadedFile is the file of the form, or a French reason why not.
func uploadedFile(e *core.RequestEvent) ([]byte, error) {
	file, header, err := e.Request.FormFile("fichier")
	if err != nil || header.Size == 0 {
		return nil, errors.New("Choisissez le fichier à importer (XLSX ou CSV).")
	}
	defer file.Close()
	if header.Size > maxImportBytes {
		return nil, errors.New("Le fichier est trop gros (5 Mo au plus). Découpez-le en plusieurs fichiers.")
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(file, maxImportBytes+1)); err != nil {
		return nil, fmt.Errorf("read uploaded file: %w", err)
	}
	return buf.Bytes(), nil
}

func (p *importPage) setColumns(t *importcoop.Tableau, mapping []string) {
	p.Coop = t.Coop
	p.Colonnes = make([]importColonne, len(t.Entetes))
	for i, title := range t.Entetes {
		c := importColonne{Index: i, Titre: title, Champ: mapping[i]}
		if c.Titre == "" {
			c.Titre = "Colonne " + strconv.Itoa(i+1)
		}
		if len(t.Lignes) > 0 && i < len(t.Lignes[0].Valeurs) {
			c.Exemple = t.Lignes[0].Valeurs[i]
		}
		p.Colonnes[i] = c
	}
}

// keptTable reads the kept file again, with the mapping of the form.
func (p *importPage) keptTable(e *core.RequestEvent, staff *model.StaffView) (*importcoop.Tableau, []string, bool, error) {
	if err := e.Request.ParseForm(); err != nil {
		return nil, nil, false, fmt.Errorf("parse import form: %w", err)
	}
	ok := p.chosenStructure(e, staff)
	p.Jeton = e.Request.PostFormValue("jeton")
	data, err := beneficiaires.FichierGarde(e.App, e.Auth.Id, p.Jeton)
	if err != nil {
		p.Errors[""] = err.Error()
		p.Jeton = ""
		return nil, nil, false, nil
	}
	table, err := importcoop.Lire(data)
	if err != nil {
		p.Errors[""] = err.Error()
		return nil, nil, false, nil
	}
	mapping := make([]string, len(table.Entetes))
	for i := range mapping {
		mapping[i] = e.Request.PostFormValue("colonne_" + strconv.Itoa(i))
		if mapping[i] != "" && !slices.Contains(importcoop.Champs(), mapping[i]) {
			mapping[i] = ""
		}
	}
	p.setColumns(table, mapping)
	for _, required := range []string{importcoop.Nom, importcoop.Prenom} {
		if !slices.Contains(mapping, required) {
			p.Errors[""] = "Indiquez la colonne du nom et celle du prénom : ils sont obligatoires."
			ok = false
		}
	}
	for i, champ := range mapping {
		if champ != "" && slices.Index(mapping, champ) != i {
			p.Errors["colonne_"+strconv.Itoa(i)] = "« " + importcoop.Titre(champ) + " » est déjà choisi pour une autre colonne."
			ok = false
		}
	}
	return table, mapping, ok, nil
}

func importPreviewHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff, p, err := importReader(e)
		if err != nil {
			return err
		}
		table, _, ok, err := p.keptTable(e, staff)
		if err != nil {
			return err
		}
		if !ok {
			return pe.render(e, http.StatusUnprocessableEntity, "beneficiaires_import", importTitle, p)
		}
		return pe.renderPreview(e, p, table)
	}
}

// renderPreview shows the dry run: what each row will become.
func (pe *pageEngine) renderPreview(e *core.RequestEvent, p *importPage, table *importcoop.Tableau) error {
	mapping := make([]string, len(p.Colonnes))
	for i, c := range p.Colonnes {
		mapping[i] = c.Champ
	}
	var err error
	if p.Apercu, err = beneficiaires.AnalyserImport(e.App, p.Structure, table, mapping, clock.Now(e.App), nil); err != nil {
		return err
	}
	return pe.render(e, http.StatusOK, "beneficiaires_import", "Vérifier l'import", p)
}

func importCommitHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff, p, err := importReader(e)
		if err != nil {
			return err
		}
		table, mapping, ok, err := p.keptTable(e, staff)
		if err != nil {
			return err
		}
		if !ok {
			return pe.render(e, http.StatusUnprocessableEntity, "beneficiaires_import", importTitle, p)
		}
		now := clock.Now(e.App)
		if p.Apercu, err = beneficiaires.AnalyserImport(e.App, p.Structure, table, mapping, now, nil); err != nil {
			return err
		}
		p.Doublons = map[int]bool{}
		for _, v := range formList(e.Request.PostForm, "doublon") {
			if n, err := strconv.Atoi(v); err == nil {
				p.Doublons[n] = true
			}
		}
		n, err := beneficiaires.Importer(e.App, e.Auth, p.Apercu, p.Doublons, now, nil)
		if errors.Is(err, beneficiaires.ErrImportInvalide) {
			p.Errors[""] = err.Error()
			return pe.render(e, http.StatusUnprocessableEntity, "beneficiaires_import", "Vérifier l'import", p)
		}
		if err != nil {
			return err
		}
		beneficiaires.OublierFichier(e.App, e.Auth.Id, p.Jeton)
		message := "Aucune personne n'a été importée."
		if n > 0 {
			message = frfmt.Nombre(n) + " " + frfmt.Pluriel(n, "personne importée", "personnes importées") + "."
		}
		if skipped := len(p.Apercu.Lignes) - n; skipped > 0 {
			message += " " + frfmt.Nombre(skipped) + " " + frfmt.Pluriel(skipped, "doublon probable laissé de côté", "doublons probables laissés de côté") + "."
		}
		return redirectWithFlash(e, "/espace/beneficiaires", message)
	}
}

// exportCoopHandler sends the people of a structure in La Coop's template
// (journaled as a read of several people).
func exportCoopHandler(e *core.RequestEvent) error {
	staff, err := access.PeopleReader(e)
	if err != nil {
		return err
	}
	structure := e.Request.URL.Query().Get("structure")
	if structure == "" && len(staff.Structures) == 1 {
		structure = staff.Structures[0]
	}
	if !staff.LitPersonnesDe(structure) {
		return access.ErrForbidden
	}
	people, err := beneficiaires.PersonnesCoop(e.App, staff, structure)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := importcoop.Ecrire(&buf, "Bénéficiaires", people); err != nil {
		return err
	}
	if err := journalList(e, structure, len(people), "Export des bénéficiaires au format La Coop"); err != nil {
		return err
	}
	return sendFile(e, download{Name: "beneficiaires-la-coop.xlsx",
		ContentType: statistiques.XlsxContentType}, buf.Bytes())
}
