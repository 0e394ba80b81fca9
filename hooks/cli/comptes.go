package cli

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"atelier/hooks/comptes"
)

// NewComptesCommand is `atelier comptes confirmer --structure slug e-mail`:
// the administrator's confirmation of an account for a structure (its
// first référent, who then confirms the others from the workspace),
// without opening /_/.
func NewComptesCommand(app core.App) *cobra.Command {
	command := &cobra.Command{
		Use:   "comptes",
		Short: "Comptes de l'équipe : confirmation par l'administrateur",
	}
	var slug string
	confirmer := &cobra.Command{
		Use:   "confirmer e-mail",
		Short: "Confirme un compte pour une structure : il voit alors ses personnes",
		Long: "Un conseiller ou un référent ne voit les personnes d'une structure qu'une fois confirmé pour elle " +
			"par un référent confirmé de la structure, ou par l'administrateur. Cette commande est la confirmation " +
			"de l'administrateur : pour le premier référent d'une structure, qui confirme ensuite les autres " +
			"depuis l'espace (page « Comptes »). Le compte doit être actif (invitation acceptée). " +
			"La confirmation est écrite au journal et annoncée aux référents de la structure.",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("migrations : %w", err)
			}
			account, err := comptes.ConfirmByOperator(app, strings.TrimSpace(args[0]), slug)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Compte confirmé : %s voit maintenant les personnes de la structure %s.\n",
				strings.TrimSpace(account.GetString("prenom")+" "+account.GetString("nom")), slug)
			return nil
		},
	}
	confirmer.Flags().StringVar(&slug, "structure", "", "adresse courte (slug) de la structure")
	_ = confirmer.MarkFlagRequired("structure")
	command.AddCommand(confirmer)
	return command
}
