package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"atelier/hooks/envois"
	"atelier/hooks/installation"
)

// NewInstallationCommand is `atelier installation lien`: a new link of the
// installation page, for an operator who lost the one `serve` printed.
func NewInstallationCommand(app core.App) *cobra.Command {
	command := &cobra.Command{
		Use:   "installation",
		Short: "Première installation, sans passer par /_/",
	}
	command.AddCommand(&cobra.Command{
		Use:   "lien",
		Short: "Donne un nouveau lien de la page d'installation",
		Long: "Tant qu'aucun compte de l'équipe n'existe, donne un nouveau lien de la page d'installation " +
			"(le lien précédent ne marche plus). Le serveur peut tourner pendant ce temps.",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("migrations : %w", err)
			}
			return PrintInstallationLink(app, cmd.OutOrStdout(), "http://127.0.0.1:8090")
		},
	})
	return command
}

// PrintInstallationLink draws a new installation token and prints its
// link at the Application URL, or at fallback when none is set. The
// token goes to out only, never to a log.
func PrintInstallationLink(app core.App, out io.Writer, fallback string) error {
	token, err := installation.NewToken(app)
	if errors.Is(err, installation.ErrTerminee) {
		return errors.New("l'installation est terminée : un compte de l'équipe existe déjà. Connectez-vous sur /connexion")
	}
	if err != nil {
		return err
	}
	base := fallback
	if envois.InstanceURLConfigured(app) {
		base = envois.InstanceURL(app)
	}
	_, err = fmt.Fprintf(out, "\nAtelier n'est pas encore installé. Ouvrez ce lien dans votre navigateur pour le régler "+
		"et créer le premier compte (il ne sert qu'une fois) :\n\n    %s\n\n"+
		"Lien perdu ? « atelier installation lien » en donne un nouveau.\n\n", installation.Link(base, token))
	return err
}
