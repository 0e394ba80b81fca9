package statistiques

import "atelier/hooks/lib/stats"

// SansNoms takes out of the data every name and free text an export would
// print, for the référents' name-free activity export: the advisors'
// names and the name of the administrative procedure (typed by staff, it
// may name someone). The people's attributes counted by La Coop (age
// bracket, gender, status, commune) stay: they are not names or contacts,
// and the loader never reads a beneficiary's name or contact.
func SansNoms(d *stats.Donnees) {
	for i := range d.Seances {
		d.Seances[i].Animateurs = nil
	}
	for i := range d.Accompagnements {
		d.Accompagnements[i].Conseiller = ""
		d.Accompagnements[i].Demarche = ""
	}
}
