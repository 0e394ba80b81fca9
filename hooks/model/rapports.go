package model

// GenereRapports: référents make their structures' reports on request
// (« Générer maintenant »), coordinateurs any structure's; conseillers
// read the reports only.
func (s *StaffView) GenereRapports(structure string) bool {
	switch s.RoleValue {
	case RoleCoordinateur:
		return true
	case RoleReferent:
		return s.Member(structure)
	}
	return false
}

// GenereDesRapports: the person may make the report of some structure
// (the page offers the button).
func (s *StaffView) GenereDesRapports() bool {
	return s.Coordinateur() || (s.RoleValue == RoleReferent && len(s.Structures) > 0)
}

// ExporteActivitesSansNoms: a référent downloads the activities of their
// structures one by one, without any name (no advisor, no free text):
// conseillers get the advisors' names, coordinateurs the summary only.
func (s *StaffView) ExporteActivitesSansNoms() bool {
	return s.RoleValue == RoleReferent && len(s.Structures) > 0
}
