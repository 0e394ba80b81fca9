package hooks

// The statistics loader: it reads the activity of some structures from the
// database into the plain structs of hooks/stats, which does the counting.
// Four queries whatever the size (structures, sessions with their
// workshop and place, their registrations with the people's attributes,
// one-to-one help with theirs) plus one for the advisors' names, every one
// scoped by the structure ids as bound parameters and served by the
// (structure, date) indexes.
//
// Callers:
//
//	f := stats.Filtre{Periode: stats.Mois(2026, time.October)}
//	d, err := loadStatsData(app, []string{structureID}, f.Etendue())
//	r := stats.Calculer(d, f)           // or stats.Mensuel(d, structureID, 2026, time.October)
//	rows := activityRows(d, f)          // for writeActivitiesXLSX / writeActivitiesCSV
//
// Access is the caller's business: the structure ids must be ones the
// person may see (staffStatsStructures), as this reads people's
// attributes (never their names) to count them.
