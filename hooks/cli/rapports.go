package cli

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"atelier/hooks/clock"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/progression"
	"atelier/hooks/rapports"
)

func NewReportsCommand(app core.App) *cobra.Command {
	root := &cobra.Command{
		Use:   "rapports",
		Short: "Rapports d'activité mensuels des structures",
	}
	var mois, structure string
	generate := &cobra.Command{
		Use:   "generer",
		Short: "Génère (ou régénère) les rapports d'un mois",
		Long: "Génère le rapport d'activité d'un mois terminé pour chaque structure, ou pour une seule avec --structure. " +
			"Un rapport déjà présent est remplacé par les chiffres d'aujourd'hui. Aucun e-mail n'est envoyé.\n\n" +
			"Exemple : atelier rapports generer --mois 2026-10 --structure mediatheque-alpha",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return GenerateReports(app, mois, structure, clock.Now(app), cmd.OutOrStdout())
		},
	}
	generate.Flags().StringVar(&mois, "mois", "", "mois du rapport, par exemple 2026-10 (obligatoire)")
	generate.Flags().StringVar(&structure, "structure", "", "slug d'une seule structure (toutes par défaut)")
	_ = generate.MarkFlagRequired("mois")
	root.AddCommand(generate)
	return root
}

// GenerateReports makes or replaces the reports of month (2026-10) for one
// structure (by slug) or all, and prints one line per structure to out,
// with the progress (see lib/progression) and a summary.
func GenerateReports(app core.App, mois, slug string, now time.Time, out io.Writer) error {
	month, err := rapports.ParseMois(mois)
	if err != nil {
		return err
	}
	if err := app.RunAllMigrations(); err != nil {
		return fmt.Errorf("migrations : %w", err)
	}
	var where dbx.Expression
	if slug != "" {
		where = dbx.HashExp{"s.slug": slug}
	}
	structures, err := rapports.ReportStructures(app, where)
	if err != nil {
		return err
	}
	if len(structures) == 0 {
		if slug != "" {
			return fmt.Errorf("aucune structure avec le slug %q", slug)
		}
		return errors.New("aucune structure dans cette instance")
	}
	for _, s := range structures {
		if !rapports.MonthEnded(month, now, s.Location()) {
			return fmt.Errorf("%s n'est pas terminé pour %s : un rapport se fait sur un mois entier", frfmt.Mois(month), s.Nom)
		}
	}
	var failed int
	suivi := progression.New(out, "Rapports de "+frfmt.Mois(month), len(structures),
		progression.Options{Terminal: progression.Terminal(out), Now: clock.Of(app).Now})
	for i, s := range structures {
		existed, err := rapports.FindReport(app, s.ID, mois)
		if err != nil {
			return err
		}
		if _, err := rapports.GenerateReports(app, s, []time.Time{month}, now, true); err != nil {
			suivi.Println(fmt.Sprintf("%s, %s : échec (%v)", s.Nom, frfmt.Mois(month), err))
			failed++
		} else {
			verb := "rapport créé"
			if existed != nil {
				verb = "rapport remplacé"
			}
			suivi.Println(fmt.Sprintf("%s, %s : %s", s.Nom, frfmt.Mois(month), verb))
		}
		suivi.Update(i+1, 0)
	}
	suivi.Finish()
	if failed > 0 {
		return fmt.Errorf("%d %s", failed, frfmt.Pluriel(failed, "rapport en échec", "rapports en échec"))
	}
	return nil
}
