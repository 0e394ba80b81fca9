package cli

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/spf13/cobra"

	"atelier/hooks/clock"
	"atelier/hooks/lib/demodata"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/lib/texte"
)

// DemoSeed fixes the generated data: two runs on the same day give the same
// people and sessions.
const DemoSeed = 2026

// demoURL is where `atelier serve` listens by default.
const demoURL = "http://127.0.0.1:8090/"

// ErrInstanceNotEmpty is returned by LoadDemo when the instance already
// holds data: the demo never mixes with real records. The message is read
// by whoever ran the command, hence French and capitalised.
var ErrInstanceNotEmpty = errors.New("L'instance n'est pas vide")

// demoGuarded are the collections that must be empty, with their French
// singular and plural; the seeded workshop catalogue (ateliers) is expected
// and is not data.
var demoGuarded = []struct{ collection, one, many string }{
	{"structures", "structure", "structures"},
	{"utilisateurs", "compte du personnel", "comptes du personnel"},
	{"lieux", "lieu", "lieux"},
	{"seances", "séance", "séances"},
	{"beneficiaires", "bénéficiaire", "bénéficiaires"},
	{"inscriptions", "inscription", "inscriptions"},
	{"accompagnements", "accompagnement", "accompagnements"},
}

func NewDemoCommand(app core.App) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Remplit une instance vide avec des données de démonstration",
		Long: "Remplit une instance vide avec des données de démonstration fictives : deux structures " +
			"(Poitiers et La Réunion), leurs lieux, un compte par rôle, une quarantaine de séances, " +
			"environ 150 bénéficiaires et 300 accompagnements.\n" +
			"La commande refuse de s'exécuter si l'instance contient déjà des données.\n\n" +
			"Exemple, dans un dossier à part : atelier demo --dir ./pb_demo && atelier serve --dir ./pb_demo",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return LoadDemo(app, clock.Now(app), cmd.OutOrStdout())
		},
	}
}

// LoadDemo applies the migrations, then inserts the demo data set generated
// around now in one transaction and prints a summary with the demo accounts
// to out. It fails with ErrInstanceNotEmpty, changing nothing, when the
// instance already holds data. The progress of the load is shown on out
// too (see lib/progression), from the first record saved.
func LoadDemo(app core.App, now time.Time, out io.Writer) error {
	if err := app.RunAllMigrations(); err != nil {
		return fmt.Errorf("migrations : %w", err)
	}
	data := demodata.Generate(now, DemoSeed)
	if err := data.Validate(now); err != nil {
		return fmt.Errorf("données de démonstration incohérentes : %w", err)
	}
	var summary demoSummary
	err := app.RunInTransaction(func(tx core.App) error {
		if err := checkDemoEmpty(tx); err != nil {
			return err
		}
		progress, finish := followProgress(app, out, "Données de démonstration")
		l := &demoLoader{app: tx, data: data, collections: map[string]*core.Collection{}, progress: progress}
		err := l.load()
		finish()
		if err != nil {
			return err
		}
		summary = l.summary(now)
		return nil
	})
	if err != nil {
		return err
	}
	summary.print(out, data)
	return nil
}

func checkDemoEmpty(app core.App) error {
	var found []string
	for _, g := range demoGuarded {
		n, err := app.CountRecords(g.collection)
		if err != nil {
			return fmt.Errorf("compter %s : %w", g.collection, err)
		}
		switch {
		case n == 1:
			found = append(found, "1 "+g.one)
		case n > 1:
			found = append(found, fmt.Sprintf("%d %s", n, g.many))
		}
	}
	if len(found) == 0 {
		return nil
	}
	return fmt.Errorf("%w : elle contient déjà %s.\n"+
		"Les données de démonstration ne se chargent que sur une instance neuve : rien n'a été modifié.\n"+
		"Pour essayer Atelier sans toucher à ces données, utilisez un autre dossier :\n"+
		"  atelier demo --dir ./pb_demo\n  atelier serve --dir ./pb_demo",
		ErrInstanceNotEmpty, strings.Join(found, ", "))
}

type demoLoader struct {
	app         core.App
	data        demodata.Dataset
	collections map[string]*core.Collection

	structures, lieux, staff, seances, beneficiaires []string       // record ids by index
	ateliers                                         []*core.Record // by demodata.Workshops index
	inscriptions, accompagnements                    int

	progress func(done, total int) // after each record saved
	saved    int

	etiquettes map[string]string // a structure's tags by structure index and name
}

// etiquette is the id of structure's tag nom, created the first time (not
// counted in the progress: the data set names tags on its helps).
func (l *demoLoader) etiquette(structure int, nom string, created time.Time) (string, error) {
	key := fmt.Sprint(structure, "/", nom)
	if id, ok := l.etiquettes[key]; ok {
		return id, nil
	}
	c, err := l.collection("etiquettes")
	if err != nil {
		return "", err
	}
	r := core.NewRecord(c)
	r.Set("nom", nom)
	r.Set("structure", l.structures[structure])
	if dt, err := types.ParseDateTime(created); err == nil {
		r.SetRaw("created", dt)
		r.SetRaw("updated", dt)
	}
	if err := l.app.Save(r); err != nil {
		return "", fmt.Errorf("enregistrer l'étiquette %s : %w", nom, err)
	}
	if l.etiquettes == nil {
		l.etiquettes = map[string]string{}
	}
	l.etiquettes[key] = r.Id
	return r.Id, nil
}

// count counts a record saved and tells the progress.
func (l *demoLoader) count() {
	l.saved++
	l.progress(l.saved, l.total())
}

// total is every record the data set holds.
func (l *demoLoader) total() int {
	d := l.data
	return len(d.Structures) + len(d.Lieux) + len(d.Staff) + len(d.Seances) + len(d.Beneficiaires) +
		len(d.Inscriptions) + len(d.Accompagnements)
}

func (l *demoLoader) load() error {
	l.progress(0, l.total())
	if err := l.resolveAteliers(); err != nil {
		return err
	}
	d := l.data
	for _, s := range d.Structures {
		id, err := l.save("structures", map[string]any{
			"nom": s.Nom, "slug": s.Slug, "typologie": s.Typologie, "adresse": s.Adresse,
			"code_postal": s.CodePostal, "commune": s.Commune, "code_insee": s.CodeInsee,
			"telephone": s.Telephone, "courriel": s.Courriel, "site_web": s.SiteWeb,
			"horaires": s.Horaires, "presentation": s.Presentation, "fuseau": s.Fuseau,
		}, time.Time{})
		if err != nil {
			return err
		}
		l.structures = append(l.structures, id)
	}
	for _, p := range d.Lieux {
		id, err := l.save("lieux", map[string]any{
			"structure": l.structures[p.Structure], "nom": p.Nom, "adresse": p.Adresse,
			"code_postal": p.CodePostal, "commune": p.Commune, "code_insee": p.CodeInsee,
			"accessibilite": p.Accessibilite, "latitude": p.Latitude, "longitude": p.Longitude,
		}, time.Time{})
		if err != nil {
			return err
		}
		l.lieux = append(l.lieux, id)
	}
	for _, s := range d.Staff {
		id, err := l.saveStaff(s)
		if err != nil {
			return err
		}
		l.staff = append(l.staff, id)
	}
	for _, se := range d.Seances {
		atelier := l.ateliers[se.Atelier]
		fin := se.Fin
		if minutes := atelier.GetInt("duree_minutes"); minutes > 0 {
			fin = se.Debut.Add(time.Duration(minutes) * time.Minute)
		}
		id, err := l.save("seances", map[string]any{
			"atelier": atelier.Id, "structure": l.structures[se.Structure], "lieu": l.lieux[se.Lieu],
			"animateurs": demoIDs(l.staff, se.Animateurs), "debut": se.Debut, "fin": fin,
			"capacite": se.Capacite, "statut": se.Statut, "publique": se.Publique,
			"inscriptions_ouvertes": se.InscriptionsOuvertes, "participants_anonymes": se.ParticipantsAnonymes,
			"motif_annulation": se.MotifAnnulation, "notes_internes": se.NotesInternes,
		}, se.Cree)
		if err != nil {
			return err
		}
		l.seances = append(l.seances, id)
	}
	for _, b := range d.Beneficiaires {
		id, err := l.save("beneficiaires", map[string]any{
			"structure": l.structures[b.Structure], "prenom": b.Prenom, "nom": b.Nom,
			"telephone": b.Telephone, "email": b.Email, "annee_naissance": b.AnneeNaissance,
			"genre": b.Genre, "statut_social": b.StatutSocial, "commune": b.Commune,
			"code_postal": b.CodePostal, "code_insee": b.CodeInsee, "notes": b.Notes,
			"consentement_le": b.ConsentementLe, "consentement_version": b.ConsentementVersion,
			"derniere_activite": b.DerniereActivite,
		}, b.Cree)
		if err != nil {
			return err
		}
		l.beneficiaires = append(l.beneficiaires, id)
	}
	for _, ins := range d.Inscriptions {
		if _, err := l.save("inscriptions", map[string]any{
			"seance": l.seances[ins.Seance], "beneficiaire": l.beneficiaires[ins.Beneficiaire],
			"statut": ins.Statut, "rang_attente": ins.RangAttente, "source": ins.Source,
			"inscrit_par": ins.InscritPar,
		}, ins.Cree); err != nil {
			return err
		}
		l.inscriptions++
	}
	// Oldest first: a followed person's first accompaniment is computed
	// from the helps already saved (accompagnements.Premier).
	for i := len(d.Accompagnements) - 1; i >= 0; i-- {
		a := d.Accompagnements[i]
		fields := map[string]any{
			"conseiller": l.staff[a.Conseiller], "structure": l.structures[a.Structure],
			"date": a.Date, "duree_minutes": a.DureeMinutes, "type_lieu": a.TypeLieu,
			"commune": a.Commune, "code_postal": a.CodePostal, "code_insee": a.CodeInsee,
			"thematiques": a.Thematiques, "materiel": a.Materiel, "autonomie": a.Autonomie,
			"demarche": a.Demarche, "oriente": a.Oriente, "structure_redirection": a.StructureRedirection,
			"tranche_age": a.TrancheAge, "genre": a.Genre, "statut_social": a.StatutSocial, "notes": a.Notes,
			"thematiques_demarche": a.ThematiquesDemarche, "premier_accompagnement": !a.DejaAccompagne,
		}
		if a.Beneficiaire >= 0 {
			fields["beneficiaire"] = l.beneficiaires[a.Beneficiaire]
		}
		var tags []string
		for _, nom := range a.Etiquettes {
			id, err := l.etiquette(a.Structure, nom, a.Date)
			if err != nil {
				return err
			}
			tags = append(tags, id)
		}
		fields["etiquettes"] = tags
		if _, err := l.save("accompagnements", fields, a.Date); err != nil {
			return err
		}
		l.accompagnements++
	}
	return nil
}

// resolveAteliers maps every kind of workshop of the demo to a shared,
// active workshop of the seeded catalogue: the first one whose title
// matches, preferring workshops not used yet, else any.
func (l *demoLoader) resolveAteliers() error {
	catalogue, err := l.app.FindAllRecords("ateliers", dbx.NewExp("structure = '' AND actif = true"))
	if err != nil {
		return fmt.Errorf("lire le catalogue d'ateliers : %w", err)
	}
	if len(catalogue) == 0 {
		return errors.New("le catalogue d'ateliers est vide : la démonstration utilise les ateliers " +
			"partagés créés à l'installation. Recréez-les (ou un atelier partagé actif) puis relancez atelier demo")
	}
	sort.Slice(catalogue, func(i, j int) bool { return catalogue[i].GetString("titre") < catalogue[j].GetString("titre") })
	titles := make([]string, len(catalogue))
	for i, a := range catalogue {
		titles[i] = " " + demoWords(a.GetString("titre")) + " "
	}
	used := map[int]bool{}
	for w, kind := range demodata.Workshops {
		found := -1
		for _, unusedOnly := range []bool{true, false} {
			for i, title := range titles {
				if found >= 0 || (unusedOnly && used[i]) {
					continue
				}
				for _, kw := range kind.Keywords {
					if strings.Contains(title, " "+demoWords(kw)) { // a word starting with kw
						found = i
						break
					}
				}
			}
		}
		if found < 0 {
			found = w % len(catalogue)
		}
		used[found] = true
		l.ateliers = append(l.ateliers, catalogue[found])
	}
	return nil
}

// demoWords folds s to lowercase words without accents separated by one space.
func demoWords(s string) string {
	return strings.Join(strings.FieldsFunc(texte.Plier(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

func (l *demoLoader) collection(name string) (*core.Collection, error) {
	if c, ok := l.collections[name]; ok {
		return c, nil
	}
	c, err := l.app.FindCachedCollectionByNameOrId(name)
	if err != nil {
		return nil, fmt.Errorf("collection %s : %w", name, err)
	}
	l.collections[name] = c
	return c, nil
}

// save inserts one record; created, when given, back-dates it so that the
// history reads naturally (a registration made three weeks before a session).
func (l *demoLoader) save(name string, fields map[string]any, created time.Time) (string, error) {
	c, err := l.collection(name)
	if err != nil {
		return "", err
	}
	r := core.NewRecord(c)
	for k, v := range fields {
		r.Set(k, v)
	}
	if !created.IsZero() {
		dt, err := types.ParseDateTime(created)
		if err == nil {
			r.SetRaw("created", dt)
			r.SetRaw("updated", dt)
		}
	}
	if err := l.app.Save(r); err != nil {
		return "", fmt.Errorf("enregistrer %s : %w", name, err)
	}
	l.count()
	return r.Id, nil
}

func (l *demoLoader) saveStaff(s demodata.Staff) (string, error) {
	c, err := l.collection("utilisateurs")
	if err != nil {
		return "", err
	}
	r := core.NewRecord(c)
	r.SetEmail(s.Email)
	r.SetPassword(demodata.Password)
	r.SetVerified(true)
	r.Set("nom", s.Nom)
	r.Set("prenom", s.Prenom)
	r.Set("role", s.Role)
	r.Set("structures", demoIDs(l.structures, s.Structures))
	r.Set("confirme_pour", demoIDs(l.structures, s.Structures)) // an administrator's own demo
	r.Set("telephone", s.Telephone)
	r.Set("actif", true)
	if err := l.app.Save(r); err != nil {
		return "", fmt.Errorf("enregistrer le compte %s : %w", s.Email, err)
	}
	l.count()
	return r.Id, nil
}

func demoIDs(ids []string, indexes []int) []string {
	out := make([]string, len(indexes))
	for i, k := range indexes {
		out[i] = ids[k]
	}
	return out
}

type demoSummary struct {
	structures, lieux, comptes                   int
	seances, passees, aVenir, annulees, aRemplir int
	beneficiaires, inscriptions, accompagnements int
}

func (l *demoLoader) summary(now time.Time) demoSummary {
	s := demoSummary{
		structures: len(l.structures), lieux: len(l.lieux), comptes: len(l.staff),
		seances: len(l.seances), beneficiaires: len(l.beneficiaires),
		inscriptions: l.inscriptions, accompagnements: l.accompagnements,
	}
	for _, se := range l.data.Seances {
		switch {
		case se.Statut == "annulee":
			s.annulees++
		case se.Debut.Before(now):
			s.passees++
			if se.Statut == "planifiee" {
				s.aRemplir++
			}
		default:
			s.aVenir++
		}
	}
	return s
}

func (s demoSummary) print(out io.Writer, data demodata.Dataset) {
	fmt.Fprintf(out, "Données de démonstration chargées.\n\n")
	fmt.Fprintf(out, "  %d structures, %d lieux, %d comptes du personnel\n", s.structures, s.lieux, s.comptes)
	fmt.Fprintf(out, "  %d séances : %d passées (dont %d à renseigner), %d à venir, %d annulées\n",
		s.seances, s.passees, s.aRemplir, s.aVenir, s.annulees)
	fmt.Fprintf(out, "  %d bénéficiaires, %d inscriptions, %d accompagnements individuels\n\n",
		s.beneficiaires, s.inscriptions, s.accompagnements)

	fmt.Fprintf(out, "Comptes de démonstration (mot de passe commun : %s)\n\n", demodata.Password)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "  Rôle\tNom\tStructure(s)\tE-mail\tMot de passe")
	for _, st := range data.Staff {
		var names []string
		for _, i := range st.Structures {
			names = append(names, data.Structures[i].Nom)
		}
		if len(names) > 1 && len(names) == len(data.Structures) {
			names = []string{fmt.Sprintf("les %d structures", len(names))}
		}
		fmt.Fprintf(w, "  %s\t%s %s\t%s\t%s\t%s\n", referentiel.Roles.Label(st.Role), st.Prenom, st.Nom,
			strings.Join(names, " + "), st.Email, demodata.Password)
	}
	w.Flush()
	fmt.Fprintf(out, "\nLancez « atelier serve » puis ouvrez %s (espace des conseillers : %sespace).\n", demoURL, demoURL)
	fmt.Fprintln(out, "Ces données sont fictives : les adresses e-mail sont en example.org, example.net ou example.com, "+
		"les numéros de téléphone sont inventés. N'activez pas l'envoi de SMS sur une instance de démonstration.")
}
