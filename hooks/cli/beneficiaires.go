package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"atelier/hooks/beneficiaires"
	"atelier/hooks/clock"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/importcoop"
)

// NewBeneficiairesCommand is `atelier beneficiaires importer --structure
// <slug> fichier.xlsx [--essai] [--avec-doublons]`.
func NewBeneficiairesCommand(app core.App) *cobra.Command {
	command := &cobra.Command{
		Use:   "beneficiaires",
		Short: "Bénéficiaires : import d'un fichier",
	}
	var slug string
	var essai, avecDoublons bool
	importer := &cobra.Command{
		Use:   "importer fichier",
		Short: "Importe les personnes d'un fichier XLSX ou CSV (modèle de La Coop ou tableau quelconque)",
		Long: "Lit le fichier (modèle « Bénéficiaires » de La Coop de la médiation numérique, ou un tableau " +
			"dont les colonnes sont reconnues à leur titre : nom, prénom, téléphone, e-mail…), vérifie chaque " +
			"ligne comme une fiche saisie dans l'espace, cherche les doublons parmi les personnes de la structure, " +
			"puis crée les personnes en une seule transaction : tout ou rien. Une ligne invalide empêche l'import. " +
			"Les doublons probables sont laissés de côté, sauf avec --avec-doublons. L'accord des personnes est noté " +
			"« déclaré par la structure ».\nAvec --essai, la commande affiche ce qu'elle ferait sans rien enregistrer.",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("migrations : %w", err)
			}
			return runImport(app, cmd.OutOrStdout(), slug, args[0], essai, avecDoublons)
		},
	}
	importer.Flags().StringVar(&slug, "structure", "", "adresse courte (slug) de la structure qui suit ces personnes")
	importer.Flags().BoolVar(&essai, "essai", false, "afficher ce qui serait fait, sans rien enregistrer")
	importer.Flags().BoolVar(&avecDoublons, "avec-doublons", false, "importer aussi les doublons probables")
	_ = importer.MarkFlagRequired("structure")
	command.AddCommand(importer)
	return command
}

func runImport(app core.App, out io.Writer, slug, path string, essai, avecDoublons bool) error {
	structure, err := app.FindFirstRecordByData("structures", "slug", slug)
	if err != nil {
		return fmt.Errorf("aucune structure n'a l'adresse courte %q", slug)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("lecture de %s : %w", path, err)
	}
	table, err := importcoop.Lire(data)
	if err != nil {
		return err
	}
	mapping := importcoop.Deviner(table.Entetes)
	if table.Coop {
		mapping = importcoop.Champs()
	}
	if !slices.Contains(mapping, importcoop.Nom) || !slices.Contains(mapping, importcoop.Prenom) {
		return fmt.Errorf("colonnes du nom et du prénom introuvables parmi %q : nommez-les « Nom » et « Prénom », "+
			"ou importez le fichier depuis l'espace, qui permet de choisir les colonnes", table.Entetes)
	}
	for i, champ := range mapping {
		if champ != "" {
			fmt.Fprintf(out, "Colonne « %s » : %s\n", table.Entetes[i], importcoop.Titre(champ))
		}
	}
	now := clock.Now(app)
	progress, finish := followProgress(app, out, "Vérification des lignes")
	imp, err := beneficiaires.AnalyserImport(app, structure.Id, table, mapping, now, progress)
	finish()
	if err != nil {
		return err
	}
	for _, l := range imp.Lignes {
		switch {
		case !l.Valide():
			fmt.Fprintf(out, "Ligne %d : invalide : %s\n", l.Numero, strings.Join(l.Erreurs, " ; "))
		case l.DoublonDe > 0:
			fmt.Fprintf(out, "Ligne %d : doublon probable de la ligne %d\n", l.Numero, l.DoublonDe)
		case len(l.Doublons) > 0:
			fmt.Fprintf(out, "Ligne %d : doublon probable d'une personne déjà suivie (%s)\n", l.Numero, strings.Join(l.Doublons[0].Raisons, ", "))
		}
	}
	fmt.Fprintf(out, "%d %s : %d à créer, %d %s, %d %s.\n",
		len(imp.Lignes), frfmt.Pluriel(len(imp.Lignes), "ligne lue", "lignes lues"), imp.Creees,
		imp.Doublons, frfmt.Pluriel(imp.Doublons, "doublon probable", "doublons probables"),
		imp.Invalides, frfmt.Pluriel(imp.Invalides, "ligne invalide", "lignes invalides"))
	if imp.Invalides > 0 {
		return errors.New("rien n'a été importé : corrigez les lignes invalides")
	}
	if essai {
		fmt.Fprintln(out, "Essai : rien n'a été enregistré.")
		return nil
	}
	withDuplicates := map[int]bool{}
	if avecDoublons {
		for _, l := range imp.Lignes {
			withDuplicates[l.Numero] = true
		}
	}
	progress, finish = followProgress(app, out, "Création des personnes")
	n, err := beneficiaires.Importer(app, nil, imp, withDuplicates, now, progress)
	finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d %s dans %s.\n", n, frfmt.Pluriel(n, "personne importée", "personnes importées"), structure.GetString("nom"))
	return nil
}
