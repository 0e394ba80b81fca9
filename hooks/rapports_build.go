package hooks

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// TEMPORARY until stats and pdfdoc are merged.
type reportFiles struct {
	PDF, XLSX    []byte
	Statistiques any
	Resume       [][2]string
}

func buildReportFiles(app core.App, s reportStructure, month time.Time) (*reportFiles, error) {
	return &reportFiles{PDF: []byte("%PDF-1.4\n" + s.Nom + " " + moisCle(month) + "\n%%EOF"), XLSX: []byte("PK\x03\x04temporaire"),
		Statistiques: map[string]any{"mois": moisCle(month)}, Resume: [][2]string{{"Ateliers réalisés", "0"}}}, nil
}
