package cli

import (
	"fmt"
	"io"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"atelier/hooks/clock"
	"atelier/hooks/lib/progression"
	"atelier/hooks/rgpd"
)

// NewRGPDCommand is `atelier rgpd retention [--dry-run]`.
func NewRGPDCommand(app core.App) *cobra.Command {
	command := &cobra.Command{
		Use:   "rgpd",
		Short: "Données personnelles : règles de conservation",
	}
	var dryRun bool
	retention := &cobra.Command{
		Use:   "retention",
		Short: "Applique les durées de conservation (anonymisation, liens d'annulation, messages)",
		Long: "Anonymise les bénéficiaires sans activité depuis la durée choisie dans les paramètres " +
			"(12 mois par défaut), efface les liens d'annulation des séances passées et supprime les " +
			"messages envoyés plus anciens que la durée choisie. Les statistiques ne changent pas.\n" +
			"Avec --dry-run, la commande affiche ce qu'elle ferait sans rien modifier.",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("migrations : %w", err)
			}
			progress, finish := followProgress(app, cmd.OutOrStdout(), "Anonymisation des personnes inactives")
			report, err := rgpd.RunRetentionProgress(app, clock.Now(app), dryRun, progress)
			finish()
			if err != nil {
				return err
			}
			report.Print(cmd.OutOrStdout())
			return nil
		},
	}
	retention.Flags().BoolVar(&dryRun, "dry-run", false, "afficher ce qui serait fait, sans rien modifier")
	command.AddCommand(retention)
	return command
}

// followProgress shows the progress of work named libelle on out, once
// the work gives its total: work that never starts writes nothing. finish
// writes the summary, if anything was shown.
func followProgress(app core.App, out io.Writer, libelle string) (progress func(done, total int), finish func()) {
	var suivi *progression.Suivi
	progress = func(done, total int) {
		if suivi == nil {
			suivi = progression.New(out, libelle, total,
				progression.Options{Terminal: progression.Terminal(out), Now: clock.Of(app).Now})
		}
		suivi.Update(done, total)
	}
	finish = func() {
		if suivi != nil {
			suivi.Finish()
		}
	}
	return progress, finish
}
