package beneficiaires

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/journal"
	"atelier/hooks/lib/contact"
	"atelier/hooks/lib/importcoop"
	"atelier/hooks/lib/texte"
	"atelier/hooks/model"
)

// Importing people from a file a structure already keeps (La Coop's
// template or any spreadsheet). Every row goes through the checks of a
// person typed by staff (BeneficiaireForm.Validate) and the same duplicate
// search (DoublonsPossibles); a dry run shows what each row would become
// before anything is written, then one transaction writes them all.

// ConsentementDeclare is the consent source of people imported from a
// file: the structure declares they agreed (beneficiaires.consentement_source).
const ConsentementDeclare = "declaree_structure"

// JournalImport is the detail of the journal entry of each imported person.
const JournalImport = "Import d'un fichier, accord déclaré par la structure"

// LigneImport is one row of the file as the dry run shows it.
type LigneImport struct {
	Numero    int // the row number in the spreadsheet
	Form      BeneficiaireForm
	CodeInsee string
	Erreurs   []string          // why the row is refused, « Champ : message »
	Doublons  []LikelyDuplicate // people of the structure this row may be
	// DoublonDe is an earlier row of the file holding the same person.
	DoublonDe int
}

// Valide: the row passes the person's checks.
func (l *LigneImport) Valide() bool { return len(l.Erreurs) == 0 }

// Doublon: the row may be someone already recorded or an earlier row.
func (l *LigneImport) Doublon() bool { return len(l.Doublons) > 0 || l.DoublonDe > 0 }

// Import is the dry run of a file for one structure.
type Import struct {
	Structure string
	Lignes    []LigneImport
	Creees    int // valid rows that are no duplicate
	Doublons  int // valid rows that may be duplicates
	Invalides int
}

// ErrImportInvalide refuses to write an import while a row is invalid:
// all or nothing, so that a corrected file can be imported again without
// creating the same people twice.
var ErrImportInvalide = errors.New("Le fichier contient des lignes invalides : corrigez-les puis déposez le fichier à nouveau. Rien n'a été importé.")

// AnalyserImport reads each row of t into a person with mapping (one field
// of importcoop per column, "" to leave it out), checks it as a person
// typed by staff, and looks for duplicates among the structure's people
// and the earlier rows. It writes nothing. progress, when set, is told
// after each row.
func AnalyserImport(app core.App, structure string, t *importcoop.Tableau, mapping []string, now time.Time,
	progress func(done, total int)) (*Import, error) {
	imp := &Import{Structure: structure, Lignes: make([]LigneImport, len(t.Lignes))}
	seen := map[string]int{} // folded name and birth year or contact → row number
	for i, row := range t.Lignes {
		l := &imp.Lignes[i]
		l.Numero = row.Numero
		var insee string
		l.Form, insee, l.Erreurs = formOfRow(row.Valeurs, mapping)
		errs := l.Form.Validate(now)
		insee, err := contact.NormaliserCodeInsee(insee)
		if err != nil {
			errs["code_insee"] = err.Error()
		}
		l.CodeInsee = insee
		for _, c := range importcoop.Colonnes {
			if msg, ok := errs[c.Champ]; ok {
				l.Erreurs = append(l.Erreurs, c.Titre+" : "+msg)
			}
		}
		if !l.Valide() {
			continue
		}
		for _, key := range rowKeys(&l.Form) {
			if n, ok := seen[key]; ok && l.DoublonDe == 0 {
				l.DoublonDe = n
			}
			if _, ok := seen[key]; !ok {
				seen[key] = l.Numero
			}
		}
	}
	if err := findDuplicates(app, imp, progress); err != nil {
		return nil, err
	}
	for i := range imp.Lignes {
		switch l := &imp.Lignes[i]; {
		case !l.Valide():
			imp.Invalides++
		case l.Doublon():
			imp.Doublons++
		default:
			imp.Creees++
		}
	}
	return imp, nil
}

// findDuplicates looks for each valid row's duplicates among the
// structure's people (DoublonsPossibles), a few rows at a time: the
// searches only read, and SQLite serves reads on several connections.
func findDuplicates(app core.App, imp *Import, progress func(done, total int)) error {
	ix, err := newIndiceDoublons(app, imp.Structure)
	if err != nil {
		return err
	}
	rows := make(chan *LigneImport)
	var mu sync.Mutex
	var firstErr error
	done := 0
	var wg sync.WaitGroup
	for range min(4, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for l := range rows {
				var err error
				if l.Valide() {
					l.Doublons, err = doublonsPossibles(app, imp.Structure, &l.Form, ix)
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("import row %d: %w", l.Numero, err)
				}
				done++
				if progress != nil {
					progress(done, len(imp.Lignes))
				}
				mu.Unlock()
			}
		}()
	}
	for i := range imp.Lignes {
		rows <- &imp.Lignes[i]
	}
	close(rows)
	wg.Wait()
	return firstErr
}

// formOfRow fills a person's form from a row; the genre is read as La Coop
// reads it, an unknown one is an error of the row.
func formOfRow(values, mapping []string) (f BeneficiaireForm, insee string, errs []string) {
	for i, champ := range mapping {
		if i >= len(values) {
			break
		}
		v := values[i]
		switch champ {
		case importcoop.Nom:
			f.Nom = v
		case importcoop.Prenom:
			f.Prenom = v
		case importcoop.Annee:
			f.AnneeNaissance = importcoop.AnneeDe(v)
		case importcoop.Commune:
			f.Commune = v
		case importcoop.CodeInsee:
			insee = importcoop.CodeDe(v)
		case importcoop.CodePostal:
			f.CodePostal = importcoop.CodeDe(v)
		case importcoop.Telephone:
			f.Telephone = importcoop.TelephoneDe(v)
		case importcoop.Email:
			f.Email = v
		case importcoop.Genre:
			genre, ok := importcoop.GenreDe(v)
			if !ok {
				errs = append(errs, "Genre : écrivez Féminin, Masculin ou Non communiqué.")
			}
			f.Genre = genre
		case importcoop.Notes:
			f.Notes = v
		}
	}
	return f, insee, errs
}

// rowKeys are the ways two rows of one file are the same person: the same
// folded name with the same birth year, phone or e-mail, or the same name
// with none of them.
func rowKeys(f *BeneficiaireForm) []string {
	name := texte.Plier(f.Prenom + " " + f.Nom)
	var keys []string
	if f.anneeNormalise > 0 {
		keys = append(keys, name+"|a"+strconv.Itoa(f.anneeNormalise))
	}
	if f.TelephoneNormalise != "" {
		keys = append(keys, name+"|t"+f.TelephoneNormalise)
	}
	if f.EmailNormalise != "" {
		keys = append(keys, name+"|e"+strings.ToLower(f.EmailNormalise))
	}
	if len(keys) == 0 {
		keys = append(keys, name)
	}
	return keys
}

// Importer writes the import in one transaction, all or nothing: every
// valid row that is no duplicate, and the duplicates whose row numbers are
// in avecDoublons (the user ticked them). An invalid row refuses it all
// (ErrImportInvalide). auth is the staff member importing, checked against
// the collection's create rule for each person; nil is the command line.
// Each person's consent is recorded as declared by the structure, and
// their creation journaled. progress, when set, is told after each person.
func Importer(app core.App, auth *core.Record, imp *Import, avecDoublons map[int]bool, now time.Time,
	progress func(done, total int)) (int, error) {
	if imp.Invalides > 0 {
		return 0, ErrImportInvalide
	}
	var todo []*LigneImport
	for i := range imp.Lignes {
		l := &imp.Lignes[i]
		if !l.Doublon() || avecDoublons[l.Numero] {
			todo = append(todo, l)
		}
	}
	collection, err := app.FindCachedCollectionByNameOrId("beneficiaires")
	if err != nil {
		return 0, fmt.Errorf("import: %w", err)
	}
	err = app.RunInTransaction(func(tx core.App) error {
		for i, l := range todo {
			record := core.NewRecord(collection)
			record.Set("structure", imp.Structure)
			l.Form.Apply(record)
			record.Set("code_insee", l.CodeInsee)
			RecordConsent(record, now)
			record.Set("consentement_source", ConsentementDeclare)
			if auth != nil {
				err = access.CreateChecked(tx, auth, record)
			} else {
				err = tx.Save(record)
			}
			if err != nil {
				return fmt.Errorf("row %d: %w", l.Numero, err)
			}
			if auth != nil {
				err = journal.LogAccess(tx, auth, journal.Creation, record, JournalImport)
			} else {
				err = journal.LogCommand(tx, journal.Creation, record, JournalImport)
			}
			if err != nil {
				return err
			}
			if progress != nil {
				progress(i+1, len(todo))
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("import: %w", err)
	}
	return len(todo), nil
}

// PersonnesCoop are the people of structure as La Coop's template writes
// them, by name: the people staff reads, not anonymised nor merged.
func PersonnesCoop(app core.App, staff *model.StaffView, structure string) ([]importcoop.Personne, error) {
	where := dbx.And(staff.LecteurDePersonnes().Scope("structure"), dbx.HashExp{"structure": structure},
		dbx.NewExp("anonymise = false AND fusionne_vers = ''"))
	var rows []struct {
		Nom        string `db:"nom"`
		Prenom     string `db:"prenom"`
		Annee      int    `db:"annee_naissance"`
		Commune    string `db:"commune"`
		CodeInsee  string `db:"code_insee"`
		CodePostal string `db:"code_postal"`
		Telephone  string `db:"telephone"`
		Email      string `db:"email"`
		Genre      string `db:"genre"`
		Notes      string `db:"notes"`
	}
	err := app.DB().Select("nom", "prenom", "CAST(annee_naissance AS INTEGER) AS annee_naissance", "commune", "code_insee",
		"code_postal", "telephone", "email", "genre", "notes").From("beneficiaires").Where(where).
		OrderBy("nom", "prenom").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("beneficiaries for La Coop: %w", err)
	}
	out := make([]importcoop.Personne, len(rows))
	for i, r := range rows {
		out[i] = importcoop.Personne{Nom: r.Nom, Prenom: r.Prenom, Annee: r.Annee, Commune: r.Commune, CodeInsee: r.CodeInsee,
			CodePostal: r.CodePostal, Telephone: contact.FormaterTelephone(r.Telephone), Email: r.Email, Genre: r.Genre, Notes: r.Notes}
	}
	return out, nil
}
