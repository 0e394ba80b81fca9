// Package statistiques loads the activity of some structures over a period
// into the plain structs of hooks/lib/stats, and writes the statistics
// files: La Coop's activity export (XLSX, CSV) and the summary.
package statistiques
